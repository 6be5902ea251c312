package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.testing.RegistryModeRuns;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service job in both value formats over the same interactions: in Confluent framing it reads
 * its input by registry id and writes its SLA alerts framed with the id of the schema it registered
 * under the alert topic's subject; both runs must write the same points and the same alerts.
 */
class ServiceKpiJobRegistryITCase {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @AutoClose
  private static RegistryModeRuns servers;

  @BeforeAll
  static void start() throws Exception {
    List<String> topics = new ArrayList<>();
    for (String format : List.of("single", "confluent")) {
      topics.addAll(List.of("svc.interactions." + format, "svc.alerts." + format, "svc.dead-letter." + format));
    }
    servers = RegistryModeRuns.start(topics.toArray(String[]::new));
  }

  @Test
  void confluentInputsAndAlertsGiveTheSamePointsAndAlertsAsSingleObjectOnes() throws Exception {
    SimulationConfig config = SimulationConfig.defaults(23, Instant.parse("2026-02-02T06:00:00Z"), Duration.ofHours(4))
        .withRate(150).withDisorder(0, Duration.ZERO, 0).withQueueEvents(true);
    int published = 0;
    try (KafkaPublisher publisher = new KafkaPublisher(servers.kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (r.record() instanceof InteractionEvent e) {
          publisher.sendRaw("svc.interactions.single", r.key(), RegistryModeRuns.singleObject(e));
          publisher.sendRaw("svc.interactions.confluent", r.key(), servers.confluent("svc.interactions.confluent", e));
          published++;
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).isZero();
    }
    assertThat(published).isGreaterThan(1_000);

    run("single");
    List<String> confluent = new ArrayList<>(List.of("confluent"));
    confluent.addAll(servers.confluentArgs());
    run(confluent.toArray(String[]::new));

    // --- the same points in every measurement the job writes by event time ---
    int points = servers.assertSameKpis("cx_svc_single", "cx_svc_confluent");
    assertThat(points).isGreaterThan(1_000);

    // --- the same alerts; the Confluent ones framed with the id registered under the alert topic's subject ---
    List<SlaBreachAlert> single = servers.readSingleObject("svc.alerts.single", SlaBreachAlert.getClassSchema(),
        SlaBreachAlert::getAlertId);
    assertThat(single).as("the run must breach SLAs").isNotEmpty();
    assertThat(servers.readConfluent("svc.alerts.confluent", SlaBreachAlert.getClassSchema(), SlaBreachAlert::getAlertId))
        .isEqualTo(single);
    assertThat(servers.kafka.readAll("svc.dead-letter.confluent"))
        .hasSameSizeAs(servers.kafka.readAll("svc.dead-letter.single"));
    System.out.printf("%d interactions, %d points compared, %d alerts%n", published, points, single.size());
  }

  /** Runs the job over the topics of {@code format}[0] with the options that follow it. */
  private static void run(String... formatAndOptions) throws Exception {
    String format = formatAndOptions[0];
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", servers.kafka.bootstrapServers(),
        "--topic", "svc.interactions." + format, "--alert-topic", "svc.alerts." + format,
        "--dead-letter-topic", "svc.dead-letter." + format, "--group-id", "svc-" + format,
        "--start-from", "EARLIEST", "--bounded", "--bucket", "PT1H", "--checkpoint-interval", "PT2S",
        "--influx-url", servers.influx.url(), "--influx-db", "cx_svc_" + format, "--parallelism", "2"));
    args.addAll(List.of(formatAndOptions).subList(1, formatAndOptions.length));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ServiceKpiJob.fromArgs(args.toArray(String[]::new)).configure(env);
    env.execute("service-" + format);
  }
}
