package io.cxmonitor.metrics;

/**
 * Answer counts of one group (e.g. channel = chat) in one event-time minute, as shipped from
 * the pre-aggregating operator to the rolling-window operator. Several partials for the same
 * group and minute may arrive (one per subtask and flush); they are summed.
 */
public final class SurveyPartial {
  /** Ordinal of the {@link Grouping}. */
  public int grouping;
  /** Normalised dimension value, {@link Grouping#ALL} for {@link Grouping#OVERALL}. */
  public String value;
  /** Event-time bucket: epoch millis / bucket length (one minute by default). */
  public long bucket;

  public SurveyCounts counts;

  public SurveyPartial() {}

  public SurveyPartial(Grouping grouping, String value, long bucket, SurveyCounts counts) {
    this.grouping = grouping.ordinal();
    this.value = value;
    this.bucket = bucket;
    this.counts = counts;
  }

  /** The key the rolling windows are partitioned by. */
  public String groupKey() {
    return key(Grouping.of(grouping), value);
  }

  public static String key(Grouping grouping, String value) {
    return new Grouping.Key(grouping, value).toString();
  }

  @Override
  public String toString() {
    return "SurveyPartial{" + groupKey() + ", bucket=" + bucket + ", " + counts + '}';
  }
}
