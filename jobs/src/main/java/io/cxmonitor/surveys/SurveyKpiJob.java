package io.cxmonitor.surveys;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.platform.influx.InfluxSink;
import io.cxmonitor.inputs.EventTimeCheck;
import io.cxmonitor.inputs.InputSources;
import io.cxmonitor.platform.kafka.Topics;
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
        + "product; each with n and a 95% CI) from Avro survey responses on Kafka and writes them to InfluxDB.")
public final class SurveyKpiJob implements Callable<Integer> {
  static final String JOB = "surveys";

  @Option(names = "--topic", defaultValue = Topics.SURVEYS, description = "Survey topic. Default: ${DEFAULT-VALUE}")
  String topic;

  @Mixin
  JobOptions options;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SurveyKpiJob()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    options.validate(new CommandLine(this));
    StreamExecutionEnvironment env = options.executionEnvironment();
    configure(env);
    env.execute("cx-monitor survey KPIs");
    return 0;
  }

  /** Wires the job into {@code env}; also used by the demo and the integration test. */
  public void configure(StreamExecutionEnvironment env) {
    options.configure(env, JOB);
    SurveyKpiWorkflow.defineWorkflow(env,
        InputSources.surveySource(options.bootstrapServers, topic, options.groupId(JOB), options.startFrom, options.bounded, new Properties(),
            EventTimeCheck.of(options)),
        new InfluxSink(options.influx(), JOB),
        options.deadLetterSink(),
        new SurveyKpiWorkflow.Settings(JOB, options.outOfOrderness, options.idleness, options.statsInterval, options.bucket));
  }

  /** Parses options the way {@link #main} does, for embedding (demo, tests). */
  public static SurveyKpiJob fromArgs(String... args) {
    SurveyKpiJob job = new SurveyKpiJob();
    CommandLine cmd = new CommandLine(job);
    cmd.parseArgs(args);
    job.options.validate(cmd);
    return job;
  }
}
