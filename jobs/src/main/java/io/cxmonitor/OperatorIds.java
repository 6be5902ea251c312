package io.cxmonitor;

/**
 * Names and stable uids of every operator. A uid is part of the savepoint format: changing one
 * orphans that operator's state on upgrade, so these never change once released.
 */
public final class OperatorIds {
  private OperatorIds() {}

  // --- survey KPI job ---
  public static final String SURVEY_SOURCE = "surveys-kafka-source";
  public static final String SURVEY_SOURCE_NAME = "Kafka: survey responses (decode, validate)";
  public static final String SURVEY_PRE_AGGREGATE = "surveys-pre-aggregate-minute";
  public static final String SURVEY_PRE_AGGREGATE_NAME = "Pre-aggregate surveys per minute and group; late/invalid to DLQ";
  public static final String SURVEY_ROLLING = "surveys-rolling-windows";
  public static final String SURVEY_ROLLING_NAME = "Survey KPIs: 1m, rolling 1h and 24h";
  public static final String SURVEY_INFLUX_SINK = "surveys-influx-sink";
  public static final String SURVEY_INFLUX_SINK_NAME = "InfluxDB: survey KPIs";
  public static final String SURVEY_DEAD_LETTER_SINK = "surveys-dead-letter-sink";
  public static final String SURVEY_DEAD_LETTER_SINK_NAME = "Kafka: dead letters";

  // --- service KPI job ---
  public static final String SERVICE_SOURCE = "service-kafka-source";
  public static final String SERVICE_SOURCE_NAME = "Kafka: interactions (decode, validate)";
  public static final String SERVICE_ROUTER = "service-route-valid";
  public static final String SERVICE_ROUTER_NAME = "Valid interactions; undecodable/invalid to DLQ";
  public static final String SERVICE_TICKETS = "service-ticket-lifecycle";
  public static final String SERVICE_TICKETS_NAME = "Per ticket: FRT, TTR, FCR, reopen, abandon, SLA timers";
  public static final String SERVICE_REPEATS = "service-repeat-contacts";
  public static final String SERVICE_REPEATS_NAME = "Per customer: repeat contacts";
  public static final String SERVICE_PRE_AGGREGATE = "service-pre-aggregate-minute";
  public static final String SERVICE_PRE_AGGREGATE_NAME = "Pre-aggregate ticket facts per minute and group";
  public static final String SERVICE_ROLLING = "service-rolling-windows";
  public static final String SERVICE_ROLLING_NAME = "Service KPIs: 1m, rolling 1h and 24h, backlog";
  public static final String SERVICE_INFLUX_SINK = "service-influx-sink";
  public static final String SERVICE_INFLUX_SINK_NAME = "InfluxDB: service KPIs";
  public static final String SERVICE_ALERT_SINK = "service-sla-alert-sink";
  public static final String SERVICE_ALERT_SINK_NAME = "Kafka: SLA breach alerts";
  public static final String SERVICE_DEAD_LETTER_SINK = "service-dead-letter-sink";
  public static final String SERVICE_DEAD_LETTER_SINK_NAME = "Kafka: dead letters (interactions)";

  // --- churn job ---
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
