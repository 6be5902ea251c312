package io.cxmonitor.metrics;

/** Churn aggregates of one group in one event-time minute, from the pre-aggregator to the rolling windows. */
public final class ChurnPartial {
  public int grouping;
  public String value;
  /** Event-time bucket: epoch millis / bucket length (one minute by default). */
  public long bucket;
  public ChurnCounts counts;

  public ChurnPartial() {}

  public ChurnPartial(Grouping grouping, String value, long bucket, ChurnCounts counts) {
    this.grouping = grouping.ordinal();
    this.value = value;
    this.bucket = bucket;
    this.counts = counts;
  }

  public String groupKey() {
    return new Grouping.Key(Grouping.of(grouping), value).toString();
  }
}
