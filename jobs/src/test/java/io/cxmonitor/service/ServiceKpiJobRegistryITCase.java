package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.kafka.SchemaRegistryClient;
import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.testkit.SchemaRegistry;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
  /** Counters written with the processing time: not comparable point by point between runs. */
  private static final Set<String> PROCESSING_TIME = Set.of("cx_pipeline", "cx_sink");
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @AutoClose
  private static KafkaBroker kafka;
  @AutoClose
  private static InfluxServer influx;
  @AutoClose
  private static SchemaRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    registry = SchemaRegistry.start();
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    for (String format : List.of("single", "confluent")) {
      kafka.createTopics(1, "svc.interactions." + format, "svc.alerts." + format, "svc.dead-letter." + format);
    }
  }

  @Test
  void confluentInputsAndAlertsGiveTheSamePointsAndAlertsAsSingleObjectOnes() throws Exception {
    int id = registry.register("svc.interactions.confluent-value", InteractionEvent.getClassSchema().toString());
    SimulationConfig config = SimulationConfig.defaults(23, Instant.parse("2026-02-02T06:00:00Z"), Duration.ofHours(4))
        .withRate(150).withDisorder(0, Duration.ZERO, 0).withQueueEvents(true);
    WireFormat.Codec<InteractionEvent> codec = WireFormat.interactions();
    int published = 0;
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (r.record() instanceof InteractionEvent e) {
          publisher.sendRaw("svc.interactions.single", r.key(), codec.encode(e));
          publisher.sendRaw("svc.interactions.confluent", r.key(), ConfluentFraming.frame(id, codec.encodeBody(e)));
          published++;
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).isZero();
    }
    assertThat(published).isGreaterThan(1_000);

    run("single");
    run("confluent", "--value-format", "confluent", "--schema-registry", registry.confluentUrl());

    // --- the same points in every measurement the job writes by event time ---
    List<String> measurements = measurements("cx_svc_single");
    assertThat(measurements).contains("cx_service");
    assertThat(measurements("cx_svc_confluent")).containsExactlyInAnyOrderElementsOf(measurements);
    int rows = 0;
    for (String m : measurements) {
      if (PROCESSING_TIME.contains(m)) {
        continue;
      }
      JsonNode single = series("cx_svc_single", m);
      assertThat(series("cx_svc_confluent", m)).as(m).isEqualTo(single);
      for (JsonNode s : single) {
        rows += s.get("values").size();
      }
    }
    assertThat(rows).isGreaterThan(1_000);

    // --- the same alerts; the Confluent ones framed with the id registered under the alert topic's subject ---
    List<SlaBreachAlert> single = new ArrayList<>();
    WireFormat.Codec<SlaBreachAlert> alerts = WireFormat.slaAlerts();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll("svc.alerts.single")) {
      single.add(alerts.decode(r.value(), null));
    }
    assertThat(single).as("the run must breach SLAs").isNotEmpty();
    int alertId = registry.register("svc.alerts.confluent-value", SlaBreachAlert.getClassSchema().toString());
    SchemaRegistryClient client = SchemaRegistryClient.Config.of(registry.confluentUrl()).connect();
    List<SlaBreachAlert> confluent = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll("svc.alerts.confluent")) {
      int framedWith = ConfluentFraming.schemaId(r.value());
      assertThat(framedWith).isEqualTo(alertId);
      Schema writer = client.writerSchema(framedWith);
      confluent.add(alerts.decodeBody(r.value(), ConfluentFraming.HEADER, writer, "id " + framedWith, null));
    }
    Comparator<SlaBreachAlert> byId = Comparator.comparing(a -> a.getAlertId().toString());
    assertThat(confluent.stream().sorted(byId).toList()).isEqualTo(single.stream().sorted(byId).toList());
    assertThat(kafka.readAll("svc.dead-letter.confluent")).hasSameSizeAs(kafka.readAll("svc.dead-letter.single"));
    System.out.printf("%d interactions, %d rows compared, %d alerts%n", published, rows, single.size());
  }

  private static void run(String format, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
        "--topic", "svc.interactions." + format, "--alert-topic", "svc.alerts." + format,
        "--dead-letter-topic", "svc.dead-letter." + format, "--group-id", "svc-" + format,
        "--start-from", "EARLIEST", "--bounded", "--bucket", "PT1H", "--checkpoint-interval", "PT2S",
        "--influx-url", influx.url(), "--influx-db", "cx_svc_" + format, "--parallelism", "2"));
    args.addAll(List.of(extra));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ServiceKpiJob.fromArgs(args.toArray(String[]::new)).configure(env);
    env.execute("service-" + format);
  }

  private static List<String> measurements(String db) throws Exception {
    List<String> names = new ArrayList<>();
    for (JsonNode s : JSON.readTree(influx.query(db, "SHOW MEASUREMENTS")).at("/results/0/series")) {
      s.get("values").forEach(v -> names.add(v.get(0).asText()));
    }
    return names;
  }

  /** Every series of {@code measurement} with its rows, in InfluxDB's order (by tag set, then time). */
  private static JsonNode series(String db, String measurement) throws Exception {
    return JSON.readTree(influx.query(db, "SELECT * FROM \"" + measurement + "\" GROUP BY *")).at("/results/0/series");
  }
}
