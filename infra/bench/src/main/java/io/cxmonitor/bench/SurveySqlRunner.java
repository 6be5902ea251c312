package io.cxmonitor.bench;

import io.cxmonitor.inputs.EventTimeCheck;
import io.cxmonitor.inputs.InputSources;
import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.platform.influx.InfluxSink;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.startup.StartupOptions;
import io.cxmonitor.schemas.SurveyResponse;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code survey-sql}: the survey KPIs as a Flink SQL program ({@link SurveySql}) on the survey topic,
 * read and decoded as the jobs do ({@link InputSources}), written to the real influxd by the job's
 * {@link InfluxSink}, with the KPI jobs' options (checkpoints, parallelism, object reuse, restarts)
 * from the same command line.
 */
final class SurveySqlRunner extends FlinkRunner {
  /** The {@code job} tag of its sink statistics and the name of its checkpoint directory. */
  static final String JOB = "surveys-sql";

  SurveySqlRunner(String name, String baseline) {
    super(name, "the survey KPIs in Flink SQL (window TVFs, mini-batch, two-phase aggregation) on the jobs' decoder: "
        + "checkpoints, real influxd", List.of(BenchTopics.SURVEYS), baseline);
  }

  /** The KPI jobs' shared options, parsed from the command line the benchmark gives every KPI job. */
  @Command(name = "survey-sql")
  static final class Options {
    @Mixin
    JobOptions job;

    @Mixin
    StartupOptions startup;
  }

  @Override
  protected void define(StreamExecutionEnvironment env, RunContext ctx) {
    Options o = new Options();
    CommandLine cmd = new CommandLine(o);
    cmd.parseArgs(Runners.jobArgs(ctx, true));
    JobOptions options = o.job;
    options.validate(cmd);
    o.startup.validate(cmd);
    options.configure(env, JOB);
    o.startup.configure(env);
    DataStream<Decoded<SurveyResponse>> decoded = env
        .fromSource(InputSources.surveySource(options.bootstrapServers, BenchTopics.SURVEYS, options.groupId(JOB),
            options.startFrom, options.bounded, options.kafkaProperties(), options.valueFormat(),
            EventTimeCheck.of(options)), WatermarkStrategy.noWatermarks(), "survey-sql: surveys")
        .uid("survey-sql-source");
    SurveySql.kpis(env, decoded, new SurveySql.Settings(options.outOfOrderness, options.idleness, true))
        .sinkTo(new InfluxSink(options.influx(), JOB, options.rejectedInfluxPoints()))
        .name("survey-sql: InfluxDB").uid("survey-sql-influx");
  }
}
