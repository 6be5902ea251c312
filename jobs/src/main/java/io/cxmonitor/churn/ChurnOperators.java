package io.cxmonitor.churn;

/**
 * Names and stable uids of the churn job's operators. A uid is part of the savepoint format:
 * changing one orphans that operator's state on upgrade, so these never change once released.
 */
final class ChurnOperators {
  private ChurnOperators() {}

  public static final String CHURN_LIFECYCLE_SOURCE = "churn-lifecycle-source";
  public static final String CHURN_SURVEY_SOURCE = "churn-survey-source";
  public static final String CHURN_INTERACTION_SOURCE = "churn-interaction-source";
  public static final String CHURN_DONE_SOURCE = "churn-follow-up-done-source";
  public static final String CHURN_ROUTER_PREFIX = "churn-route-";
  public static final String CHURN_SIGNALS = "churn-customer-signals";
  public static final String CHURN_RISK = "churn-customer-risk";
  public static final String CHURN_RISK_NAME = "Per customer: subscription, decayed risk score, at-risk events";
  public static final String CHURN_FOLLOW_UPS = "churn-follow-ups";
  public static final String CHURN_FOLLOW_UPS_NAME = "Per action: follow-ups due, done, overdue";
  public static final String CHURN_PRE_AGGREGATE = "churn-pre-aggregate";
  public static final String CHURN_ROLLING = "churn-rolling-windows";
  public static final String CHURN_ROLLING_NAME = "Churn KPIs: churn rate, revenue churn, MRR movement, risk gauges";
  public static final String CHURN_INFLUX_SINK = "churn-influx-sink";
  public static final String CHURN_AT_RISK_SINK = "churn-at-risk-sink";
  public static final String CHURN_FOLLOW_UP_SINK = "churn-follow-up-sink";
  public static final String CHURN_DEAD_LETTER_SINK = "churn-dead-letter-sink";
}
