package io.cxmonitor.service;

/**
 * Names and stable uids of the service KPI job's operators. A uid is part of the savepoint format:
 * changing one orphans that operator's state on upgrade, so these never change once released.
 */
final class ServiceOperators {
  private ServiceOperators() {}

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
}
