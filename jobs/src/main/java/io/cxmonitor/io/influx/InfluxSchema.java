package io.cxmonitor.io.influx;

import java.util.List;

/**
 * The InfluxDB contract: every measurement, tag and field the jobs write. The sink, the
 * dashboards' contract tests and the README use these names, so a rename is one edit here and a
 * failing test everywhere it matters.
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
  /** Channel of the repeat contact in {@link #MEASUREMENT_REPEAT_PAIRS} ({@link #TAG_CHANNEL} is the earlier contact's). */
  public static final String TAG_TO_CHANNEL = "to_channel";

  public static final List<String> DIMENSION_TAGS = List.of(TAG_CHANNEL, TAG_REGION, TAG_TEAM, TAG_PRODUCT);
  public static final List<String> SERVICE_DIMENSION_TAGS = List.of(TAG_CHANNEL, TAG_TEAM, TAG_REGION, TAG_PRIORITY, TAG_PRODUCT);

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

  // --- cx_nps: Net Promoter Score, −100..100 ---
  public static final String MEASUREMENT_NPS = "cx_nps";
  public static final String FIELD_SCORE = "score";
  public static final String FIELD_PROMOTERS = "promoters";
  public static final String FIELD_PASSIVES = "passives";
  public static final String FIELD_DETRACTORS = "detractors";

  // --- cx_csat: satisfaction 1..5 ---
  public static final String MEASUREMENT_CSAT = "cx_csat";
  /** % answering 4 or 5; CI by Wilson in {@link #FIELD_CI_LOW}/{@link #FIELD_CI_HIGH}. */
  public static final String FIELD_TOP2_PCT = "top2_pct";
  public static final String FIELD_SATISFIED = "satisfied";
  public static final String FIELD_MEAN = "mean";
  public static final String FIELD_MEAN_CI_LOW = "mean_ci_low";
  public static final String FIELD_MEAN_CI_HIGH = "mean_ci_high";

  // --- cx_ces: effort 1 (low) .. 7 (high); mean CI in ci_low/ci_high ---
  public static final String MEASUREMENT_CES = "cx_ces";
  /** % answering 5..7 (high effort), Wilson CI in high_effort_ci_low/high. */
  public static final String FIELD_HIGH_EFFORT_PCT = "high_effort_pct";
  public static final String FIELD_HIGH_EFFORT_CI_LOW = "high_effort_ci_low";
  public static final String FIELD_HIGH_EFFORT_CI_HIGH = "high_effort_ci_high";

  // --- cx_frt / cx_ttr: first response time and time to resolution, seconds, from an
  // HdrHistogram (2 significant digits: every percentile within 1 % of the exact one) ---
  public static final String MEASUREMENT_FRT = "cx_frt";
  public static final String MEASUREMENT_TTR = "cx_ttr";
  public static final String FIELD_MEAN_S = "mean_s";
  public static final String FIELD_P50_S = "p50_s";
  public static final String FIELD_P90_S = "p90_s";
  public static final String FIELD_P99_S = "p99_s";
  public static final String FIELD_MAX_S = "max_s";

  // --- cx_service: counts and rates; every rate <r> has <r>_pct, <r>_ci_low, <r>_ci_high (Wilson) and <r>_n ---
  public static final String MEASUREMENT_SERVICE = "cx_service";
  public static final String FIELD_OPENED = "opened";
  public static final String FIELD_RESOLVED = "resolved";
  public static final String FIELD_QUEUED = "queued";
  public static final String FIELD_ABANDONED = "abandoned";
  public static final String FIELD_REOPENED = "reopened";
  public static final String FIELD_CONTACTS = "contacts";
  public static final String FIELD_REPEATS = "repeats";
  public static final String FIELD_REPEATS_SWITCHED = "repeats_switched";
  /** First-contact resolutions (the numerator of fcr_pct; fcr_n is the denominator). */
  public static final String FIELD_FCR_YES = "fcr_yes";
  public static final String FIELD_SELF_SERVED = "self_served";
  public static final String FIELD_SLA_FRT_BREACHES = "sla_frt_breaches";
  public static final String FIELD_SLA_TTR_BREACHES = "sla_ttr_breaches";
  /** First-contact resolution among tickets whose reopen window has passed. */
  public static final String RATE_FCR = "fcr";
  /** Reopened / resolved. */
  public static final String RATE_REOPEN = "reopen";
  /** Abandoned / queued contacts (phone, chat, Zalo OA). */
  public static final String RATE_ABANDON = "abandon";
  /** Resolved without an agent / resolved. */
  public static final String RATE_SELF_SERVICE = "self_service";
  /** Repeat contacts / contacts. */
  public static final String RATE_REPEAT = "repeat";
  /** Repeat contacts on another channel than the previous contact / repeat contacts. */
  public static final String RATE_REPEAT_SWITCHED = "repeat_switched";

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

  // --- cx_repeat_pairs: repeat contacts by (earlier channel, repeat channel); tags window, channel, to_channel ---
  public static final String MEASUREMENT_REPEAT_PAIRS = "cx_repeat_pairs";

  // --- cx_backlog: open tickets, a gauge written every minute per group (no window tag) ---
  public static final String MEASUREMENT_BACKLOG = "cx_backlog";
  public static final String FIELD_OPEN = "open";

  // --- cx_churn: per window; tags window, region, product, plan; MRR in minor units (cents) ---
  public static final String TAG_PLAN = "plan";
  public static final List<String> CHURN_DIMENSION_TAGS = List.of(TAG_REGION, TAG_PRODUCT, TAG_PLAN);
  public static final String MEASUREMENT_CHURN = "cx_churn";
  public static final String FIELD_CANCELLATIONS = "cancellations";
  public static final String FIELD_SUBSCRIPTIONS = "subscriptions";
  public static final String FIELD_RENEWALS = "renewals";
  /** Active customers when the window started: the churn rate's n. */
  public static final String FIELD_ACTIVE_START = "active_start";
  public static final String FIELD_MRR_START = "mrr_start";
  public static final String FIELD_MRR_NEW = "mrr_new";
  public static final String FIELD_MRR_EXPANSION = "mrr_expansion";
  public static final String FIELD_MRR_CONTRACTION = "mrr_contraction";
  public static final String FIELD_MRR_CHURNED = "mrr_churned";
  /** new + expansion − contraction − churned. */
  public static final String FIELD_MRR_NET = "mrr_net";
  /** MRR churned / MRR at window start, %. */
  public static final String FIELD_REVENUE_CHURN_PCT = "revenue_churn_pct";
  public static final String FIELD_AT_RISK_ENTERED = "at_risk_entered";
  public static final String FIELD_AT_RISK_RECOVERED = "at_risk_recovered";
  public static final String FIELD_AT_RISK_CHURNED = "at_risk_churned";
  public static final String FIELD_FOLLOW_UPS_CREATED = "follow_ups_created";
  public static final String FIELD_FOLLOW_UPS_DONE_LATE = "follow_ups_done_late";
  public static final String FIELD_FOLLOW_UPS_OVERDUE = "follow_ups_overdue";
  /** Cancellations / active customers at window start (Wilson CI). */
  public static final String RATE_CHURN = "churn";
  /** Follow-ups done by their due time / (done on time + overdue). */
  public static final String RATE_FOLLOW_UP_ON_TIME = "follow_up_on_time";

  // --- cx_customers: gauges every bucket; tags region, product, plan ---
  public static final String MEASUREMENT_CUSTOMERS = "cx_customers";
  public static final String FIELD_ACTIVE = "active";
  public static final String FIELD_MRR = "mrr";
  public static final String FIELD_AT_RISK = "at_risk";
  /** Sum of the MRR of at-risk customers (minor units). */
  public static final String FIELD_REVENUE_AT_RISK = "revenue_at_risk";

  // --- cx_pipeline: per job and subtask, cumulative since the job's first start, exact across
  // restarts (the counters are checkpointed), timestamp = processing time of the report ---
  public static final String MEASUREMENT_PIPELINE = "cx_pipeline";
  public static final String FIELD_EVENTS_TOTAL = "events_total";
  public static final String FIELD_LATE_TOTAL = "late_total";
  public static final String FIELD_INVALID_TOTAL = "invalid_total";
  public static final String FIELD_UNDECODABLE_TOTAL = "undecodable_total";
  /** Processing time minus the operator's current watermark, ms. */
  public static final String FIELD_WATERMARK_LAG_MS = "watermark_lag_ms";

  // --- cx_sink: per job and sink subtask, cumulative since the subtask started ---
  public static final String MEASUREMENT_SINK = "cx_sink";
  public static final String FIELD_POINTS_TOTAL = "points_total";
  public static final String FIELD_RETRIES_TOTAL = "retries_total";
  public static final String FIELD_REJECTED_TOTAL = "rejected_total";
  public static final String FIELD_LAST_FLUSH_MS = "last_flush_ms";
}
