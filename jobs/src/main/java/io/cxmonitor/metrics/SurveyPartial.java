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
  /** Event-time minute: epoch millis / 60 000. */
  public long minute;

  public SurveyCounts counts;

  public SurveyPartial() {}

  public SurveyPartial(Grouping grouping, String value, long minute, SurveyCounts counts) {
    this.grouping = grouping.ordinal();
    this.value = value;
    this.minute = minute;
    this.counts = counts;
  }

  /** The key the rolling windows are partitioned by. */
  public String groupKey() {
    return key(Grouping.of(grouping), value);
  }

  public static String key(Grouping grouping, String value) {
    return grouping.name().toLowerCase(java.util.Locale.ROOT) + '=' + value;
  }

  @Override
  public String toString() {
    return "SurveyPartial{" + groupKey() + ", minute=" + minute + ", " + counts + '}';
  }
}
