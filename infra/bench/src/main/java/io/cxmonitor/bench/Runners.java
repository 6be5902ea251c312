package io.cxmonitor.bench;

import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.inputs.EventTimeCheck;
import io.cxmonitor.inputs.InputSources;
import io.cxmonitor.platform.kafka.KafkaIo.StartFrom;
import io.cxmonitor.platform.kafka.ValueFormat;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Every runner the benchmark knows, in the order it runs them. A new runner is one more entry
 * here.
 */
public final class Runners {
  private Runners() {}

  public static final String PASS_THROUGH_SURVEYS = "pass-through-surveys";
  public static final String PASS_THROUGH_INTERACTIONS = "pass-through-interactions";
  public static final String SURVEY_JOB = "survey-job";
  public static final String SURVEY_SQL = "survey-sql";
  public static final String SERVICE_JOB = "service-job";
  public static final String CHURN_JOB = "churn-job";
  public static final String RAW_INFLUX = "raw-influx";

  private static final Map<String, Runner> ALL = new LinkedHashMap<>();

  static {
    add(new PassThrough(PASS_THROUGH_SURVEYS, BenchTopics.SURVEYS));
    add(new KpiJob(SURVEY_JOB, "SurveyKpiJob as shipped: checkpoints, real influxd", List.of(BenchTopics.SURVEYS),
        PASS_THROUGH_SURVEYS, (args, env) -> SurveyKpiJob.fromArgs(args).configure(env), "--topic", BenchTopics.SURVEYS));
    add(new SurveySqlRunner(SURVEY_SQL, PASS_THROUGH_SURVEYS));
    add(new RawInfluxRunner(RAW_INFLUX, BenchTopics.SURVEYS, PASS_THROUGH_SURVEYS));
    add(new PassThrough(PASS_THROUGH_INTERACTIONS, BenchTopics.INTERACTIONS));
    add(new KpiJob(SERVICE_JOB, "ServiceKpiJob as shipped: checkpoints, real influxd", List.of(BenchTopics.INTERACTIONS),
        PASS_THROUGH_INTERACTIONS, (args, env) -> ServiceKpiJob.fromArgs(args).configure(env), "--topic", BenchTopics.INTERACTIONS));
    add(new KpiJob(CHURN_JOB, "ChurnKpiJob as shipped (surveys at the generator's own density): checkpoints, real influxd",
        List.of(BenchTopics.LIFECYCLE, BenchTopics.NATURAL_SURVEYS, BenchTopics.INTERACTIONS, BenchTopics.FOLLOW_UPS_DONE),
        null, (args, env) -> ChurnKpiJob.fromArgs(args).configure(env), "--survey-topic",
        BenchTopics.NATURAL_SURVEYS));
  }

  private static void add(Runner r) {
    ALL.put(r.name(), r);
  }

  /** The runners by name, in running order. */
  public static Map<String, Runner> all() {
    return ALL;
  }

  public static Runner byName(String name) {
    Runner r = ALL.get(name);
    if (r == null) {
      throw new IllegalArgumentException("no runner '" + name + "'; known: " + ALL.keySet());
    }
    return r;
  }

  /** A KPI job's command line: this benchmark's servers, a fresh consumer group, parallelism and checkpoints. */
  static String[] jobArgs(RunContext ctx, boolean bounded, String... extra) {
    RunSpec s = ctx.spec();
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", s.bootstrapServers(), "--influx-url", s.influxUrl(),
        "--influx-db", ctx.database(), "--group-id", ctx.groupId(), "--start-from", StartFrom.EARLIEST.name(),
        "--parallelism", Integer.toString(s.parallelism()), "--checkpoint-interval", "PT" + s.checkpointSeconds() + "S",
        "--checkpoint-dir", s.checkpointDir(),
        "--restart-attempts", "1"));
    if (bounded) {
      args.add("--bounded");
    }
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  /**
   * One of the KPI jobs as shipped, configured from its command line as {@code main} would be (the
   * benchmark's servers, a fresh consumer group, --parallelism, checkpoints) and run on the JVM's
   * embedded cluster. {@code topicOption} sets its survey (or only) input to {@code topic}; the live
   * probe points it at the live topic instead.
   */
  static final class KpiJob extends FlinkRunner {
    /** A job's {@code fromArgs(args).configure(env)}. */
    interface Definition {
      void configure(String[] args, StreamExecutionEnvironment env);
    }

    private final Definition job;
    private final String topicOption;
    private final String topic;

    KpiJob(String name, String description, List<String> inputs, String baseline, Definition job, String topicOption,
        String topic) {
      super(name, description, inputs, baseline);
      this.job = job;
      this.topicOption = topicOption;
      this.topic = topic;
    }

    @Override
    protected void define(StreamExecutionEnvironment env, RunContext ctx) {
      job.configure(jobArgs(ctx, true, topicOption, topic), env);
    }

    @Override
    protected void defineLive(StreamExecutionEnvironment env, RunContext ctx, String liveTopic) {
      job.configure(jobArgs(ctx, false, topicOption, liveTopic), env);
    }
  }

  /** Kafka → the jobs' own decoding and validation → discard: the ceiling of the jobs' source path. No checkpoints. */
  static final class PassThrough extends FlinkRunner {
    private final String topic;

    PassThrough(String name, String topic) {
      super(name, "Kafka source → the jobs' decoder and validation (InputSources) → discard; no checkpoints",
          List.of(topic), null);
      this.topic = topic;
    }

    @Override
    protected void define(StreamExecutionEnvironment env, RunContext ctx) {
      RunSpec s = ctx.spec();
      env.setParallelism(s.parallelism());
      KafkaSource<?> source = topic.equals(BenchTopics.INTERACTIONS)
          ? InputSources.interactionSource(s.bootstrapServers(), topic, ctx.groupId(), StartFrom.EARLIEST, true,
              new Properties(), ValueFormat.SINGLE_OBJECT, EventTimeCheck.DEFAULT)
          : InputSources.surveySource(s.bootstrapServers(), topic, ctx.groupId(), StartFrom.EARLIEST, true,
              new Properties(), ValueFormat.SINGLE_OBJECT, EventTimeCheck.DEFAULT);
      discard(env, source);
    }

    private <T> void discard(StreamExecutionEnvironment env, KafkaSource<T> source) {
      env.fromSource(source, WatermarkStrategy.<T>noWatermarks(), "pass-through " + topic)
          .sinkTo(new DiscardingSink<>()).name("discard");
    }
  }
}
