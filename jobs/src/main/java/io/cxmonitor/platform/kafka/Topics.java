package io.cxmonitor.platform.kafka;

/** Kafka topic names used by the jobs and the CLIs (defaults; every job takes them as options). */
public final class Topics {
  private Topics() {}

  public static final String INTERACTIONS = "cx.interactions";
  public static final String SURVEYS = "cx.surveys";
  public static final String LIFECYCLE = "cx.lifecycle";
  /** Records a job could not use: original key and value, reason and origin in headers. */
  public static final String DEAD_LETTER = "cx.dead-letter";
  /** {@code SlaBreachAlert}s: tickets still open past their first-response or resolution SLA. */
  public static final String ALERTS = "cx.alerts";
  /** {@code AtRiskEvent}s: customers entering or leaving churn risk. */
  public static final String AT_RISK = "cx.at-risk";
  /** {@code FollowUpAction}s: follow-ups opened for detractors and low CSAT, and overdue ones. */
  public static final String FOLLOW_UPS = "cx.followups";
  /** {@code FollowUpDone}s from the CX team's tool: closes follow-ups. */
  public static final String FOLLOW_UPS_DONE = "cx.followups-done";

  /** Every topic the jobs read or write. */
  public static final java.util.List<String> ALL = java.util.List.of(
      INTERACTIONS, SURVEYS, LIFECYCLE, DEAD_LETTER, ALERTS, AT_RISK, FOLLOW_UPS, FOLLOW_UPS_DONE);
}
