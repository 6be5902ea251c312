package io.cxmonitor.service;

import static io.cxmonitor.service.ServiceOperators.*;

import io.cxmonitor.platform.pipeline.CountingOperator;
import io.cxmonitor.platform.pipeline.DecodedRouter;
import io.cxmonitor.service.repeats.RepeatContactFunction;
import io.cxmonitor.service.tickets.TicketLifecycleFunction;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.kafka.MinuteAlignedWatermarks;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SlaBreachAlert;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The service KPI pipeline:
 *
 * <pre>
 * Kafka interactions ─ decode+validate ─ watermarks ─► route ─┬─keyBy(ticket)──► ticket lifecycle ──┐ facts
 *                                          DLQ ◄─ bad records ┘└─keyBy(customer)► repeat contacts ──┤
 *                          SLA alerts (Kafka) ◄─ SLA timers while open                              ▼
 *                 InfluxDB ◄─ rolling 1m/1h/24h + backlog ◄─keyBy(group)─ pre-aggregate per minute × group
 * </pre>
 */
public final class ServiceKpiWorkflow {
  private ServiceKpiWorkflow() {}

  /** Event-time and business settings. */
  public record Settings(String job, Duration outOfOrderness, Duration idleness, Duration statsInterval,
      SlaPolicy sla, Duration reopenWindow, Duration repeatWindow, Duration orphanTimeout, Duration bucket) {}

  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<Decoded<InteractionEvent>, ?, ?> source,
      Sink<KpiPoint> kpiSink,
      Sink<SlaBreachAlert> alertSink,
      Sink<DeadLetter> deadLetterSink,
      Settings s) {
    long bound = s.outOfOrderness().toMillis();
    long bucket = s.bucket().toMillis();
    WatermarkStrategy<Decoded<InteractionEvent>> watermarks = WatermarkStrategy
        .<Decoded<InteractionEvent>>forGenerator(ctx -> new MinuteAlignedWatermarks<>(bound, bucket))
        .withTimestampAssigner((d, kafkaTs) -> d.ok() ? d.value.getEventTime().toEpochMilli() : kafkaTs)
        .withIdleness(s.idleness());

    SingleOutputStreamOperator<InteractionEvent> events = env
        .fromSource(source, watermarks, SERVICE_SOURCE_NAME).uid(SERVICE_SOURCE)
        .transform(SERVICE_ROUTER_NAME, TypeInformation.of(InteractionEvent.class),
            new DecodedRouter<InteractionEvent>(s.job(), s.statsInterval().toMillis()))
        .uid(SERVICE_ROUTER);

    SingleOutputStreamOperator<TicketFact> ticketFacts = events
        .keyBy(e -> e.getTicketId())
        .process(new TicketLifecycleFunction(s.sla(), s.reopenWindow().toMillis(), s.orphanTimeout().toMillis(),
            Duration.ofDays(1).toMillis()))
        .name(SERVICE_TICKETS_NAME).uid(SERVICE_TICKETS);

    DataStream<TicketFact> repeatFacts = events
        .keyBy(e -> e.getCustomerId())
        .process(new RepeatContactFunction(s.repeatWindow().toMillis()))
        .name(SERVICE_REPEATS_NAME).uid(SERVICE_REPEATS);

    SingleOutputStreamOperator<ServicePartial> partials = ticketFacts.union(repeatFacts)
        .transform(SERVICE_PRE_AGGREGATE_NAME, TypeInformation.of(ServicePartial.class),
            new ServicePreAggregator(s.job() + ".facts", bucket, s.statsInterval().toMillis()))
        .uid(SERVICE_PRE_AGGREGATE);

    partials
        .keyBy(ServicePartial::groupKey)
        .process(new RollingServiceWindows(bucket))
        .name(SERVICE_ROLLING_NAME).uid(SERVICE_ROLLING)
        .union(events.getSideOutput(CountingOperator.PIPELINE_STATS), partials.getSideOutput(CountingOperator.PIPELINE_STATS))
        .sinkTo(kpiSink).name(SERVICE_INFLUX_SINK_NAME).uid(SERVICE_INFLUX_SINK);

    ticketFacts.getSideOutput(TicketLifecycleFunction.SLA_ALERTS)
        .sinkTo(alertSink).name(SERVICE_ALERT_SINK_NAME).uid(SERVICE_ALERT_SINK);

    events.getSideOutput(DecodedRouter.DEAD_LETTERS)
        .sinkTo(deadLetterSink).name(SERVICE_DEAD_LETTER_SINK_NAME).uid(SERVICE_DEAD_LETTER_SINK);
  }
}
