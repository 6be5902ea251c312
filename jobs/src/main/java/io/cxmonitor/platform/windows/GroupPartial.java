package io.cxmonitor.platform.windows;

/**
 * An aggregate of one group (e.g. channel = chat) in one event-time bucket, as shipped from a
 * pre-aggregating operator to the rolling windows. Several partials for the same group and bucket
 * may arrive (one per subtask and flush); they are summed.
 *
 * @param <A> the aggregate
 */
public abstract class GroupPartial<A> {
  /** Ordinal of the {@link Grouping}. */
  public int grouping;
  /** Normalised dimension value, {@link Grouping#ALL} for {@link Grouping#OVERALL}. */
  public String value;
  /** Event-time bucket: epoch millis / bucket length (one minute by default). */
  public long bucket;
  public A counts;

  protected GroupPartial() {}

  protected GroupPartial(Grouping grouping, String value, long bucket, A counts) {
    this.grouping = grouping.ordinal();
    this.value = value;
    this.bucket = bucket;
    this.counts = counts;
  }

  /** The key the rolling windows are partitioned by, e.g. {@code channel=chat}. */
  public String groupKey() {
    return new Grouping.Key(Grouping.of(grouping), value).toString();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + groupKey() + ", bucket=" + bucket + ", " + counts + '}';
  }
}
