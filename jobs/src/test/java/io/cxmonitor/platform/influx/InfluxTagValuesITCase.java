package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.DeadLetterSerializer;
import io.cxmonitor.platform.kafka.RejectedPointsToDeadLetters;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
 * Hostile tag values through the sink into a real influxd and back: no injected series, every
 * point stored under its (made safe) tags, and exactly the points the server refused in the same
 * batch counted and written to the dead-letter topic (a real broker) with the server's message.
 */
class InfluxTagValuesITCase {
  // A Wednesday: influxd's weekly shard groups start on Mondays, and a type conflict is only
  // seen within one shard, so the float point at T0 - 1 ms must share the shard.
  private static final Instant T0 = Instant.parse("2026-06-03T12:00:00Z");
  private static final String DB = "tags_it";
  private static final String MEASUREMENT = "cx_tags_it";
  private static final String CONFLICT = "cx_conflict_it";
  private static final int POINTS_PER_SERIES = 3;
  private static final int CONFLICTING = 4;
  private static final String DLQ = "tags-it.dead-letter";

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  private static InfluxServer influx;
  private static InfluxDB client;
  private static KafkaBroker kafka;

  @BeforeAll
  static void start() throws Exception {
    influx = InfluxServer.start();
    client = InfluxDBFactory.connect(influx.url());
    kafka = KafkaBroker.start();
    kafka.createTopics(1, DLQ);
  }

  @AfterAll
  static void stop() {
    client.close();
    influx.close();
    kafka.close();
  }

  /** Written tags → the tags InfluxDB must hold, by hand: U+FFFD for what cannot be carried. */
  private static Map<Map<String, String>, Map<String, String>> seriesWrittenAndExpected() {
    Map<Map<String, String>, Map<String, String>> m = new LinkedHashMap<>();
    m.put(Map.of("region", "all", "team", "x\ncx_nps"), Map.of("region", "all", "team", "x\uFFFDcx_nps"));
    m.put(Map.of("region", "all", "team", "abc\\"), Map.of("region", "all", "team", "abc\uFFFD"));
    m.put(Map.of("region", "north\\", "team", "ok"), Map.of("region", "north\uFFFD", "team", "ok"));
    m.put(Map.of("region", "all", "team", "tab\there\r"), Map.of("region", "all", "team", "tab\uFFFDhere\uFFFD"));
    m.put(Map.of("region", "all", "team", "tier 2"), Map.of("region", "all", "team", "tier 2"));
    m.put(Map.of("region", "all", "team", "a,b"), Map.of("region", "all", "team", "a,b"));
    m.put(Map.of("region", "all", "team", "k=v"), Map.of("region", "all", "team", "k=v"));
    m.put(Map.of("region", "all", "team", "say \"hi\""), Map.of("region", "all", "team", "say \"hi\""));
    m.put(Map.of("region", "all", "team", "it's"), Map.of("region", "all", "team", "it's"));
    m.put(Map.of("region", "all", "team", "a\\ b"), Map.of("region", "all", "team", "a\\ b"));
    m.put(Map.of("region", "Hà Nội", "team", "Hỗ trợ khách hàng"), Map.of("region", "Hà Nội", "team", "Hỗ trợ khách hàng"));
    return m;
  }

  @Test
  void hostileTagValuesAreStoredSafelyAndRejectionsCountedExactly() throws Exception {
    influx.createDatabase(DB);
    influx.write(DB, CONFLICT + " v=0.5 " + (T0.toEpochMilli() - 1)); // v is a float field from now on

    List<KpiPoint> points = new ArrayList<>();
    Map<Map<String, String>, Map<Long, Long>> expected = new HashMap<>();
    long v = 0;
    for (Map.Entry<Map<String, String>, Map<String, String>> s : seriesWrittenAndExpected().entrySet()) {
      for (int i = 0; i < POINTS_PER_SERIES; i++) {
        long t = T0.plusSeconds(i).toEpochMilli();
        v++;
        points.add(new KpiPoint(MEASUREMENT, s.getKey(), Map.of("v", v), t));
        expected.computeIfAbsent(s.getValue(), k -> new HashMap<>()).put(t, v);
      }
    }
    int accepted = points.size();
    // Interleaved with the good points, in the same batch: integer v where v is float.
    List<String> refusedLines = new ArrayList<>();
    for (int i = 0; i < CONFLICTING; i++) {
      long t = T0.plusSeconds(i).toEpochMilli();
      points.add(2 * i + 1, new KpiPoint(CONFLICT, Map.of("team", "ok"), Map.of("v", (long) i), t));
      refusedLines.add(CONFLICT + ",team=ok v=" + i + "i " + t);
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    // One batch of exactly the data points, flushed before the end-of-input cx_sink point is made.
    InfluxSinkOptions options = InfluxSinkOptions.defaults(influx.url(), DB).withBatching(points.size(), Duration.ofHours(1));
    RejectedPoints deadLetters = new RejectedPointsToDeadLetters(kafka.bootstrapServers(), DLQ,
        DeadLetterSerializer.DEFAULT_MAX_PAYLOAD_BYTES, new Properties());
    env.fromData(TypeInformation.of(KpiPoint.class), points.toArray(KpiPoint[]::new))
        .sinkTo(new InfluxSink(options, "tags-it", deadLetters));
    env.execute("tags-it");

    assertThat(column(query("SHOW MEASUREMENTS"))).containsExactlyInAnyOrder(CONFLICT, MEASUREMENT, InfluxSchema.MEASUREMENT_SINK);

    Map<Map<String, String>, Map<Long, Long>> stored = new HashMap<>();
    for (QueryResult.Series s : query("SELECT \"v\" FROM \"" + MEASUREMENT + "\" GROUP BY *")) {
      Map<Long, Long> values = new HashMap<>();
      for (List<Object> row : s.getValues()) {
        values.put(((Number) row.get(0)).longValue(), ((Number) row.get(1)).longValue());
      }
      stored.put(s.getTags(), values);
    }
    assertThat(stored).isEqualTo(expected);
    assertThat(readWithInfluxCli("SELECT \"v\" FROM \"" + MEASUREMENT + "\" GROUP BY *"))
        .as("the same series and points, read back by InfluxDB's own command-line client").isEqualTo(expected);

    assertThat(query("SELECT count(\"v\") FROM \"" + CONFLICT + "\"").get(0).getValues().get(0).get(1))
        .isEqualTo(1.0); // only the float point written before the sink ran
    List<Object> sink = query("SELECT last(\"rejected_total\"), last(\"points_total\") FROM \"cx_sink\" WHERE \"job\" = 'tags-it'")
        .get(0).getValues().get(0);
    assertThat(((Number) sink.get(1)).longValue()).isEqualTo(CONFLICTING);
    assertThat(((Number) sink.get(2)).longValue()).isEqualTo(accepted);

    List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(DLQ);
    assertThat(dead).extracting(d -> new String(d.value(), StandardCharsets.UTF_8))
        .containsExactlyInAnyOrderElementsOf(refusedLines);
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      assertThat(KafkaBroker.header(d, DeadLetter.HEADER_KIND)).isEqualTo(DeadLetter.Kind.REJECTED.name());
      assertThat(KafkaBroker.header(d, DeadLetter.HEADER_JOB)).isEqualTo("tags-it");
      assertThat(KafkaBroker.header(d, DeadLetter.HEADER_TOPIC)).isEqualTo(RejectedPointsToDeadLetters.ORIGIN);
      assertThat(KafkaBroker.header(d, DeadLetter.HEADER_REASON))
          .startsWith("InfluxDB refused the point: ").contains("field type conflict");
    }
  }

  private static List<QueryResult.Series> query(String q) {
    QueryResult r = client.query(new Query(q, DB), TimeUnit.MILLISECONDS);
    assertThat(r.hasError()).as("%s: %s", q, r.getError()).isFalse();
    List<QueryResult.Series> series = r.getResults().get(0).getSeries();
    return series == null ? List.of() : series;
  }

  private static List<String> column(List<QueryResult.Series> series) {
    List<String> out = new ArrayList<>();
    for (QueryResult.Series s : series) {
      s.getValues().forEach(row -> out.add((String) row.get(0)));
    }
    return out;
  }

  /**
   * Runs {@code q} with InfluxDB's command-line client ({@code influx}, Debian package influxdb-client;
   * {@code CX_INFLUX_CLI} names another binary) as a user would, and returns tags → time → v.
   */
  private static Map<Map<String, String>, Map<Long, Long>> readWithInfluxCli(String q) throws Exception {
    String cli = System.getenv().getOrDefault("CX_INFLUX_CLI", "influx");
    Process p = new ProcessBuilder(cli, "-host", "127.0.0.1", "-port", Integer.toString(influx.port()),
        "-database", DB, "-format", "json", "-precision", "ms", "-execute", q).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("influx CLI: %s", out).isZero();
    Map<Map<String, String>, Map<Long, Long>> series = new HashMap<>();
    // The client prints one JSON document per response chunk (series may be split across chunks).
    List<JsonNode> seriesNodes = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = new ObjectMapper().readerFor(JsonNode.class).readValues(out)) {
      while (documents.hasNext()) {
        for (JsonNode result : documents.next().path("results")) {
          result.path("series").forEach(seriesNodes::add);
        }
      }
    }
    for (JsonNode s : seriesNodes) {
      Map<String, String> tags = new HashMap<>();
      s.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
      Map<Long, Long> values = new HashMap<>();
      for (JsonNode row : s.path("values")) {
        values.put(row.get(0).asLong(), row.get(1).asLong());
      }
      series.computeIfAbsent(tags, k -> new HashMap<>()).putAll(values);
    }
    return series;
  }
}
