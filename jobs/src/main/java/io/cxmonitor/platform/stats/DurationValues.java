package io.cxmonitor.platform.stats;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * Durations (ms, at least 0) recorded while no histogram holds them yet: a partial of a few values
 * keeps them as they are, and they go into a histogram where one is needed. A histogram of
 * {@link Durations} takes kilobytes (16 KB of counts for values of an hour), is reallocated as its
 * range grows, and is added to another by walking its counts (value by value when the two ranges
 * differ); a pre-aggregated partial usually holds one to three values. Recording these values into
 * a histogram gives the same counts, minimum and maximum as recording them into a histogram of
 * their own and adding that one.
 */
public final class DurationValues {
  /** More values than this go into a histogram: beyond it the list costs more than the histogram. */
  public static final int MAX_VALUES = 64;

  private long[] values = new long[4];
  private int size;
  private long max;

  public int size() {
    return size;
  }

  public long get(int i) {
    return values[i];
  }

  /** Adds a duration (at least 0). */
  public void add(long ms) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = ms;
    max = Math.max(max, ms);
  }

  public void addAll(DurationValues o) {
    int n = o.size; // o may be this
    for (int i = 0; i < n; i++) {
      add(o.values[i]);
    }
  }

  /** Records every value into {@code h}. */
  public void recordInto(Histogram h) {
    for (int i = 0; i < size; i++) {
      h.recordValue(values[i]);
    }
  }

  /** A new histogram of {@link Durations}' precision holding these values, sized for the largest at once. */
  public Histogram toHistogram() {
    Histogram h = new Histogram(1, Math.max(2, max), Durations.SIGNIFICANT_DIGITS);
    h.setAutoResize(true);
    for (int i = 0; i < size; i++) {
      h.recordValue(values[i]);
    }
    return h;
  }
}
