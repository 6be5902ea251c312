package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxmonitor.tools.replay.ReplayCli;
import io.cxmonitor.tools.replay.ReplayMapping;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real ticket history: the NYC 311 sample is imported with the shipped mapping through a real
 * Kafka broker into the service job on a MiniCluster (hourly buckets) and a real influxd. The
 * rolling 24-hour time-to-resolution median and p90, overall, per agency and per channel, must
 * match nearest-rank percentiles the test computes from the CSV itself, within the histogram's
 * stated 1 % error; the row that closes before it opens is rejected with a reason.
 */
class ServiceKpiNyc311ITCase {
  private static final Path CSV = Path.of("src/test/resources/nyc311/service_requests_2011_sample.csv");
  private static final Path MAPPING = Path.of("src/main/resources/mappings/nyc311.yaml");
  private static final String SHA256 = "d762ab4dd3dc8c6d12ce51d3e44e4823a86c2628c496e3200329d509665a3931";
  private static final String DB = "cx_nyc";
  private static final long HOUR = 3_600_000L;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, "nyc.interactions", "nyc.alerts", "nyc.dead-letter");
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
    influx.close();
  }

  /** One resolved request as the test reads it from the CSV. */
  private record Resolved(long closedAt, long ttrMs, String agency, String channel) {}

  @Test
  void timeToResolutionPercentilesMatchTheCsv(@TempDir Path tmp) throws Exception {
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(CSV)))).isEqualTo(SHA256);

    // --- the test's own reading of the CSV ---
    DateTimeFormatter f = DateTimeFormatter.ofPattern("MM/dd/yyyy hh:mm:ss a", Locale.ROOT);
    ZoneId ny = ZoneId.of("America/New_York");
    List<Resolved> resolved = new ArrayList<>();
    long expectedFirstResponseBreaches = 0; // 311 rows have no replies: every request open at +4 h breaches
    long expectedResolutionBreaches = 0;    // open at +72 h
    List<Long> closesBeforeOpen = new ArrayList<>();
    // The end of the bounded input is not the end of time: a request still open at the end breaches
    // only if its deadline is not after the latest event time its subtask of the job saw (the job
    // runs the per-ticket function on two subtasks; Flink assigns a key to one by its key group).
    long[] latestPerSubtask = {Long.MIN_VALUE, Long.MIN_VALUE};
    Map<String, Long> stillOpen = new HashMap<>();
    try (Reader r = Files.newBufferedReader(CSV, StandardCharsets.UTF_8);
        CSVParser p = CSVParser.builder().setReader(r).setFormat(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
      for (CSVRecord row : p) {
        long created = LocalDateTime.parse(row.get("Created Date"), f).atZone(ny).toInstant().toEpochMilli();
        String ticket = "nyc311-" + row.get("Unique Key");
        String closed = row.get("Closed Date").trim();
        if (closed.isEmpty()) {
          stillOpen.put(ticket, created);
          seen(latestPerSubtask, ticket, created);
          continue;
        }
        long closedAt = LocalDateTime.parse(closed, f).atZone(ny).toInstant().toEpochMilli();
        if (closedAt < created) {
          closesBeforeOpen.add(row.getRecordNumber());
          continue;
        }
        seen(latestPerSubtask, ticket, closedAt);
        if (closedAt - created > 4 * HOUR) {
          expectedFirstResponseBreaches++;
        }
        if (closedAt - created > 72 * HOUR) {
          expectedResolutionBreaches++;
        }
        String channel = switch (row.get("Open Data Channel Type")) {
          case "PHONE" -> "phone";
          case "ONLINE" -> "web";
          case "MOBILE" -> "app";
          default -> "other";
        };
        resolved.add(new Resolved(closedAt, closedAt - created, row.get("Agency").toLowerCase(Locale.ROOT), channel));
      }
    }
    assertThat(closesBeforeOpen).hasSize(1);
    for (Map.Entry<String, Long> open : stillOpen.entrySet()) {
      long latest = latestPerSubtask[subtaskOf(open.getKey())];
      if (open.getValue() + 4 * HOUR <= latest) {
        expectedFirstResponseBreaches++;
      }
      if (open.getValue() + 72 * HOUR <= latest) {
        expectedResolutionBreaches++;
      }
    }

    // --- import through the CLI, then run the job over everything imported ---
    Path rejects = tmp.resolve("rejects.csv");
    ReplayCli cli = ReplayCli.of("--input", CSV.toString(), "--mapping", MAPPING.toString(),
        "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "nyc.interactions", "--rejects", rejects.toString());
    ReplayCli.Summary summary = cli.run(ReplayMapping.load(MAPPING));
    assertThat(summary.rows()).isEqualTo(2_000);
    assertThat(summary.rejectedRows()).isEqualTo(1);
    List<String> rejectLines = Files.readAllLines(rejects);
    assertThat(rejectLines).hasSize(2);
    assertThat(rejectLines.get(1)).startsWith(closesBeforeOpen.get(0) + ",").contains("before the ticket was opened");
    assertThat(summary.published()).isEqualTo(1_999 + resolved.size());

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ServiceKpiJob.fromArgs("--bootstrap-servers", kafka.bootstrapServers(), "--topic", "nyc.interactions",
        "--alert-topic", "nyc.alerts", "--dead-letter-topic", "nyc.dead-letter", "--group-id", "nyc",
        "--start-from", "EARLIEST", "--bounded", "--bucket", "PT1H", "--checkpoint-interval", "PT2S",
        "--influx-url", influx.url(), "--influx-db", DB, "--parallelism", "2").configure(env);
    env.execute("nyc311-it");

    // --- rolling 24h TTR per group and hour: expected from the CSV, actual from InfluxDB ---
    Map<String, List<Resolved>> groups = new HashMap<>();
    for (Resolved x : resolved) {
      groups.computeIfAbsent("all|all", k -> new ArrayList<>()).add(x);
      groups.computeIfAbsent("all|" + x.agency(), k -> new ArrayList<>()).add(x);
      groups.computeIfAbsent(x.channel() + "|all", k -> new ArrayList<>()).add(x);
    }
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      QueryResult q = client.query(new Query("SELECT \"n\", \"p50_s\", \"p90_s\", \"channel\", \"team\" FROM \"cx_ttr\" "
          + "WHERE \"window\" = '24h' AND \"region\" = 'all' AND \"priority\" = 'all' AND \"product\" = 'all' AND \"n\" > 0", DB), TimeUnit.MILLISECONDS);
      Map<String, double[]> actual = new HashMap<>();
      for (QueryResult.Series s : q.getResults().get(0).getSeries()) {
        for (List<Object> v : s.getValues()) {
          String key = v.get(4) + "|" + v.get(5) + "|" + ((Number) v.get(0)).longValue();
          actual.put(key, new double[] {((Number) v.get(1)).doubleValue(), ((Number) v.get(2)).doubleValue(), ((Number) v.get(3)).doubleValue()});
        }
      }
      int compared = 0;
      int expectedPoints = 0;
      for (Map.Entry<String, List<Resolved>> g : groups.entrySet()) {
        TreeMap<Long, List<Long>> byHour = new TreeMap<>();
        for (Resolved x : g.getValue()) {
          byHour.computeIfAbsent(Math.floorDiv(x.closedAt(), HOUR), k -> new ArrayList<>()).add(x.ttrMs());
        }
        java.util.Set<Long> ticks = new java.util.TreeSet<>();
        for (long hour : byHour.keySet()) {
          for (long m = hour; m < hour + 24; m++) {
            ticks.add(m);
          }
        }
        for (long m : ticks) {
          List<Long> window = new ArrayList<>();
          byHour.subMap(m - 23, true, m, true).values().forEach(window::addAll);
          window.sort(null);
          expectedPoints++;
          double[] a = actual.get(g.getKey() + "|" + (m + 1) * HOUR);
          assertThat(a).as("missing 24h TTR point %s at %s", g.getKey(), java.time.Instant.ofEpochMilli((m + 1) * HOUR)).isNotNull();
          assertThat((long) a[0]).as("n %s", g.getKey()).isEqualTo(window.size());
          assertWithinSketchError(a[1], nearestRank(window, 50), g.getKey() + " p50 @" + m);
          assertWithinSketchError(a[2], nearestRank(window, 90), g.getKey() + " p90 @" + m);
          compared++;
        }
      }
      assertThat(actual).as("no TTR points beyond the expected ones").hasSize(expectedPoints);
      assertThat(compared).isGreaterThan(1_000);
      System.out.printf("NYC 311: %d resolved requests, %d rolling-24h TTR points compared%n", resolved.size(), compared);

      // SLA breaches: counted in InfluxDB (the 1h windows do not overlap with hourly buckets) ...
      QueryResult breaches = client.query(new Query("SELECT sum(\"sla_frt_breaches\"), sum(\"sla_ttr_breaches\") FROM \"cx_service\" "
          + "WHERE \"window\" = '1h' AND \"channel\" = 'all' AND \"team\" = 'all' AND \"region\" = 'all' AND \"priority\" = 'all' AND \"product\" = 'all'", DB));
      List<Object> sums = breaches.getResults().get(0).getSeries().get(0).getValues().get(0);
      assertThat(((Number) sums.get(1)).longValue()).isEqualTo(expectedFirstResponseBreaches);
      assertThat(((Number) sums.get(2)).longValue()).isEqualTo(expectedResolutionBreaches);
    }
    // ... and each one is an alert event on Kafka
    Map<String, Long> alertsByKind = new HashMap<>();
    io.cxmonitor.schemas.WireFormat.Codec<io.cxmonitor.schemas.SlaBreachAlert> codec = io.cxmonitor.schemas.WireFormat.slaAlerts();
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(props)) {
      var tp = new org.apache.kafka.common.TopicPartition("nyc.alerts", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      java.util.Set<String> ids = new java.util.HashSet<>();
      while (consumer.position(tp) < end) {
        for (var rec : consumer.poll(java.time.Duration.ofMillis(500))) {
          var alert = codec.decode(rec.value(), null);
          assertThat(ids.add(alert.getAlertId())).as("one alert per ticket and SLA").isTrue();
          assertThat(alert.getDueAt().toEpochMilli()).as("no deadline after the input's latest event")
              .isLessThanOrEqualTo(Math.max(latestPerSubtask[0], latestPerSubtask[1]));
          assertThat(rec.timestamp()).as("stamped when written, never in the future").isLessThanOrEqualTo(System.currentTimeMillis());
          alertsByKind.merge(alert.getKind().name(), 1L, Long::sum);
        }
      }
    }
    assertThat(alertsByKind).containsEntry("FIRST_RESPONSE", expectedFirstResponseBreaches)
        .containsEntry("RESOLUTION", expectedResolutionBreaches);
  }

  private static long nearestRank(List<Long> sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.size());
    return sorted.get(Math.max(1, rank) - 1);
  }

  /** HdrHistogram with 2 significant digits reports a value in [exact, exact × 1.01]. */
  private static void assertWithinSketchError(double actualSeconds, long exactMs, String what) {
    double exact = exactMs / 1000.0;
    assertThat(actualSeconds).as(what).isCloseTo(exact, within(0.01 * exact + 0.001));
  }

  /** The subtask of the two that handles this ticket (default maximum parallelism 128). */
  private static int subtaskOf(String ticketId) {
    return org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(ticketId, 128, 2);
  }

  private static void seen(long[] latestPerSubtask, String ticketId, long eventTime) {
    int s = subtaskOf(ticketId);
    latestPerSubtask[s] = Math.max(latestPerSubtask[s], eventTime);
  }
}
