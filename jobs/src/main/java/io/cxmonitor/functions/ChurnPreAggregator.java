package io.cxmonitor.functions;

import io.cxmonitor.metrics.ChurnCounts;
import io.cxmonitor.metrics.ChurnPartial;
import io.cxmonitor.metrics.CustomerFact;
import io.cxmonitor.metrics.Grouping;

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
    c.record(f);
  }

  @Override
  protected void recordGaugeOnly(ChurnCounts c, CustomerFact f) {
    ChurnCounts one = new ChurnCounts();
    one.record(f);
    c.activeDelta += one.activeDelta;
    c.mrrDelta += one.mrrDelta;
    c.atRiskDelta += one.atRiskDelta;
    c.revenueAtRiskDelta += one.revenueAtRiskDelta;
  }

  @Override
  protected ChurnPartial partial(Grouping g, String value, long bucket, ChurnCounts c) {
    return new ChurnPartial(g, value, bucket, c);
  }
}
