package io.cxmonitor.service;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.rules.RepeatContactOptions;
import io.cxmonitor.rules.SlaOptions;
import io.cxmonitor.platform.influx.InfluxSink;
import io.cxmonitor.inputs.EventTimeCheck;
import io.cxmonitor.inputs.InputSources;
import io.cxmonitor.platform.kafka.KafkaIo;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.platform.startup.JobMain;
import io.cxmonitor.platform.startup.StartupChecks;
import io.cxmonitor.platform.startup.StartupOptions;
import io.cxmonitor.platform.startup.TopicUse;
import java.util.List;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.service.tickets.QueuePolicy;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point of the service KPI job. */
@Command(name = "service-kpi-job", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Computes first response, resolution and queue time (p50/p90/p99/mean), service level, first-contact "
        + "resolution, repeat contact, reopen, abandonment and self-service rates, open backlog, tickets closed without "
        + "resolution and SLA breaches from "
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

  @Option(names = "--queue-entry", defaultValue = "EVENT",
      description = "Where a contact enters the agent queue: EVENT = at its QUEUED event (contacts without one never queued); "
          + "CHANNEL = fallback for sources that send no queue entry: every phone, chat and Zalo OA contact at its OPENED "
          + "(QUEUED events are then ignored). Default: ${DEFAULT-VALUE}")
  QueuePolicy.Mode queueEntry;

  @Option(names = "--service-level", defaultValue = QueuePolicy.DEFAULT_SERVICE_LEVEL,
      description = "Service-level threshold per channel: answered within this share of queued contacts; channels not named: PT20S. "
          + "Default: ${DEFAULT-VALUE}")
  String serviceLevel;

  @Option(names = "--max-ticket-age",
      description = "Close open tickets this long after OPENED as stale (counted in closed_stale, never dropped); "
          + "unset = tickets stay open until an event ends them.")
  Duration maxTicketAge;

  @Mixin
  RepeatContactOptions repeatOptions;

  @Mixin
  SlaOptions slaOptions;

  @Mixin
  JobOptions options;

  @Mixin
  StartupOptions startup;

  public static void main(String[] args) {
    JobMain.exit(JobMain.run(new ServiceKpiJob(), args));
  }

  @Override
  public Integer call() throws Exception {
    validate(new CommandLine(this));
    StartupChecks.run(options, startup, topics());
    StreamExecutionEnvironment env = options.executionEnvironment();
    configure(env);
    env.execute("cx-monitor service KPIs");
    return 0;
  }

  private SlaPolicy sla;
  private Duration repeatWindow;
  private QueuePolicy queue;

  void validate(CommandLine cmd) {
    options.validate(cmd);
    startup.validate(cmd);
    sla = slaOptions.policy(cmd);
    repeatWindow = repeatOptions.window(cmd);
    if (repeatWindow.toMillis() % options.bucket.toMillis() != 0) {
      throw new CommandLine.ParameterException(cmd, "--repeat-window " + repeatWindow + " must be a whole number of --bucket "
          + options.bucket + " (the final forward repeat of a bucket's contacts is counted one window later)");
    }
    for (Duration d : new Duration[] {reopenWindow, orphanTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new CommandLine.ParameterException(cmd, "windows and timeouts must be positive, got " + d);
      }
    }
    if (maxTicketAge != null && (maxTicketAge.isNegative() || maxTicketAge.isZero())) {
      throw new CommandLine.ParameterException(cmd, "--max-ticket-age must be positive, got " + maxTicketAge
          + "; leave it out to keep tickets open until an event ends them");
    }
    try {
      queue = new QueuePolicy(queueEntry, serviceLevel);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, "--service-level: " + e.getMessage());
    }
  }

  /** Every topic the job reads or writes, for the start-up check. */
  List<TopicUse> topics() {
    return List.of(TopicUse.input(topic, "interaction input", "--topic"),
        TopicUse.output(alertTopic, "SLA alert", "--alert-topic"), StartupChecks.deadLetters(options));
  }

  public void configure(StreamExecutionEnvironment env) {
    options.configure(env, JOB);
    startup.configure(env);
    ServiceKpiWorkflow.defineWorkflow(env,
        InputSources.interactionSource(options.bootstrapServers, topic, options.groupId(JOB), options.startFrom, options.bounded, options.kafkaProperties(),
            options.valueFormat(), EventTimeCheck.of(options)),
        new InfluxSink(options.influx(), JOB, options.rejectedInfluxPoints()),
        KafkaIo.slaAlertSink(options.bootstrapServers, alertTopic, options.valueFormat(), options.kafkaProperties()),
        options.deadLetterSink(),
        new ServiceKpiWorkflow.Settings(JOB, options.outOfOrderness, options.idleness, options.statsInterval,
            sla, reopenWindow, repeatWindow, orphanTimeout, options.bucket, queue,
            maxTicketAge == null ? Duration.ZERO : maxTicketAge));
  }

  public static ServiceKpiJob fromArgs(String... args) {
    ServiceKpiJob job = new ServiceKpiJob();
    CommandLine cmd = new CommandLine(job);
    cmd.parseArgs(args);
    job.validate(cmd);
    return job;
  }
}
