package io.cxmonitor.bench;

import java.util.Arrays;

/** p50, p99 and max of a sample by the nearest-rank method, in the sample's unit. */
public record Percentiles(long count, double p50, double p99, double max) {
  public static final Percentiles NONE = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);

  public static Percentiles of(double[] sample) {
    if (sample.length == 0) {
      return NONE;
    }
    double[] sorted = sample.clone();
    Arrays.sort(sorted);
    return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
  }

  /** The smallest value with at least {@code q} of the sample at or below it. */
  static double rank(double[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
