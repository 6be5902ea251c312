package io.cxmonitor.platform.influx;

import java.util.List;

/**
 * The InfluxDB contract every job shares: dimension tags, window labels, the n and interval
 * fields, rate field names and the pipeline and sink health measurements. Each job's own
 * measurements and fields are in its package ({@code SurveyInfluxNames}, {@code
 * ServiceInfluxNames}, {@code ChurnInfluxNames}); the sink, the dashboards' contract tests and
 * the README use these names, so a rename is one edit and a failing test everywhere it matters.
 *
 * <p>Points are idempotent: a fixed measurement, bounded tags and the window end as timestamp,
 * so writing a result again (after a restart or replay) overwrites instead of duplicating.
 */
public final class InfluxSchema {
  private InfluxSchema() {}

  // --- tags (bounded dimensions only; ids never become tags) ---
  /** Window of a KPI point: {@link #WINDOW_1M}, {@link #WINDOW_1H}, {@link #WINDOW_24H}. */
  public static final String TAG_WINDOW = "window";
  public static final String TAG_CHANNEL = "channel";
  public static final String TAG_REGION = "region";
  public static final String TAG_TEAM = "team";
  public static final String TAG_PRODUCT = "product";
  /** Job of a pipeline/sink point, e.g. {@code surveys}. */
  public static final String TAG_JOB = "job";
  /** Flink subtask index of a pipeline/sink point. */
  public static final String TAG_SUBTASK = "subtask";
  /** Ticket priority (service KPIs only): low, normal, high, urgent. */
  public static final String TAG_PRIORITY = "priority";
  /** Subscription plan (churn KPIs only). */
  public static final String TAG_PLAN = "plan";


  public static final List<String> DIMENSION_TAGS = List.of(TAG_CHANNEL, TAG_REGION, TAG_TEAM, TAG_PRODUCT);

  public static final String WINDOW_1M = "1m";
  public static final String WINDOW_1H = "1h";
  public static final String WINDOW_24H = "24h";

  /** Window tag of a bucket-long window: "1m", "5m", "1h", "30s". */
  public static String windowLabel(long millis) {
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + "h";
    }
    if (millis % 60_000L == 0) {
      return millis / 60_000L + "m";
    }
    return millis / 1000 + "s";
  }

  // --- common fields ---
  /** Sample size (integer). Always written, also as 0 when a window has emptied. */
  public static final String FIELD_N = "n";
  public static final String FIELD_CI_LOW = "ci_low";
  public static final String FIELD_CI_HIGH = "ci_high";
  /**
   * On every window point (1m, 1h, 24h): 1 while the point is provisional (its bucket is still
   * open; the value can still grow), 0 once it is final. The final point overwrites the provisional
   * one (same series and time).
   */
  public static final String FIELD_PROVISIONAL = "provisional";

  // --- cx_pipeline: per job and subtask, cumulative since the job's first start, exact across
  // restarts (the counters are checkpointed), timestamp = processing time of the report ---
  public static final String MEASUREMENT_PIPELINE = "cx_pipeline";
  public static final String FIELD_EVENTS_TOTAL = "events_total";
  public static final String FIELD_LATE_TOTAL = "late_total";
  public static final String FIELD_INVALID_TOTAL = "invalid_total";
  public static final String FIELD_UNDECODABLE_TOTAL = "undecodable_total";
  /** Records not counted because a copy was counted already (surveys: same response id). */
  public static final String FIELD_DUPLICATES_TOTAL = "duplicates_total";
  /** Tag values written as "other" because their tag had reached --max-tag-values (per grouping per record). */
  public static final String FIELD_TAG_VALUES_FOLDED_TOTAL = "tag_values_folded_total";
  /** Records used with an enum symbol the job does not know, read as the enum's default (surveys). */
  public static final String FIELD_UNKNOWN_SYMBOLS_TOTAL = "unknown_symbols_total";
  /** Processing time minus the operator's current watermark, ms. */
  public static final String FIELD_WATERMARK_LAG_MS = "watermark_lag_ms";

  // --- cx_sink: per job and sink subtask, cumulative since the subtask started ---
  public static final String MEASUREMENT_SINK = "cx_sink";
  public static final String FIELD_POINTS_TOTAL = "points_total";
  public static final String FIELD_RETRIES_TOTAL = "retries_total";
  public static final String FIELD_REJECTED_TOTAL = "rejected_total";
  public static final String FIELD_LAST_FLUSH_MS = "last_flush_ms";

  // --- rates: every rate <r> has <r>_pct, <r>_ci_low, <r>_ci_high (Wilson) and <r>_n ---
  public static String pct(String rate) {
    return rate + "_pct";
  }

  public static String ciLow(String rate) {
    return rate + "_ci_low";
  }

  public static String ciHigh(String rate) {
    return rate + "_ci_high";
  }

  public static String n(String rate) {
    return rate + "_n";
  }
}
