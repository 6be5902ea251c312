package io.cxmonitor.surveys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.testkit.InfluxServer;
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
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
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

/**
 * Provisional points end to end (real broker, MiniCluster, real influxd): the survey job runs
 * unbounded while responses arrive with event time = now. The open bucket's points are readable,
 * marked provisional, while nothing can have closed the bucket yet (no later event exists); after
 * a steady stretch and records that move the watermark past it, every point is final and the
 * database holds exactly what a bounded run over the same topic with {@code --provisional-interval
 * PT0S} writes. Ten-second buckets keep the run short.
 */
class ProvisionalPointsITCase {
  private static final String SURVEYS = "it.provisional.surveys";
  private static final String DLQ = "it.provisional.dead-letter";
  private static final long BUCKET = 10_000;
  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(3);
  private static final List<String> MEASUREMENTS = List.of("cx_nps", "cx_csat", "cx_ces");

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void startServers() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(2, SURVEYS, DLQ);
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

  private static String[] args(String db, String... more) {
    List<String> a = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic", SURVEYS,
        "--dead-letter-topic", DLQ, "--group-id", "it-" + db, "--start-from", "EARLIEST", "--influx-url", influx.url(),
        "--influx-db", db, "--bucket", "PT10S", "--out-of-orderness", OUT_OF_ORDERNESS.toString(),
        "--checkpoint-interval", "PT2S", "--parallelism", "2"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void theOpenBucketIsVisibleProvisionallyAndTheFinalContentEqualsARunWithout() throws Exception {
    List<SurveyResponse> templates = templates();
    StreamExecutionEnvironment live = StreamExecutionEnvironment.getExecutionEnvironment();
    SurveyKpiJob.fromArgs(args("cx_live", "--provisional-interval", "PT1S")).configure(live);
    JobClient job = live.executeAsync("provisional-live");
    long lastEvent;
    try (KafkaPublisher out = new KafkaPublisher(kafka.bootstrapServers());
        InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      // --- one burst at one event time, then silence: the watermark stays before the bucket's end ---
      long t1 = System.currentTimeMillis();
      int burst = 20;
      for (int i = 0; i < burst; i++) {
        publish(out, templates.get(i), "burst-" + i, t1);
      }
      out.flush();
      long bucketEnd = Math.floorDiv(t1, BUCKET) * BUCKET + BUCKET;
      for (String window : List.of("10s", InfluxSchema.WINDOW_1H, InfluxSchema.WINDOW_24H)) {
        await().atMost(2, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
            assertThat(overallNps(client, "cx_live", window, bucketEnd)).as("provisional %s point of the open bucket", window)
                .containsEntry("n", (double) burst).containsEntry(InfluxSchema.FIELD_PROVISIONAL, 1.0));
      }
      System.out.printf("open bucket's provisional points visible %d ms after the burst (the job's start included)%n", System.currentTimeMillis() - t1);

      // --- a steady stretch at event time = now ---
      long end = System.currentTimeMillis() + 25_000;
      int sent = burst;
      lastEvent = t1;
      while (System.currentTimeMillis() < end) {
        lastEvent = System.currentTimeMillis();
        publish(out, templates.get(sent % templates.size()), "steady-" + sent, lastEvent);
        sent++;
        out.flush();
        TimeUnit.MILLISECONDS.sleep(50);
      }
      // --- records far enough ahead on every partition to close every bucket so far ---
      long closing = lastEvent + BUCKET + OUT_OF_ORDERNESS.toMillis() + 1_000;
      for (int i = 0; i < 16; i++) {
        publish(out, templates.get(i), "closing-" + i, closing);
      }
      out.flush();
      long lastClosedEnd = Math.floorDiv(lastEvent, BUCKET) * BUCKET + BUCKET;
      await().atMost(2, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        assertThat(overallNps(client, "cx_live", "10s", lastClosedEnd)).containsEntry(InfluxSchema.FIELD_PROVISIONAL, 0.0);
        assertThat(count(client, "cx_live", "\"provisional\" = 1 AND time <= " + lastClosedEnd + "ms")).isZero();
      });
      job.cancel().get(1, TimeUnit.MINUTES);

      // --- the same topic, bounded, without provisional points ---
      StreamExecutionEnvironment bounded = StreamExecutionEnvironment.getExecutionEnvironment();
      SurveyKpiJob.fromArgs(args("cx_final", "--bounded", "--provisional-interval", "PT0S")).configure(bounded);
      bounded.execute("provisional-reference");

      int compared = 0;
      for (String m : MEASUREMENTS) {
        Map<String, Map<String, Object>> a = readAll(client, "cx_live", m, lastClosedEnd);
        Map<String, Map<String, Object>> b = readAll(client, "cx_final", m, lastClosedEnd);
        assertThat(b).as("%s points of the reference run", m).isNotEmpty();
        a.values().forEach(f -> assertThat(f).containsEntry(InfluxSchema.FIELD_PROVISIONAL, 0.0));
        b.values().forEach(f -> assertThat(f).containsEntry(InfluxSchema.FIELD_PROVISIONAL, 0.0));
        assertThat(a).as("%s: live run with provisional points against the run without", m).isEqualTo(b);
        compared += b.size();
      }
      assertThat(compared).isGreaterThan(100);
    } finally {
      if (!job.getJobStatus().get().isGloballyTerminalState()) {
        job.cancel().get(1, TimeUnit.MINUTES);
      }
    }
  }

  /** Generated responses, every one with an NPS answer (so the NPS n counts them all). */
  private static List<SurveyResponse> templates() {
    List<SurveyResponse> out = new ArrayList<>();
    CxSimulation sim = new CxSimulation(SimulationConfig.defaults(3, Instant.parse("2026-03-02T09:00:00Z"), Duration.ofHours(1)));
    while (sim.hasNext() && out.size() < 200) {
      GeneratedRecord r = sim.next();
      if (r.record() instanceof SurveyResponse s) {
        out.add(SurveyResponse.newBuilder(s).setNps(out.size() % 11).build());
      }
    }
    return out;
  }

  private static void publish(KafkaPublisher out, SurveyResponse template, String id, long eventTime) {
    SurveyResponse s = SurveyResponse.newBuilder(template).setResponseId(id).setEventTime(Instant.ofEpochMilli(eventTime)).build();
    out.sendRaw(SURVEYS, id, out.encode(s)); // record timestamp: publish time
  }

  private static Map<String, Double> overallNps(InfluxDB client, String db, String window, long time) {
    QueryResult r = client.query(new Query("SELECT * FROM \"cx_nps\" WHERE \"window\" = '" + window + "' AND \"channel\" = 'all' "
        + "AND \"region\" = 'all' AND \"team\" = 'all' AND \"product\" = 'all' AND time = " + time + "ms", db));
    Map<String, Double> fields = new TreeMap<>();
    if (r.getResults() == null || r.getResults().get(0).getSeries() == null) {
      return fields;
    }
    QueryResult.Series s = r.getResults().get(0).getSeries().get(0);
    List<Object> row = s.getValues().get(0);
    for (int i = 0; i < s.getColumns().size(); i++) {
      if (row.get(i) instanceof Number n && !s.getColumns().get(i).equals("time")) {
        fields.put(s.getColumns().get(i), n.doubleValue());
      }
    }
    return fields;
  }

  private static long count(InfluxDB client, String db, String condition) {
    long total = 0;
    for (String m : MEASUREMENTS) {
      QueryResult r = client.query(new Query("SELECT count(\"n\") FROM \"" + m + "\" WHERE " + condition, db));
      if (r.getResults() != null && r.getResults().get(0).getSeries() != null) {
        total += ((Number) r.getResults().get(0).getSeries().get(0).getValues().get(0).get(1)).longValue();
      }
    }
    return total;
  }

  /** Series tags and time → fields, for the points up to {@code until}. */
  private static Map<String, Map<String, Object>> readAll(InfluxDB client, String db, String measurement, long until) {
    QueryResult r = client.query(new Query("SELECT * FROM \"" + measurement + "\" WHERE time <= " + until + "ms", db),
        TimeUnit.MILLISECONDS);
    Map<String, Map<String, Object>> out = new TreeMap<>();
    if (r.getResults() == null || r.getResults().get(0).getSeries() == null) {
      return out;
    }
    for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
      for (List<Object> row : s.getValues()) {
        Map<String, Object> fields = new TreeMap<>();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < s.getColumns().size(); i++) {
          Object v = row.get(i);
          if (v instanceof String tag) {
            key.append(s.getColumns().get(i)).append('=').append(tag).append(',');
          } else if (v != null && !s.getColumns().get(i).equals("time")) {
            fields.put(s.getColumns().get(i), v);
          }
        }
        out.put(key + "@" + ((Number) row.get(0)).longValue(), fields);
      }
    }
    return out;
  }
}
