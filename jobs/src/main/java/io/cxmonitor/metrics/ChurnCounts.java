package io.cxmonitor.metrics;

import io.cxmonitor.platform.windows.Rollable;

/**
 * Exact churn, revenue, risk and follow-up aggregates of one group over some buckets. Gauge
 * deltas (active customers, MRR, at-risk customers, revenue at risk) are carried for the rolling
 * operator's running gauges; everything else is a windowed count.
 */
public final class ChurnCounts implements Rollable<ChurnCounts> {
  public long subscriptions;
  public long cancellations;
  public long renewals;
  public long mrrNew;
  public long mrrExpansion;
  public long mrrContraction;
  public long mrrChurned;
  public long enteredRisk;
  public long recovered;
  public long churnedAtRisk;
  public long followUpsCreated;
  public long followUpsOnTime;
  public long followUpsLate;
  public long followUpsOverdue;
  // gauge deltas
  public long activeDelta;
  public long mrrDelta;
  public long atRiskDelta;
  public long revenueAtRiskDelta;
  /**
   * Churn cohort corrections per window (one bucket, 1 h, 24 h), for the rolling operator's
   * running corrections: churned customers and churned MRR at window start, minus what the
   * windowed cancellations count (see {@code ChurnCohort}).
   */
  public long cohortBucket;
  public long cohortMrrBucket;
  public long cohortHour;
  public long cohortMrrHour;
  public long cohortDay;
  public long cohortMrrDay;

  public ChurnCounts() {}

  /** The cohort corrections as {count, MRR} per window: one bucket, 1 h, 24 h. */
  public long[] cohortCorrections() {
    return new long[] {cohortBucket, cohortMrrBucket, cohortHour, cohortMrrHour, cohortDay, cohortMrrDay};
  }

  public static ChurnCounts copyOf(ChurnCounts o) {
    ChurnCounts c = new ChurnCounts();
    c.add(o);
    return c;
  }

  @Override
  public void add(ChurnCounts o) {
    combine(o, 1);
  }

  @Override
  public void subtract(ChurnCounts o) {
    combine(o, -1);
  }

  private void combine(ChurnCounts o, int s) {
    subscriptions += s * o.subscriptions;
    cancellations += s * o.cancellations;
    renewals += s * o.renewals;
    mrrNew += s * o.mrrNew;
    mrrExpansion += s * o.mrrExpansion;
    mrrContraction += s * o.mrrContraction;
    mrrChurned += s * o.mrrChurned;
    enteredRisk += s * o.enteredRisk;
    recovered += s * o.recovered;
    churnedAtRisk += s * o.churnedAtRisk;
    followUpsCreated += s * o.followUpsCreated;
    followUpsOnTime += s * o.followUpsOnTime;
    followUpsLate += s * o.followUpsLate;
    followUpsOverdue += s * o.followUpsOverdue;
    activeDelta += s * o.activeDelta;
    mrrDelta += s * o.mrrDelta;
    atRiskDelta += s * o.atRiskDelta;
    revenueAtRiskDelta += s * o.revenueAtRiskDelta;
    cohortBucket += s * o.cohortBucket;
    cohortMrrBucket += s * o.cohortMrrBucket;
    cohortHour += s * o.cohortHour;
    cohortMrrHour += s * o.cohortMrrHour;
    cohortDay += s * o.cohortDay;
    cohortMrrDay += s * o.cohortMrrDay;
  }

  /**
   * Only cohort corrections (a scheduled change of an earlier cancellation's place in the cohorts):
   * nothing happened in this bucket itself.
   */
  public boolean onlyCohortCorrections() {
    boolean corrections = cohortBucket != 0 || cohortMrrBucket != 0 || cohortHour != 0 || cohortMrrHour != 0
        || cohortDay != 0 || cohortMrrDay != 0;
    return corrections && isEmpty() && mrrNew == 0 && mrrChurned == 0 && mrrDelta == 0 && revenueAtRiskDelta == 0;
  }

  /** Nothing happened in the window: no counted event and no net change of the active or at-risk gauges. */
  @Override
  public boolean isEmpty() {
    return subscriptions == 0 && cancellations == 0 && renewals == 0 && mrrExpansion == 0 && mrrContraction == 0
        && enteredRisk == 0 && recovered == 0 && churnedAtRisk == 0 && followUpsCreated == 0 && followUpsOnTime == 0
        && followUpsLate == 0 && followUpsOverdue == 0 && activeDelta == 0 && atRiskDelta == 0;
  }
}
