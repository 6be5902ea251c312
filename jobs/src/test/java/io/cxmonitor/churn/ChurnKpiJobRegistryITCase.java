package io.cxmonitor.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.testing.RegistryModeRuns;
import io.cxmonitor.schemas.AtRiskEvent;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.FollowUpAction;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The churn job over the same events twice: all topics in single-object encoding, then with the
 * format chosen per topic ({@code --value-format TOPIC=confluent}): surveys, interactions and
 * follow-ups done in Confluent framing with their schemas in a real registry, lifecycle events
 * still in single-object encoding, at-risk events written in Confluent framing and follow-ups in
 * single-object encoding. Both runs must write the same points and the same at-risk events and
 * follow-ups. The survey topic switched mid-stream: its first records, written before the switch,
 * are single-object-encoded and must be read all the same; the Confluent records planted on the
 * lifecycle topic, which stays single-object, must be dead-lettered.
 */
class ChurnKpiJobRegistryITCase {
  private static final Instant T0 = Instant.parse("2026-04-13T00:00:00Z");
  private static final List<String> MODES = List.of("single", "mixed");

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @AutoClose
  private static RegistryModeRuns servers;

  @BeforeAll
  static void start() throws Exception {
    List<String> topics = new ArrayList<>();
    for (String mode : MODES) {
      for (String t : List.of("lifecycle", "surveys", "interactions", "done", "at-risk", "followups", "dlq")) {
        topics.add(topic(t, mode));
      }
    }
    servers = RegistryModeRuns.start(topics.toArray(String[]::new));
  }

  private static String topic(String name, String mode) {
    return "chr." + name + "." + mode;
  }

  @Test
  void perTopicFormatsGiveTheSamePointsAndOutputsAsSingleObjectEverywhere() throws Exception {
    SimulationConfig config = SimulationConfig.defaults(99, T0, Duration.ofDays(2)).withRate(4).withCustomers(5_000, 0.03)
        .withDisorder(0, Duration.ZERO, 0);
    Map<String, Integer> counts = new TreeMap<>();
    int surveysBeforeSwitch = 0;
    int plantedOnLifecycle = 0;
    try (KafkaPublisher publisher = new KafkaPublisher(servers.kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        SpecificRecord v = r.record();
        String name = v instanceof CustomerLifecycleEvent ? "lifecycle" : v instanceof SurveyResponse ? "surveys"
            : v instanceof InteractionEvent ? "interactions" : "done";
        int n = counts.merge(name, 1, Integer::sum);
        publisher.sendRaw(topic(name, "single"), r.key(), RegistryModeRuns.singleObject(v));
        String mixed = topic(name, "mixed");
        if (name.equals("lifecycle")) {
          publisher.sendRaw(mixed, r.key(), RegistryModeRuns.singleObject(v));
          if (n % 400 == 0) { // a producer that switched too early: not readable on a single-object topic
            publisher.sendRaw(mixed, r.key(), servers.confluent(mixed, v));
            plantedOnLifecycle++;
          }
        } else if (name.equals("surveys") && n <= 100) { // written before the topic switched to Confluent framing
          publisher.sendRaw(mixed, r.key(), RegistryModeRuns.singleObject(v));
          surveysBeforeSwitch++;
        } else {
          publisher.sendRaw(mixed, r.key(), servers.confluent(mixed, v));
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).isZero();
    }
    assertThat(counts).containsOnlyKeys("lifecycle", "surveys", "interactions", "done");
    assertThat(counts.get("surveys")).isGreaterThan(surveysBeforeSwitch);
    assertThat(plantedOnLifecycle).isPositive();

    run("single");
    run("mixed", "--schema-registry", servers.registry.confluentUrl(),
        "--value-format", topic("surveys", "mixed") + "=confluent",
        "--value-format", topic("interactions", "mixed") + "=confluent",
        "--value-format", topic("done", "mixed") + "=confluent",
        "--value-format", topic("at-risk", "mixed") + "=confluent");

    int points = servers.assertSameKpis("cx_chr_single", "cx_chr_mixed");
    assertThat(points).isGreaterThan(1_000);

    List<AtRiskEvent> atRisk = servers.readSingleObject(topic("at-risk", "single"), AtRiskEvent.getClassSchema(),
        AtRiskEvent::getEventId);
    assertThat(atRisk).as("the run must flag customers").hasSizeGreaterThan(20);
    assertThat(servers.readConfluent(topic("at-risk", "mixed"), AtRiskEvent.getClassSchema(), AtRiskEvent::getEventId))
        .isEqualTo(atRisk);
    List<FollowUpAction> followUps = servers.readSingleObject(topic("followups", "single"),
        FollowUpAction.getClassSchema(), FollowUpAction::getActionId);
    assertThat(followUps).as("the run must open follow-ups").isNotEmpty();
    assertThat(servers.readSingleObject(topic("followups", "mixed"), FollowUpAction.getClassSchema(),
        FollowUpAction::getActionId)).isEqualTo(followUps);

    List<ConsumerRecord<byte[], byte[]>> singleDlq = servers.kafka.readAll(topic("dlq", "single"));
    List<ConsumerRecord<byte[], byte[]>> mixedDlq = servers.kafka.readAll(topic("dlq", "mixed"));
    List<String> planted = mixedDlq.stream()
        .filter(d -> topic("lifecycle", "mixed").equals(KafkaBroker.header(d, DeadLetter.HEADER_TOPIC)))
        .map(d -> KafkaBroker.header(d, DeadLetter.HEADER_KIND) + ": " + KafkaBroker.header(d, DeadLetter.HEADER_REASON))
        .toList();
    assertThat(planted).hasSize(plantedOnLifecycle)
        .allSatisfy(reason -> assertThat(reason).startsWith("UNDECODABLE: not Avro single-object encoding"));
    assertThat(mixedDlq).hasSize(singleDlq.size() + plantedOnLifecycle);
    System.out.printf("churn registry: %s records, %d surveys from before the switch, %d KPI points, %d at-risk events, "
        + "%d follow-ups compared%n", counts, surveysBeforeSwitch, points, atRisk.size(), followUps.size());
  }

  private static void run(String mode, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", servers.kafka.bootstrapServers(),
        "--lifecycle-topic", topic("lifecycle", mode), "--survey-topic", topic("surveys", mode),
        "--interaction-topic", topic("interactions", mode), "--follow-up-done-topic", topic("done", mode),
        "--at-risk-topic", topic("at-risk", mode), "--follow-up-topic", topic("followups", mode),
        "--dead-letter-topic", topic("dlq", mode), "--group-id", "chr-" + mode, "--start-from", "EARLIEST",
        "--bounded", "--bucket", "PT1H", "--checkpoint-interval", "PT2S",
        "--influx-url", servers.influx.url(), "--influx-db", "cx_chr_" + mode, "--parallelism", "2"));
    args.addAll(List.of(extra));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ChurnKpiJob.fromArgs(args.toArray(String[]::new)).configure(env);
    env.execute("churn-" + mode);
  }
}
