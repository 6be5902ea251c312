package io.cxmonitor.surveys;

import static io.cxmonitor.surveys.SurveyOperators.*;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.kafka.MinuteAlignedWatermarks;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The survey KPI pipeline:
 *
 * <pre>
 * Kafka surveys ─ decode+validate ─ watermarks ─► pre-aggregate per minute × group ─keyBy(group)─► rolling 1m/1h/24h ─┐
 *                                                  ├─ late / invalid / undecodable ─► dead-letter topic              ├─► InfluxDB
 *                                                  └─ pipeline counters ───────────────────────────────────────────┘
 * </pre>
 */
public final class SurveyKpiWorkflow {
  private SurveyKpiWorkflow() {}

  /** Tuning of the event-time behaviour. */
  public record Settings(String job, Duration outOfOrderness, Duration idleness, Duration statsInterval, Duration bucket) {}

  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<Decoded<SurveyResponse>, ?, ?> source,
      Sink<KpiPoint> kpiSink,
      Sink<DeadLetter> deadLetterSink,
      Settings settings) {
    long bound = settings.outOfOrderness().toMillis();
    long bucket = settings.bucket().toMillis();
    WatermarkStrategy<Decoded<SurveyResponse>> watermarks = WatermarkStrategy
        .<Decoded<SurveyResponse>>forGenerator(ctx -> new MinuteAlignedWatermarks<>(bound, bucket))
        .withTimestampAssigner((d, kafkaTs) -> d.ok() ? d.value.getEventTime().toEpochMilli() : kafkaTs)
        .withIdleness(settings.idleness());

    DataStream<Decoded<SurveyResponse>> surveys = env
        .fromSource(source, watermarks, SURVEY_SOURCE_NAME)
        .uid(SURVEY_SOURCE);

    // Chained to the source (default chaining strategy ALWAYS), so decoded records are never serialized.
    SingleOutputStreamOperator<SurveyPartial> partials = surveys
        .transform(SURVEY_PRE_AGGREGATE_NAME, TypeInformation.of(SurveyPartial.class),
            new SurveyPreAggregator(settings.job(), bucket, settings.statsInterval().toMillis()))
        .uid(SURVEY_PRE_AGGREGATE);

    DataStream<KpiPoint> kpis = partials
        .keyBy(SurveyPartial::groupKey)
        .process(new RollingSurveyWindows(bucket))
        .name(SURVEY_ROLLING_NAME)
        .uid(SURVEY_ROLLING);

    kpis.union(partials.getSideOutput(SurveyPreAggregator.PIPELINE_STATS))
        .sinkTo(kpiSink)
        .name(SURVEY_INFLUX_SINK_NAME)
        .uid(SURVEY_INFLUX_SINK);

    partials.getSideOutput(SurveyPreAggregator.DEAD_LETTERS)
        .sinkTo(deadLetterSink)
        .name(SURVEY_DEAD_LETTER_SINK_NAME)
        .uid(SURVEY_DEAD_LETTER_SINK);
  }
}
