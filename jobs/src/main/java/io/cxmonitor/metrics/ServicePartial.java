package io.cxmonitor.metrics;

/** Service aggregates of one group in one event-time minute, from the pre-aggregator to the rolling windows. */
public final class ServicePartial {
  public int grouping;
  public String value;
  /** Event-time bucket: epoch millis / bucket length (one minute by default). */
  public long bucket;
  public ServiceCounts counts;

  public ServicePartial() {}

  public ServicePartial(Grouping grouping, String value, long bucket, ServiceCounts counts) {
    this.grouping = grouping.ordinal();
    this.value = value;
    this.bucket = bucket;
    this.counts = counts;
  }

  public String groupKey() {
    return new Grouping.Key(Grouping.of(grouping), value).toString();
  }
}
