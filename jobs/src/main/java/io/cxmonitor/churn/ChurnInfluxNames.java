package io.cxmonitor.churn;

import io.cxmonitor.platform.influx.InfluxSchema;

import java.util.List;

/**
 * The InfluxDB measurements, tags and fields of the churn job. Shared tags and fields (window, n, intervals, rate suffixes) are in {@code
 * InfluxSchema}; a rename here fails the dashboards' contract test.
 */
public final class ChurnInfluxNames {
  private ChurnInfluxNames() {}

  // --- cx_churn: per window; tags window, region, product, plan; MRR in minor units (cents) ---
  public static final List<String> CHURN_DIMENSION_TAGS = List.of(InfluxSchema.TAG_REGION, InfluxSchema.TAG_PRODUCT, InfluxSchema.TAG_PLAN);
  public static final String MEASUREMENT_CHURN = "cx_churn";
  /** Every cancellation in the window (also of customers who subscribed in it): a count of events, not the churn rate's numerator. */
  public static final String FIELD_CANCELLATIONS = "cancellations";
  /** Customers of the window's cohort (active at its start, in this group then) who cancelled in it: the churn rate's numerator. */
  public static final String FIELD_CHURNED = "churned";
  /** The MRR the churned customers had at the window's start: revenue churn's numerator. */
  public static final String FIELD_CHURNED_MRR_AT_START = "churned_mrr_at_start";
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
  /** Churned customers' MRR at window start / MRR at window start (the cohort's), %. */
  public static final String FIELD_REVENUE_CHURN_PCT = "revenue_churn_pct";
  public static final String FIELD_AT_RISK_ENTERED = "at_risk_entered";
  public static final String FIELD_AT_RISK_RECOVERED = "at_risk_recovered";
  public static final String FIELD_AT_RISK_CHURNED = "at_risk_churned";
  public static final String FIELD_FOLLOW_UPS_CREATED = "follow_ups_created";
  public static final String FIELD_FOLLOW_UPS_DONE_LATE = "follow_ups_done_late";
  public static final String FIELD_FOLLOW_UPS_OVERDUE = "follow_ups_overdue";
  /** Churned / active customers at window start: a cohort proportion, n = active_start (Wilson CI). */
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
}
