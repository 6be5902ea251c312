package io.cxmonitor.surveys;

/**
 * Names and stable uids of the survey KPI job's operators. A uid is part of the savepoint format:
 * changing one orphans that operator's state on upgrade, so these never change once released.
 */
final class SurveyOperators {
  private SurveyOperators() {}

  public static final String SURVEY_SOURCE = "surveys-kafka-source";
  public static final String SURVEY_SOURCE_NAME = "Kafka: survey responses (decode, validate)";
  public static final String SURVEY_LATENESS = "surveys-lateness-check";
  public static final String SURVEY_LATENESS_NAME = "Mark late survey responses (per source subtask)";
  public static final String SURVEY_DEDUPLICATE = "surveys-deduplicate";
  public static final String SURVEY_DEDUPLICATE_NAME = "Deduplicate survey responses by response id";
  public static final String SURVEY_PRE_AGGREGATE = "surveys-pre-aggregate-minute";
  public static final String SURVEY_PRE_AGGREGATE_NAME = "Pre-aggregate surveys per minute and group; late/invalid to DLQ";
  public static final String SURVEY_ROLLING = "surveys-rolling-windows";
  public static final String SURVEY_ROLLING_NAME = "Survey KPIs: 1m, rolling 1h and 24h";
  public static final String SURVEY_INFLUX_SINK = "surveys-influx-sink";
  public static final String SURVEY_INFLUX_SINK_NAME = "InfluxDB: survey KPIs";
  public static final String SURVEY_DEAD_LETTER_SINK = "surveys-dead-letter-sink";
  public static final String SURVEY_DEAD_LETTER_SINK_NAME = "Kafka: dead letters";
}
