package io.cxmonitor.service;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.windows.GroupPartial;
import io.cxmonitor.platform.windows.Grouping;

/** Service aggregates of one group in one bucket; see {@link GroupPartial}. */
public final class ServicePartial extends GroupPartial<ServiceCounts> {
  public ServicePartial() {}

  public ServicePartial(Grouping grouping, String value, long bucket, ServiceCounts counts) {
    super(grouping, value, bucket, counts);
  }
}
