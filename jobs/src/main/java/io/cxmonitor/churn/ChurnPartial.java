package io.cxmonitor.churn;

import io.cxmonitor.metrics.ChurnCounts;
import io.cxmonitor.platform.windows.GroupPartial;
import io.cxmonitor.platform.windows.Grouping;

/** Churn aggregates of one group in one bucket; see {@link GroupPartial}. */
public final class ChurnPartial extends GroupPartial<ChurnCounts> {
  public ChurnPartial() {}

  public ChurnPartial(Grouping grouping, String value, long bucket, ChurnCounts counts) {
    super(grouping, value, bucket, counts);
  }
}
