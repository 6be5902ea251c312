package io.cxmonitor.churn;

import io.cxmonitor.platform.windows.FactPreAggregator;

import io.cxmonitor.metrics.ChurnCounts;
import io.cxmonitor.platform.windows.Grouping;

/** Pre-aggregates customer facts per bucket for overall, region, product and plan. */
public final class ChurnPreAggregator extends FactPreAggregator<CustomerFact, ChurnCounts, ChurnPartial> {
  private static final long serialVersionUID = 1L;

  public ChurnPreAggregator(String job, long bucketMillis, long statsIntervalMillis) {
    super(job, bucketMillis, statsIntervalMillis, Grouping.OVERALL, Grouping.REGION, Grouping.PRODUCT, Grouping.PLAN);
  }

  @Override
  protected long timeOf(CustomerFact f) {
    return f.time;
  }

  @Override
  protected String valueOf(CustomerFact f, Grouping g) {
    return switch (g) {
      case REGION -> f.region;
      case PRODUCT -> f.product;
      case PLAN -> f.plan;
      default -> Grouping.ALL;
    };
  }

  @Override
  protected ChurnCounts newAggregate() {
    return new ChurnCounts();
  }

  @Override
  protected void record(ChurnCounts c, CustomerFact f) {
    ChurnFacts.count(c, f);
  }

  @Override
  protected void recordGaugeOnly(ChurnCounts c, CustomerFact f) {
    ChurnCounts one = new ChurnCounts();
    ChurnFacts.count(one, f);
    c.activeDelta += one.activeDelta;
    c.mrrDelta += one.mrrDelta;
    c.atRiskDelta += one.atRiskDelta;
    c.revenueAtRiskDelta += one.revenueAtRiskDelta;
    c.cohortBucket += one.cohortBucket;
    c.cohortMrrBucket += one.cohortMrrBucket;
    c.cohortHour += one.cohortHour;
    c.cohortMrrHour += one.cohortMrrHour;
    c.cohortDay += one.cohortDay;
    c.cohortMrrDay += one.cohortMrrDay;
  }

  /**
   * Cohort corrections are the bookkeeping of a cancellation already counted, not input facts:
   * they are aggregated (a late one's change is kept, like a gauge's) but not counted again.
   */
  @Override
  protected boolean counted(CustomerFact f) {
    return f.kind != CustomerFact.Kind.COHORT;
  }

  @Override
  protected ChurnPartial partial(Grouping g, String value, long bucket, ChurnCounts c) {
    return new ChurnPartial(g, value, bucket, c);
  }
}
