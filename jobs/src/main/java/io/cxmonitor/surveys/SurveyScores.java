package io.cxmonitor.surveys;

import io.cxmonitor.metrics.SurveyCounts;
import io.cxmonitor.platform.stats.ConfidenceIntervals;
import io.cxmonitor.platform.stats.Interval;

import java.util.Optional;

/** NPS, CSAT and CES with sample size and 95 % intervals, derived from exact answer counts. */
public final class SurveyScores {
  private SurveyScores() {}

  /** Net Promoter Score: % promoters (9–10) minus % detractors (0–6). */
  public record Nps(long n, long promoters, long passives, long detractors, double score, Interval ci) {}

  /** CSAT: share answering 4 or 5 (top-2-box, %) with a Wilson interval, and the mean with a t interval. */
  public record Csat(long n, long satisfied, double top2Pct, Interval top2Ci, double mean, Interval meanCi) {}

  /** CES on 1 (low effort) .. 7 (high effort): mean with a t interval and the share answering 5–7. */
  public record Ces(long n, double mean, Interval meanCi, long highEffort, double highEffortPct, Interval highEffortCi) {}

  public static Optional<Nps> nps(SurveyCounts c) {
    long detractors = 0;
    for (int k = 0; k <= 6; k++) {
      detractors += c.nps[k];
    }
    long passives = c.nps[7] + c.nps[8];
    long promoters = c.nps[9] + c.nps[10];
    long n = promoters + passives + detractors;
    if (n == 0) {
      return Optional.empty();
    }
    double score = 100.0 * (promoters - detractors) / n;
    // The adjusted-Wald interval is centred on the adjusted estimate; with very few answers it
    // can exclude the observed score (one detractor: −100 vs [−98.5, 48.5]). A band that misses
    // its own line confuses every reader, so the interval is widened to include the score.
    Interval ci = ConfidenceIntervals.npsAdjustedWald(promoters, passives, detractors);
    ci = new Interval(Math.min(ci.low(), score), Math.max(ci.high(), score));
    return Optional.of(new Nps(n, promoters, passives, detractors, score, ci));
  }

  public static Optional<Csat> csat(SurveyCounts c) {
    long n = c.csatN();
    if (n == 0) {
      return Optional.empty();
    }
    long satisfied = c.csat[3] + c.csat[4];
    Interval top2 = ConfidenceIntervals.wilson(satisfied, n);
    Moments m = moments(c.csat, 1);
    return Optional.of(new Csat(n, satisfied, 100.0 * satisfied / n,
        new Interval(100 * top2.low(), 100 * top2.high()),
        m.mean, ConfidenceIntervals.mean(n, m.mean, m.variance, 1, 5)));
  }

  public static Optional<Ces> ces(SurveyCounts c) {
    long n = c.cesN();
    if (n == 0) {
      return Optional.empty();
    }
    long high = c.ces[4] + c.ces[5] + c.ces[6];
    Interval highCi = ConfidenceIntervals.wilson(high, n);
    Moments m = moments(c.ces, 1);
    return Optional.of(new Ces(n, m.mean, ConfidenceIntervals.mean(n, m.mean, m.variance, 1, 7),
        high, 100.0 * high / n, new Interval(100 * highCi.low(), 100 * highCi.high())));
  }

  private record Moments(double mean, double variance) {}

  /** Mean and unbiased sample variance of a histogram whose index 0 is the scale value {@code first}. */
  private static Moments moments(long[] histogram, int first) {
    long n = 0;
    double sum = 0;
    for (int i = 0; i < histogram.length; i++) {
      n += histogram[i];
      sum += (double) histogram[i] * (i + first);
    }
    double mean = sum / n;
    double ss = 0;
    for (int i = 0; i < histogram.length; i++) {
      double d = (i + first) - mean;
      ss += histogram[i] * d * d;
    }
    return new Moments(mean, n > 1 ? ss / (n - 1) : 0);
  }
}
