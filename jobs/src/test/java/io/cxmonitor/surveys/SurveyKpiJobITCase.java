package io.cxmonitor.surveys;

import io.cxmonitor.platform.influx.InfluxSchema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Generator → real Kafka → survey job on a MiniCluster → real influxd, compared point by point
 * with {@link ExpectedSurveyKpis}, which recomputes every value with plain loops.
 */
class SurveyKpiJobITCase {
  private static final String DB = "cx_it";
  private static final String SURVEYS = "it.surveys";
  private static final String DLQ = "it.dead-letter";
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void startServers() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, SURVEYS, DLQ);
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (influx != null) {
      influx.close();
    }
  }

  @Test
  void writesExactlyTheKpisAPlainLoopComputesAndDeadLettersTheRest() throws Exception {
    // --- publish: generated surveys (with out-of-order and late ones) plus bad records ---
    SimulationConfig config = SimulationConfig.defaults(7, T0, Duration.ofHours(3))
        .withRate(120)
        .withDisorder(0.1, Duration.ofSeconds(20), 0.02);
    List<SurveyResponse> published = new ArrayList<>();
    int undecodable = 0;
    int invalid = 0;
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (!(r.record() instanceof SurveyResponse s)) {
          continue;
        }
        publisher.sendRaw(SURVEYS, r.key(), publisher.encode(s));
        published.add(s);
        if (published.size() % 400 == 0) {
          publisher.sendRaw(SURVEYS, r.key(), "{\"nps\": 10}".getBytes(StandardCharsets.UTF_8));
          undecodable++;
        }
        if (published.size() % 700 == 0) {
          SurveyResponse bad = SurveyResponse.newBuilder(s).setResponseId(s.getResponseId() + "-bad").setNps(11).build();
          publisher.sendRaw(SURVEYS, r.key(), publisher.encode(bad));
          invalid++;
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).isZero();
    }
    ExpectedSurveyKpis expected = new ExpectedSurveyKpis(published, BOUND.toMillis());
    assertThat(expected.late).as("the run must contain late responses").hasSizeGreaterThan(20);
    System.out.printf("published %d surveys: %d on time, %d late, %d undecodable, %d invalid; %d expected points%n",
        published.size(), expected.onTime.size(), expected.late.size(), undecodable, invalid, expected.points.size());
    assertThat(expected.onTime).hasSizeGreaterThan(2_000);

    // --- run the job over everything published, to the end ---
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    SurveyKpiJob.fromArgs(
        "--bootstrap-servers", kafka.bootstrapServers(), "--topic", SURVEYS, "--dead-letter-topic", DLQ,
        "--group-id", "it", "--start-from", "EARLIEST", "--bounded",
        "--influx-url", influx.url(), "--influx-db", DB,
        "--out-of-orderness", BOUND.toString(), "--checkpoint-interval", "PT1S", "--parallelism", "2")
        .configure(env);
    env.execute("survey-kpi-it");

    // --- every expected point is in InfluxDB with the same n, score and interval; nothing else is ---
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      int compared = 0;
      for (String measurement : List.of("cx_nps", "cx_csat", "cx_ces")) {
        Map<String, Map<String, Double>> actual = readAll(client, DB, measurement);
        long expectedCount = expected.points.values().stream().filter(p -> p.measurement().equals(measurement)).count();
        assertThat(actual).as("%s points", measurement).hasSize((int) expectedCount);
        for (ExpectedSurveyKpis.Point p : expected.points.values()) {
          if (!p.measurement().equals(measurement)) {
            continue;
          }
          String key = ExpectedSurveyKpis.key(p.measurement(), p.tags(), p.time());
          Map<String, Double> fields = actual.get(key);
          assertThat(fields).as("missing point %s", key).isNotNull();
          for (Map.Entry<String, Double> f : p.fields().entrySet()) {
            assertThat(fields.get(f.getKey())).as("%s %s", key, f.getKey())
                .isNotNull().isCloseTo(f.getValue(), within(1e-9 * Math.max(1, Math.abs(f.getValue()))));
          }
          // every window point ends final (field provisional = 0; InfluxDB contract)
          assertThat(fields.get(InfluxSchema.FIELD_PROVISIONAL)).as("%s provisional", key).isEqualTo(0.0);
          assertThat(fields.keySet().stream().filter(f -> !f.equals(InfluxSchema.FIELD_PROVISIONAL)))
              .as("fields of %s", key).containsExactlyInAnyOrderElementsOf(p.fields().keySet());
          compared++;
        }
      }
      assertThat(compared).isGreaterThan(10_000);

      // --- late, invalid and undecodable records are counted ... ---
      Map<String, Double> pipeline = sumOfLast(client,
          "SELECT last(events_total) AS events, last(late_total) AS late, last(invalid_total) AS invalid, "
              + "last(undecodable_total) AS undecodable FROM cx_pipeline WHERE job = 'surveys' GROUP BY subtask");
      assertThat(pipeline.get("events")).isEqualTo(expected.onTime.size());
      assertThat(pipeline.get("late")).isEqualTo(expected.late.size());
      assertThat(pipeline.get("invalid")).isEqualTo(invalid);
      assertThat(pipeline.get("undecodable")).isEqualTo(undecodable);
    }

    // --- ... and not lost: each one is on the dead-letter topic with its reason and original bytes ---
    List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(DLQ);
    Map<String, Integer> byKind = new HashMap<>();
    List<String> lateIds = new ArrayList<>();
    WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      String kind = KafkaBroker.header(r, DeadLetter.HEADER_KIND);
      byKind.merge(kind, 1, Integer::sum);
      assertThat(KafkaBroker.header(r, DeadLetter.HEADER_REASON)).isNotBlank();
      assertThat(KafkaBroker.header(r, DeadLetter.HEADER_TOPIC)).isEqualTo(SURVEYS);
      if (kind.equals("LATE")) {
        lateIds.add(codec.decode(r.value(), null).getResponseId());
      }
    }
    assertThat(byKind).containsEntry("LATE", expected.late.size())
        .containsEntry("INVALID", invalid).containsEntry("UNDECODABLE", undecodable).hasSize(3);
    assertThat(lateIds).containsExactlyInAnyOrderElementsOf(
        expected.late.stream().map(SurveyResponse::getResponseId).toList());
  }

  /** measurement|window|channel|region|team|product|time → fields present (non-null). */
  static Map<String, Map<String, Double>> readAll(InfluxDB client, String db, String measurement) {
    QueryResult result = client.query(new Query("SELECT * FROM \"" + measurement + "\"", db), TimeUnit.MILLISECONDS);
    assertThat(result.getError()).isNull();
    Map<String, Map<String, Double>> out = new HashMap<>();
    for (QueryResult.Result res : result.getResults()) {
      assertThat(res.getError()).isNull();
      if (res.getSeries() == null) {
        continue;
      }
      for (QueryResult.Series s : res.getSeries()) {
        List<String> cols = s.getColumns();
        for (List<Object> row : s.getValues()) {
          Map<String, Object> byCol = new HashMap<>();
          for (int i = 0; i < cols.size(); i++) {
            byCol.put(cols.get(i), row.get(i));
          }
          String tags = byCol.get("window") + "|" + byCol.get("channel") + "|" + byCol.get("region") + "|"
              + byCol.get("team") + "|" + byCol.get("product");
          long time = ((Number) byCol.get("time")).longValue();
          Map<String, Double> fields = new HashMap<>();
          for (String c : cols) {
            if (!List.of("time", "window", "channel", "region", "team", "product").contains(c) && byCol.get(c) != null) {
              fields.put(c, ((Number) byCol.get(c)).doubleValue());
            }
          }
          out.put(ExpectedSurveyKpis.key(measurement, tags, time), fields);
        }
      }
    }
    return out;
  }

  private static Map<String, Double> sumOfLast(InfluxDB client, String q) {
    QueryResult result = client.query(new Query(q, DB));
    Map<String, Double> sums = new HashMap<>();
    for (QueryResult.Series s : result.getResults().get(0).getSeries()) {
      for (int i = 1; i < s.getColumns().size(); i++) {
        sums.merge(s.getColumns().get(i), ((Number) s.getValues().get(0).get(i)).doubleValue(), Double::sum);
      }
    }
    return sums;
  }
}
