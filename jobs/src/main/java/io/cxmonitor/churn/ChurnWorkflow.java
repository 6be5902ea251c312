package io.cxmonitor.churn;

import static io.cxmonitor.churn.ChurnOperators.*;

import io.cxmonitor.platform.pipeline.CountingOperator;
import io.cxmonitor.churn.risk.CustomerRiskFunction;
import io.cxmonitor.platform.pipeline.DecodedRouter;
import io.cxmonitor.churn.followups.FollowUpFunction;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.kafka.MinuteAlignedWatermarks;
import io.cxmonitor.metrics.CustomerSignal;
import io.cxmonitor.churn.followups.FollowUpSignal;
import io.cxmonitor.churn.risk.RiskPolicy;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.schemas.AtRiskEvent;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.FollowUpAction;
import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The churn and closed-loop pipeline:
 *
 * <pre>
 * lifecycle ─┐
 * surveys ───┼─ decode ─► signals ─keyBy(customer)─► subscription + risk score ──► at-risk events (Kafka)
 * interactions┘                                            │ facts
 * surveys (detractors, CSAT ≤ 2) + follow-up done ─keyBy(action)─► follow-ups ──► follow-up actions (Kafka)
 *                                                          ▼ facts
 *            pre-aggregate per bucket × (overall, region, product, plan) ─keyBy─► churn windows + gauges ─► InfluxDB
 * </pre>
 */
public final class ChurnWorkflow {
  private ChurnWorkflow() {}

  public record Settings(String job, Duration outOfOrderness, Duration idleness, Duration statsInterval, Duration bucket,
      RiskPolicy risk, SlaPolicy sla, Duration repeatWindow, Duration inactiveTtl, Duration detractorDue,
      Duration lowCsatDue) {}

  /** The job's inputs. */
  public record Sources(Source<Decoded<CustomerLifecycleEvent>, ?, ?> lifecycle, Source<Decoded<SurveyResponse>, ?, ?> surveys,
      Source<Decoded<InteractionEvent>, ?, ?> interactions, Source<Decoded<FollowUpDone>, ?, ?> followUpsDone) {}

  public static void defineWorkflow(StreamExecutionEnvironment env, Sources in, Sink<KpiPoint> kpiSink,
      Sink<AtRiskEvent> atRiskSink, Sink<FollowUpAction> followUpSink, Sink<DeadLetter> deadLetterSink, Settings s) {
    List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
    List<DataStream<KpiPoint>> stats = new ArrayList<>();
    SingleOutputStreamOperator<CustomerLifecycleEvent> lifecycle = decoded(env, in.lifecycle(), CustomerLifecycleEvent.class,
        "lifecycle", CHURN_LIFECYCLE_SOURCE, s, deadLetters, stats, e -> e.getEventTime().toEpochMilli());
    SingleOutputStreamOperator<SurveyResponse> surveys = decoded(env, in.surveys(), SurveyResponse.class,
        "surveys", CHURN_SURVEY_SOURCE, s, deadLetters, stats, e -> e.getEventTime().toEpochMilli());
    SingleOutputStreamOperator<InteractionEvent> interactions = decoded(env, in.interactions(), InteractionEvent.class,
        "interactions", CHURN_INTERACTION_SOURCE, s, deadLetters, stats, e -> e.getEventTime().toEpochMilli());
    SingleOutputStreamOperator<FollowUpDone> done = decoded(env, in.followUpsDone(), FollowUpDone.class,
        "follow-ups-done", CHURN_DONE_SOURCE, s, deadLetters, stats, e -> e.getDoneAt().toEpochMilli());

    TypeInformation<CustomerSignal> signalType = TypeInformation.of(CustomerSignal.class);
    DataStream<CustomerSignal> signals = lifecycle.<CustomerSignal>flatMap((e, out) -> emitIfNotNull(CustomerSignal.of(e), out))
        .returns(signalType).name("Lifecycle signals").uid(CHURN_SIGNALS + "-lifecycle")
        .union(
            surveys.<CustomerSignal>map(CustomerSignal::of).returns(signalType).name("Survey signals").uid(CHURN_SIGNALS + "-surveys"),
            interactions.<CustomerSignal>flatMap((e, out) -> emitIfNotNull(CustomerSignal.of(e), out))
                .returns(signalType).name("Interaction signals").uid(CHURN_SIGNALS + "-interactions"));

    SingleOutputStreamOperator<CustomerFact> customerFacts = signals
        .keyBy(x -> x.customerId)
        .process(new CustomerRiskFunction(s.risk(), s.sla(), s.repeatWindow().toMillis(), s.inactiveTtl().toMillis()))
        .name(CHURN_RISK_NAME).uid(CHURN_RISK);

    TypeInformation<FollowUpSignal> followUpType = TypeInformation.of(FollowUpSignal.class);
    SingleOutputStreamOperator<CustomerFact> followUpFacts = surveys
        .<FollowUpSignal>flatMap((r, out) -> emitIfNotNull(FollowUpSignal.of(r), out)).returns(followUpType)
        .name("Follow-ups from surveys").uid(CHURN_FOLLOW_UPS + "-created")
        .union(done.<FollowUpSignal>map(FollowUpSignal::of).returns(followUpType).name("Follow-ups done").uid(CHURN_FOLLOW_UPS + "-done"))
        .keyBy(x -> x.actionId)
        .process(new FollowUpFunction(s.detractorDue().toMillis(), s.lowCsatDue().toMillis(), Duration.ofDays(30).toMillis()))
        .name(CHURN_FOLLOW_UPS_NAME).uid(CHURN_FOLLOW_UPS);

    SingleOutputStreamOperator<ChurnPartial> partials = customerFacts.union(followUpFacts)
        .transform("Pre-aggregate customer facts per bucket and group", TypeInformation.of(ChurnPartial.class),
            new ChurnPreAggregator(s.job() + ".facts", s.bucket().toMillis(), s.statsInterval().toMillis()))
        .uid(CHURN_PRE_AGGREGATE);
    stats.add(partials.getSideOutput(CountingOperator.PIPELINE_STATS));

    DataStream<KpiPoint> points = partials.keyBy(p -> p.groupKey())
        .process(new RollingChurnWindows(s.bucket().toMillis()))
        .name(CHURN_ROLLING_NAME).uid(CHURN_ROLLING);
    for (DataStream<KpiPoint> st : stats) {
      points = points.union(st);
    }
    points.sinkTo(kpiSink).name("InfluxDB: churn KPIs").uid(CHURN_INFLUX_SINK);
    customerFacts.getSideOutput(CustomerRiskFunction.AT_RISK_EVENTS).sinkTo(atRiskSink).name("Kafka: at-risk events").uid(CHURN_AT_RISK_SINK);
    followUpFacts.getSideOutput(FollowUpFunction.ACTIONS).sinkTo(followUpSink).name("Kafka: follow-up actions").uid(CHURN_FOLLOW_UP_SINK);
    DataStream<DeadLetter> dlq = deadLetters.get(0);
    for (int i = 1; i < deadLetters.size(); i++) {
      dlq = dlq.union(deadLetters.get(i));
    }
    dlq.sinkTo(deadLetterSink).name("Kafka: dead letters (churn)").uid(CHURN_DEAD_LETTER_SINK);
  }

  private static <T> void emitIfNotNull(T value, org.apache.flink.util.Collector<T> out) {
    if (value != null) {
      out.collect(value);
    }
  }

  /** Event time of a decoded record. */
  @FunctionalInterface
  interface TimeOf<T> extends java.io.Serializable {
    long of(T value);
  }

  private static <T> SingleOutputStreamOperator<T> decoded(StreamExecutionEnvironment env, Source<Decoded<T>, ?, ?> source,
      Class<T> type, String name, String uid, Settings s, List<DataStream<DeadLetter>> deadLetters, List<DataStream<KpiPoint>> stats,
      TimeOf<T> timeOf) {
    long bound = s.outOfOrderness().toMillis();
    long bucket = s.bucket().toMillis();
    WatermarkStrategy<Decoded<T>> watermarks = WatermarkStrategy
        .<Decoded<T>>forGenerator(ctx -> new MinuteAlignedWatermarks<>(bound, bucket))
        .withTimestampAssigner((d, kafkaTs) -> d.ok() ? timeOf.of(d.value) : kafkaTs)
        .withIdleness(s.idleness());
    SingleOutputStreamOperator<T> valid = env.fromSource(source, watermarks, "Kafka: " + name).uid(uid)
        .transform("Valid " + name + "; bad records to DLQ", TypeInformation.of(type),
            new DecodedRouter<T>(s.job() + "." + name, s.statsInterval().toMillis()))
        .uid(CHURN_ROUTER_PREFIX + name);
    deadLetters.add(valid.getSideOutput(DecodedRouter.DEAD_LETTERS));
    stats.add(valid.getSideOutput(CountingOperator.PIPELINE_STATS));
    return valid;
  }
}
