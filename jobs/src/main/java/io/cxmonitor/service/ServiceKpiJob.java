package io.cxmonitor.service;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.rules.RepeatContactOptions;
import io.cxmonitor.rules.SlaOptions;
import io.cxmonitor.platform.influx.InfluxSink;
import io.cxmonitor.inputs.EventTimeCheck;
import io.cxmonitor.inputs.InputSources;
import io.cxmonitor.platform.kafka.KafkaIo;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.rules.SlaPolicy;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point of the service KPI job. */
@Command(name = "service-kpi-job", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Computes first response time and time to resolution (p50/p90/p99/mean), first-contact resolution, "
        + "repeat contact, reopen, abandonment and self-service rates, open backlog and SLA breaches from "
        + "interaction events on Kafka; writes them to InfluxDB and SLA breach alerts to Kafka.")
public final class ServiceKpiJob implements Callable<Integer> {
  static final String JOB = "interactions";

  @Option(names = "--topic", defaultValue = Topics.INTERACTIONS, description = "Interaction topic. Default: ${DEFAULT-VALUE}")
  String topic;

  @Option(names = "--alert-topic", defaultValue = Topics.ALERTS, description = "SLA breach alert topic. Default: ${DEFAULT-VALUE}")
  String alertTopic;

  @Option(names = "--reopen-window", defaultValue = "P7D",
      description = "A resolved ticket counts as first-contact resolution only if not reopened within this. Default: ${DEFAULT-VALUE}")
  Duration reopenWindow;

  @Option(names = "--orphan-timeout", defaultValue = "P7D",
      description = "Events of a ticket whose OPENED never arrives are forgotten after this. Default: ${DEFAULT-VALUE}")
  Duration orphanTimeout;

  @Mixin
  RepeatContactOptions repeatOptions;

  @Mixin
  SlaOptions slaOptions;

  @Mixin
  JobOptions options;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ServiceKpiJob()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate(new CommandLine(this));
    StreamExecutionEnvironment env = options.executionEnvironment();
    configure(env);
    env.execute("cx-monitor service KPIs");
    return 0;
  }

  private SlaPolicy sla;
  private Duration repeatWindow;

  void validate(CommandLine cmd) {
    options.validate(cmd);
    sla = slaOptions.policy(cmd);
    repeatWindow = repeatOptions.window(cmd);
    for (Duration d : new Duration[] {reopenWindow, orphanTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new CommandLine.ParameterException(cmd, "windows and timeouts must be positive, got " + d);
      }
    }
  }

  public void configure(StreamExecutionEnvironment env) {
    options.configure(env);
    ServiceKpiWorkflow.defineWorkflow(env,
        InputSources.interactionSource(options.bootstrapServers, topic, options.groupId(JOB), options.startFrom, options.bounded, new Properties(),
            EventTimeCheck.of(options)),
        new InfluxSink(options.influx(), JOB),
        KafkaIo.slaAlertSink(options.bootstrapServers, alertTopic),
        options.deadLetterSink(),
        new ServiceKpiWorkflow.Settings(JOB, options.outOfOrderness, options.idleness, options.statsInterval,
            sla, reopenWindow, repeatWindow, orphanTimeout, options.bucket));
  }

  public static ServiceKpiJob fromArgs(String... args) {
    ServiceKpiJob job = new ServiceKpiJob();
    CommandLine cmd = new CommandLine(job);
    cmd.parseArgs(args);
    job.validate(cmd);
    return job;
  }
}
