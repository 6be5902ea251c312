package io.cxmonitor.surveys;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.platform.influx.InfluxSink;
import io.cxmonitor.inputs.EventTimeCheck;
import io.cxmonitor.inputs.InputSources;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.platform.startup.JobMain;
import io.cxmonitor.platform.startup.StartupChecks;
import io.cxmonitor.platform.startup.StartupOptions;
import io.cxmonitor.platform.startup.TopicUse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point of the survey KPI job: options, environment, workflow. */
@Command(name = "survey-kpi-job", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Computes NPS, CSAT and CES (1m, rolling 1h and 24h; overall and per channel, region, team, "
        + "product; each with n and a 95%% CI) from Avro survey responses on Kafka and writes them to InfluxDB.")
public final class SurveyKpiJob implements Callable<Integer> {
  static final String JOB = "surveys";

  @Option(names = "--topic", defaultValue = Topics.SURVEYS, description = "Survey topic. Default: ${DEFAULT-VALUE}")
  String topic;

  @Option(names = "--writer-schema", paramLabel = "FILE",
      description = "A producer's SurveyResponse schema (.avsc) to read besides the shipped versions, e.g. one with a "
          + "channel symbol this job does not know yet: such symbols are read as the enum's default (OTHER) and counted "
          + "(unknown_symbols_total). Repeatable.")
  List<Path> writerSchemas = List.of();

  @Mixin
  JobOptions options;

  @Mixin
  StartupOptions startup;

  public static void main(String[] args) {
    JobMain.exit(JobMain.run(new SurveyKpiJob(), args));
  }

  @Override
  public Integer call() throws Exception {
    CommandLine cmd = new CommandLine(this);
    options.validate(cmd);
    startup.validate(cmd);
    StartupChecks.run(options, startup, topics());
    StreamExecutionEnvironment env = options.executionEnvironment();
    configure(env);
    env.execute("cx-monitor survey KPIs");
    return 0;
  }

  /** Every topic the job reads or writes, for the start-up check. */
  List<TopicUse> topics() {
    return List.of(TopicUse.input(topic, "survey input", "--topic"), StartupChecks.deadLetters(options));
  }

  /** Wires the job into {@code env}; also used by the demo and the integration test. */
  public void configure(StreamExecutionEnvironment env) {
    options.configure(env, JOB);
    startup.configure(env);
    SurveyKpiWorkflow.defineWorkflow(env,
        InputSources.surveySource(options.bootstrapServers, topic, options.groupId(JOB), options.startFrom, options.bounded, options.kafkaProperties(),
            options.valueFormat(), EventTimeCheck.of(options), readAll(writerSchemas)),
        new InfluxSink(options.influx(), JOB, options.rejectedInfluxPoints()),
        options.deadLetterSink(),
        new SurveyKpiWorkflow.Settings(JOB, options.outOfOrderness, options.idleness, options.statsInterval, options.bucket));
  }

  private static List<String> readAll(List<Path> files) {
    return files.stream().map(f -> {
      try {
        return Files.readString(f);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read --writer-schema " + f, e);
      }
    }).toList();
  }

  /** Parses options the way {@link #main} does, for embedding (demo, tests). */
  public static SurveyKpiJob fromArgs(String... args) {
    SurveyKpiJob job = new SurveyKpiJob();
    CommandLine cmd = new CommandLine(job);
    cmd.parseArgs(args);
    job.options.validate(cmd);
    job.startup.validate(cmd);
    return job;
  }
}
