package io.cxmonitor.surveys;

import io.cxmonitor.io.influx.InfluxSink;
import io.cxmonitor.io.influx.InfluxSinkOptions;
import io.cxmonitor.io.kafka.KafkaIo;
import io.cxmonitor.io.kafka.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the survey KPI job: options, environment, workflow. */
@Command(name = "survey-kpi-job", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Computes NPS, CSAT and CES (1m, rolling 1h and 24h; overall and per channel, region, team, "
        + "product; each with n and a 95% CI) from Avro survey responses on Kafka and writes them to InfluxDB.")
public final class SurveyKpiJob implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", defaultValue = "${env:CX_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env CX_KAFKA_BOOTSTRAP). Default: ${DEFAULT-VALUE}")
  String bootstrapServers;

  @Option(names = "--topic", defaultValue = Topics.SURVEYS, description = "Survey topic. Default: ${DEFAULT-VALUE}")
  String topic;

  @Option(names = "--dead-letter-topic", defaultValue = Topics.DEAD_LETTER,
      description = "Topic for late, invalid and undecodable records. Default: ${DEFAULT-VALUE}")
  String deadLetterTopic;

  @Option(names = "--group-id", defaultValue = "cx-survey-kpis", description = "Kafka consumer group. Default: ${DEFAULT-VALUE}")
  String groupId;

  @Option(names = "--start-from", defaultValue = "COMMITTED",
      description = "Without a checkpoint start from: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}")
  KafkaIo.StartFrom startFrom;

  @Option(names = "--bounded", description = "Stop at the offsets that are latest when the job starts (backfills, tests).")
  boolean bounded;

  @Option(names = "--influx-url", defaultValue = "${env:CX_INFLUX_URL:-http://127.0.0.1:8086}",
      description = "InfluxDB base URL (env CX_INFLUX_URL). Default: ${DEFAULT-VALUE}")
  String influxUrl;

  @Option(names = "--influx-db", defaultValue = "${env:CX_INFLUX_DB:-cx}",
      description = "InfluxDB database (v1) or DBRP-mapped bucket (env CX_INFLUX_DB). Default: ${DEFAULT-VALUE}")
  String influxDb;

  @Option(names = "--influx-user", defaultValue = "${env:CX_INFLUX_USER}", description = "InfluxDB user (env CX_INFLUX_USER).")
  String influxUser;

  @Option(names = "--influx-create-db", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Issue CREATE DATABASE on start (use --no-influx-create-db for InfluxDB 2.x/3.x). Default: ${DEFAULT-VALUE}")
  boolean influxCreateDb;

  @Option(names = "--out-of-orderness", defaultValue = "PT30S",
      description = "How far behind the newest event a response may arrive and still count (ISO-8601). Default: ${DEFAULT-VALUE}")
  Duration outOfOrderness;

  @Option(names = "--idleness", defaultValue = "PT1M",
      description = "A partition without data for this long stops holding back the watermark. Default: ${DEFAULT-VALUE}")
  Duration idleness;

  @Option(names = "--checkpoint-interval", defaultValue = "PT30S",
      description = "Checkpoint interval; every checkpoint flushes the InfluxDB sink. Default: ${DEFAULT-VALUE}")
  Duration checkpointInterval;

  @Option(names = "--parallelism", defaultValue = "0", description = "Job parallelism; 0 keeps the cluster default.")
  int parallelism;

  /** Password from the environment only, so it never shows in process lists. */
  static final String PASSWORD_ENV = "CX_INFLUX_PASSWORD";

  public static void main(String[] args) {
    System.exit(new CommandLine(new SurveyKpiJob()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    configure(env);
    env.execute("cx-monitor survey KPIs");
    return 0;
  }

  void validate() {
    if (outOfOrderness.isNegative()) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--out-of-orderness must not be negative, got " + outOfOrderness);
    }
    if (!influxUrl.startsWith("http://") && !influxUrl.startsWith("https://")) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--influx-url must start with http:// or https://, got '" + influxUrl + "'");
    }
  }

  /** Wires the job into {@code env}; also used by the demo and the integration test. */
  public void configure(StreamExecutionEnvironment env) {
    if (parallelism > 0) {
      env.setParallelism(parallelism);
    }
    env.getConfig().enableObjectReuse();
    env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    InfluxSinkOptions influx = InfluxSinkOptions.defaults(influxUrl, influxDb)
        .withCredentials(influxUser, System.getenv(PASSWORD_ENV))
        .withCreateDatabase(influxCreateDb);
    SurveyKpiWorkflow.defineWorkflow(env,
        KafkaIo.surveySource(bootstrapServers, topic, groupId, startFrom, bounded, new Properties()),
        new InfluxSink(influx, "surveys"),
        KafkaIo.deadLetterSink(bootstrapServers, deadLetterTopic, new Properties()),
        new SurveyKpiWorkflow.Settings("surveys", outOfOrderness, idleness, Duration.ofSeconds(10)));
  }

  /** Parses options the way {@link #main} does, for embedding (demo, tests). */
  public static SurveyKpiJob fromArgs(String... args) {
    SurveyKpiJob job = new SurveyKpiJob();
    new CommandLine(job).parseArgs(args);
    job.validate();
    return job;
  }
}
