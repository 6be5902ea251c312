package io.cxmonitor.platform.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * 95 % confidence intervals for the score types we report. Each method states its method and
 * what it returns at the edges, because that is where a dashboard would otherwise lie.
 */
public final class ConfidenceIntervals {
  /** Two-sided 95 % normal quantile. */
  public static final double Z95 = 1.959963984540054;

  private static final int T_CACHE = 1024;
  private static final double[] T95 = new double[T_CACHE];

  static {
    for (int df = 1; df < T_CACHE; df++) {
      T95[df] = new TDistribution(null, df).inverseCumulativeProbability(0.975);
    }
  }

  private ConfidenceIntervals() {}

  /**
   * Wilson score interval for a proportion {@code successes / n}, in [0, 1]. Unlike the Wald
   * interval it never leaves [0, 1] and keeps a sensible width at 0 % and 100 %.
   */
  public static Interval wilson(long successes, long n) {
    requireCounts(successes, n);
    double p = (double) successes / n;
    double z2 = Z95 * Z95;
    double denom = 1 + z2 / n;
    double center = (p + z2 / (2.0 * n)) / denom;
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
    // At 0 % (100 %) center - half (center + half) is exactly 0 (1); in floating point it can land
    // a rounding error inside, e.g. 5.6e-17 for 0/3, and the interval would not hold the rate.
    double low = successes == 0 ? 0 : Math.max(0, center - half);
    double high = successes == n ? 1 : Math.min(1, center + half);
    return new Interval(low, high);
  }

  /**
   * Adjusted-Wald interval for a Net Promoter Score, in NPS points (−100..100), after Rocks
   * (2016): add 3/4 of a response to promoters and detractors and 3/2 to passives (n' = n + 3),
   * then use the multinomial variance of p_promoter − p_detractor. Good coverage even for small
   * samples and all-promoter or all-detractor groups, where the plain Wald interval collapses to
   * a point.
   */
  public static Interval npsAdjustedWald(long promoters, long passives, long detractors) {
    long n = promoters + passives + detractors;
    if (promoters < 0 || passives < 0 || detractors < 0 || n == 0) {
      throw new IllegalArgumentException(
          "NPS interval needs non-negative counts and n > 0, got P=" + promoters + " Pa="
              + passives + " D=" + detractors);
    }
    double nAdj = n + 3.0;
    double pp = (promoters + 0.75) / nAdj;
    double pd = (detractors + 0.75) / nAdj;
    double center = pp - pd;
    double variance = (pp + pd - center * center) / nAdj;
    double half = Z95 * Math.sqrt(variance);
    return new Interval(
        Math.max(-100, 100 * (center - half)), Math.min(100, 100 * (center + half)));
  }

  /**
   * Student-t interval for the mean of answers on a bounded scale, clamped to the scale. With one
   * answer nothing is known about the spread, so the interval is the whole scale.
   */
  public static Interval mean(long n, double mean, double sampleVariance, double scaleMin, double scaleMax) {
    if (n <= 0) {
      throw new IllegalArgumentException("mean interval needs n > 0, got " + n);
    }
    if (n == 1) {
      return new Interval(scaleMin, scaleMax);
    }
    double half = t95(n - 1) * Math.sqrt(Math.max(0, sampleVariance) / n);
    return new Interval(Math.max(scaleMin, mean - half), Math.min(scaleMax, mean + half));
  }

  /** The 0.975 quantile of Student's t with {@code df} degrees of freedom. */
  public static double t95(long df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
    }
    return df < T_CACHE ? T95[(int) df] : t95Asymptotic(df);
  }

  /**
   * The 0.975 quantile of Student's t for {@code df} ≥ 1024 by the Cornish–Fisher expansion in
   * 1/df around the normal quantile (Abramowitz and Stegun 26.7.5), four terms: its error there is
   * below 1e-12, and it costs a few multiplications instead of an iterative inversion of the t
   * distribution (which took 7 % of the survey job's CPU, once per point with n ≥ 1024).
   */
  static double t95Asymptotic(long df) {
    double z = Z95;
    double z2 = z * z;
    double g1 = (z2 + 1) * z / 4;
    double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
    double v = 1.0 / df;
    return z + v * (g1 + v * (g2 + v * (g3 + v * g4)));
  }

  private static void requireCounts(long successes, long n) {
    if (n <= 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException(
          "proportion needs 0 <= successes <= n and n > 0, got " + successes + "/" + n);
    }
  }
}
