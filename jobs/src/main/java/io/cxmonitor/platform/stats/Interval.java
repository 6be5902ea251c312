package io.cxmonitor.platform.stats;

/** A two-sided 95 % confidence interval. */
public record Interval(double low, double high) {
  public Interval {
    if (!(low <= high)) {
      throw new IllegalArgumentException("interval low " + low + " > high " + high);
    }
  }

  public boolean contains(double value) {
    return value >= low && value <= high;
  }
}
