package io.cxmonitor.churn;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.rules.RepeatContactOptions;
import io.cxmonitor.rules.SlaOptions;
import io.cxmonitor.platform.influx.InfluxSink;
import io.cxmonitor.inputs.EventTimeCheck;
import io.cxmonitor.inputs.InputSources;
import io.cxmonitor.platform.kafka.KafkaIo;
import io.cxmonitor.platform.kafka.ValueFormat;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.platform.startup.JobMain;
import io.cxmonitor.platform.startup.StartupChecks;
import io.cxmonitor.platform.startup.StartupOptions;
import io.cxmonitor.platform.startup.TopicUse;
import java.util.List;
import io.cxmonitor.churn.risk.RiskPolicy;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.schemas.AtRiskEvent;
import io.cxmonitor.schemas.FollowUpAction;
import io.cxmonitor.schemas.WireFormat;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point of the churn and closed-loop job. */
@Command(name = "churn-kpi-job", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Churn rate, revenue churn and MRR movement per region, product and plan; a decaying per-customer "
        + "churn-risk score with at-risk events; revenue at risk; follow-ups for detractors and low CSAT.")
public final class ChurnKpiJob implements Callable<Integer> {
  static final String JOB = "churn";

  @Option(names = "--lifecycle-topic", defaultValue = Topics.LIFECYCLE, description = "Default: ${DEFAULT-VALUE}")
  String lifecycleTopic;

  @Option(names = "--survey-topic", defaultValue = Topics.SURVEYS, description = "Default: ${DEFAULT-VALUE}")
  String surveyTopic;

  @Option(names = "--interaction-topic", defaultValue = Topics.INTERACTIONS, description = "Default: ${DEFAULT-VALUE}")
  String interactionTopic;

  @Option(names = "--follow-up-done-topic", defaultValue = Topics.FOLLOW_UPS_DONE, description = "Default: ${DEFAULT-VALUE}")
  String doneTopic;

  @Option(names = "--at-risk-topic", defaultValue = Topics.AT_RISK, description = "Default: ${DEFAULT-VALUE}")
  String atRiskTopic;

  @Option(names = "--follow-up-topic", defaultValue = Topics.FOLLOW_UPS, description = "Default: ${DEFAULT-VALUE}")
  String followUpTopic;

  @Option(names = "--risk-weights", defaultValue = RiskPolicy.DEFAULT_WEIGHTS,
      description = "Points each signal adds to the risk score. Default: ${DEFAULT-VALUE}")
  String riskWeights;

  @Option(names = "--risk-half-life", defaultValue = "P14D", description = "Risk points halve every ... Default: ${DEFAULT-VALUE}")
  Duration halfLife;

  @Option(names = "--risk-enter", defaultValue = "4.0", description = "Score at which a customer becomes at risk. Default: ${DEFAULT-VALUE}")
  double enter;

  @Option(names = "--risk-exit", defaultValue = "2.0",
      description = "Score below which an at-risk customer recovers (hysteresis; below --risk-enter). Default: ${DEFAULT-VALUE}")
  double exit;

  @Option(names = "--inactive-ttl", defaultValue = "P30D",
      description = "Forget customers neither subscribed nor at risk after this long without signals. Default: ${DEFAULT-VALUE}")
  Duration inactiveTtl;

  @Option(names = "--follow-up-due-detractor", defaultValue = "PT48H", description = "Default: ${DEFAULT-VALUE}")
  Duration detractorDue;

  @Option(names = "--follow-up-due-low-csat", defaultValue = "PT24H", description = "Default: ${DEFAULT-VALUE}")
  Duration lowCsatDue;

  @Mixin
  RepeatContactOptions repeatOptions;

  @Mixin
  SlaOptions slaOptions;

  @Mixin
  JobOptions options;

  @Mixin
  StartupOptions startup;

  private RiskPolicy risk;
  private SlaPolicy sla;
  private Duration repeatWindow;

  public static void main(String[] args) {
    JobMain.exit(JobMain.run(new ChurnKpiJob(), args));
  }

  @Override
  public Integer call() throws Exception {
    validate(new CommandLine(this));
    StartupChecks.run(options, startup, topics());
    StreamExecutionEnvironment env = options.executionEnvironment();
    configure(env);
    env.execute("cx-monitor churn KPIs");
    return 0;
  }

  void validate(CommandLine cmd) {
    options.validate(cmd);
    startup.validate(cmd);
    try {
      risk = new RiskPolicy(riskWeights, halfLife, enter, exit);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, e.getMessage());
    }
    sla = slaOptions.policy(cmd);
    repeatWindow = repeatOptions.window(cmd);
  }

  /** Every topic the job reads or writes, for the start-up check. */
  List<TopicUse> topics() {
    return List.of(TopicUse.input(lifecycleTopic, "lifecycle input", "--lifecycle-topic"),
        TopicUse.input(surveyTopic, "survey input", "--survey-topic"),
        TopicUse.input(interactionTopic, "interaction input", "--interaction-topic"),
        TopicUse.input(doneTopic, "follow-up done input", "--follow-up-done-topic"),
        TopicUse.output(atRiskTopic, "at-risk", "--at-risk-topic"),
        TopicUse.output(followUpTopic, "follow-up", "--follow-up-topic"),
        StartupChecks.deadLetters(options));
  }

  public void configure(StreamExecutionEnvironment env) {
    options.configure(env, JOB);
    startup.configure(env);
    String b = options.bootstrapServers;
    String g = options.groupId(JOB);
    Properties kafka = options.kafkaProperties();
    EventTimeCheck times = EventTimeCheck.of(options);
    ValueFormat format = options.valueFormat();
    ChurnWorkflow.defineWorkflow(env,
        new ChurnWorkflow.Sources(
            InputSources.lifecycleSource(b, lifecycleTopic, g, options.startFrom, options.bounded, kafka, format, times),
            InputSources.surveySource(b, surveyTopic, g, options.startFrom, options.bounded, kafka, format, times),
            InputSources.interactionSource(b, interactionTopic, g, options.startFrom, options.bounded, kafka, format, times),
            InputSources.followUpDoneSource(b, doneTopic, g, options.startFrom, options.bounded, kafka, format, times)),
        new InfluxSink(options.influx(), JOB, options.rejectedInfluxPoints()),
        KafkaIo.avroSink(b, atRiskTopic, WireFormat::atRisk, AtRiskEvent::getCustomerId, format, kafka),
        KafkaIo.avroSink(b, followUpTopic, WireFormat::followUps, FollowUpAction::getActionId, format, kafka),
        options.deadLetterSink(),
        new ChurnWorkflow.Settings(JOB, options.outOfOrderness, options.idleness, options.statsInterval, options.bucket,
            risk, sla, repeatWindow, inactiveTtl, detractorDue, lowCsatDue));
  }

  public static ChurnKpiJob fromArgs(String... args) {
    ChurnKpiJob job = new ChurnKpiJob();
    CommandLine cmd = new CommandLine(job);
    cmd.parseArgs(args);
    job.validate(cmd);
    return job;
  }
}
