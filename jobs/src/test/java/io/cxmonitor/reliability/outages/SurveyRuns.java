package io.cxmonitor.reliability.outages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * What the outage tests share: a {@link Fixture} (real broker and influxd, one seeded survey input
 * with late, invalid and undecodable records, and an undisturbed run over it), runs of the real
 * survey job over all of that input, their {@link Outcome} (InfluxDB read back whole, final
 * counters, dead letters) compared with the undisturbed one, and the job's restarts as Flink's
 * REST API reports them.
 */
final class SurveyRuns {
  static final String SURVEYS = "outage.surveys";
  /** Counters written with the processing time: compared by their final values, not point by point. */
  static final Set<String> PROCESSING_TIME_MEASUREMENTS =
      Set.of(InfluxSchema.MEASUREMENT_PIPELINE, InfluxSchema.MEASUREMENT_SINK);
  private static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");

  private SurveyRuns() {}

  /**
   * Publishes {@code span} of seeded simulated surveys ({@code ticketsPerMinute} sets the volume),
   * with an undecodable and an invalid record every few hundred and, every 10 surveys, 16 KB of
   * random bytes (undecodable too) that make the input several MB, more than a consumer fetches
   * at once; returns each record's value size, by offset.
   */
  private static List<Integer> publish(KafkaBroker kafka, long seed, Duration span, double ticketsPerMinute) {
    SimulationConfig config = SimulationConfig.defaults(seed, T0, span)
        .withRate(ticketsPerMinute)
        .withDisorder(0.1, Duration.ofSeconds(20), 0.02);
    Random random = new Random(seed);
    List<Integer> sizes = new ArrayList<>();
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      BiConsumer<String, byte[]> send = (key, value) -> {
        publisher.sendRaw(SURVEYS, key, value);
        sizes.add(value.length);
      };
      CxSimulation sim = new CxSimulation(config);
      int surveys = 0;
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (!(r.record() instanceof SurveyResponse s)) {
          continue;
        }
        send.accept(r.key(), publisher.encode(s));
        surveys++;
        if (surveys % 10 == 0) {
          byte[] padding = new byte[16 * 1024];
          random.nextBytes(padding);
          padding[0] = 0; // not the single-object marker
          send.accept(r.key(), padding);
        }
        if (surveys % 400 == 0) {
          send.accept(r.key(), "{\"nps\": 10}".getBytes(StandardCharsets.UTF_8));
        }
        if (surveys % 700 == 0) {
          send.accept(r.key(), publisher.encode(
              SurveyResponse.newBuilder(s).setResponseId(s.getResponseId() + "-bad").setNps(11).build()));
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).isZero();
      assertThat(surveys).as("surveys published").isGreaterThan(1_000);
    }
    return sizes;
  }

  /**
   * Starts the survey job over everything published (bounded, from the earliest offset) with the
   * options a deployment uses, writing to {@code influxUrl}/{@code db}; returns without waiting.
   */
  static JobClient start(KafkaBroker kafka, String influxUrl, String db, String deadLetterTopic) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    SurveyKpiJob.fromArgs(
        "--bootstrap-servers", kafka.bootstrapServers(), "--topic", SURVEYS, "--dead-letter-topic", deadLetterTopic,
        "--group-id", groupId(db), "--start-from", "EARLIEST", "--bounded",
        "--influx-url", influxUrl, "--influx-db", db,
        "--out-of-orderness", "PT30S", "--checkpoint-interval", "PT1S", "--parallelism", "2")
        .configure(env);
    return env.executeAsync("survey-kpi-" + db);
  }

  /**
   * A real broker and influxd, the seeded input on the broker, and the undisturbed run over it
   * (database and dead-letter topic {@value #REFERENCE}) that a faulty run is compared with.
   */
  static final class Fixture implements AutoCloseable {
    static final String REFERENCE = "reference";
    final KafkaBroker kafka;
    final InfluxServer influx;
    /** Records on the input topic. */
    final int published;
    private final List<Integer> sizes;
    final Outcome reference;

    private Fixture(KafkaBroker kafka, InfluxServer influx, List<Integer> sizes, Outcome reference) {
      this.kafka = kafka;
      this.influx = influx;
      this.published = sizes.size();
      this.sizes = sizes;
      this.reference = reference;
    }

    /** Starts the servers, publishes an hour of input from {@code seed} and runs the job over it undisturbed. */
    static Fixture start(long seed, String... runs) throws Exception {
      KafkaBroker kafka = KafkaBroker.start();
      InfluxServer influx = null;
      try {
        influx = InfluxServer.start();
        kafka.createTopics(1, SURVEYS, deadLetters(REFERENCE));
        for (String run : runs) {
          kafka.createTopics(1, deadLetters(run));
        }
        List<Integer> sizes = publish(kafka, seed, Duration.ofHours(1), 1_000);
        SurveyRuns.start(kafka, influx.url(), REFERENCE, deadLetters(REFERENCE)).getJobExecutionResult().get(5, TimeUnit.MINUTES);
        Outcome reference = Outcome.read(kafka, influx.url(), REFERENCE, deadLetters(REFERENCE));
        assertThat(reference.points()).as("reference points").hasSizeGreaterThan(20_000);
        assertThat(reference.deadLetters()).as("reference dead letters").hasSizeGreaterThan(10);
        return new Fixture(kafka, influx, sizes, reference);
      } catch (Exception | AssertionError e) {
        kafka.close();
        if (influx != null) {
          influx.close();
        }
        throw e;
      }
    }

    /** Starts the job for run {@code run}: database {@code run}, dead letters to {@link #deadLetters}. */
    JobClient startRun(String run, String influxUrl) throws Exception {
      return SurveyRuns.start(kafka, influxUrl, run, deadLetters(run));
    }

    /** What run {@code run} left behind equals the reference: every series, point, field, counter and dead letter. */
    void assertSameAsReference(String run) {
      Outcome.read(kafka, influx.url(), run, deadLetters(run)).assertSameAs(reference);
    }

    /** Run {@code run}'s committed offset of the input (its consumer group's), 0 before its first checkpoint. */
    long committedOffset(String run) throws Exception {
      try (Admin admin = Admin.create(kafka.adminProps())) {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(groupId(run)).partitionsToOffsetAndMetadata().get()
            .get(new TopicPartition(SURVEYS, 0));
        return o == null ? 0 : o.offset();
      }
    }

    /** Bytes of the record values from {@code offset} to the end of the input. */
    long bytesFrom(long offset) {
      return sizes.subList((int) Math.min(offset, sizes.size()), sizes.size()).stream().mapToLong(Integer::longValue).sum();
    }

    static String deadLetters(String run) {
      return "dlq." + run;
    }

    @Override
    public void close() {
      try {
        kafka.close();
      } finally {
        influx.close();
      }
    }
  }

  /** What a run left behind, as far as it must not depend on faults during the run. */
  record Outcome(Set<String> measurements, Map<String, Map<String, Object>> points, Map<String, Double> pipelineCounters,
      Set<String> deadLetters) {

    /**
     * Reads every point of {@code db} except the processing-time counters, the final value of each
     * subtask's pipeline counters, and the distinct dead letters on {@code deadLetterTopic}.
     */
    static Outcome read(KafkaBroker kafka, String influxUrl, String db, String deadLetterTopic) {
      return new Outcome(SurveyRuns.measurements(influxUrl, db), SurveyRuns.points(influxUrl, db, PROCESSING_TIME_MEASUREMENTS),
          lastValues(influxUrl, db, InfluxSchema.MEASUREMENT_PIPELINE, InfluxSchema.FIELD_EVENTS_TOTAL,
              InfluxSchema.FIELD_LATE_TOTAL, InfluxSchema.FIELD_INVALID_TOTAL, InfluxSchema.FIELD_UNDECODABLE_TOTAL),
          distinctDeadLetters(kafka, deadLetterTopic));
    }

    /** Every series, point and field equal, the same final counters and the same dead letters. */
    void assertSameAs(Outcome undisturbed) {
      assertThat(measurements).as("measurements").isEqualTo(undisturbed.measurements);
      assertThat(points.keySet()).as("series and times of every point").isEqualTo(undisturbed.points.keySet());
      for (Map.Entry<String, Map<String, Object>> p : undisturbed.points.entrySet()) {
        assertThat(points.get(p.getKey())).as("fields of %s", p.getKey()).isEqualTo(p.getValue());
      }
      assertThat(pipelineCounters).as("final pipeline counters per subtask").isEqualTo(undisturbed.pipelineCounters);
      assertThat(deadLetters).as("dead letters (distinct)").isEqualTo(undisturbed.deadLetters);
    }
  }

  private static String groupId(String run) {
    return "outage-" + run;
  }

  /**
   * Every point of every measurement in {@code db}, keyed {@code measurement|tags|time}, with its
   * fields; measurements in {@code skip} are left out.
   */
  static Map<String, Map<String, Object>> points(String influxUrl, String db, Set<String> skip) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    try (InfluxDB client = InfluxDBFactory.connect(influxUrl)) {
      for (String measurement : measurements(client, db)) {
        if (skip.contains(measurement)) {
          continue;
        }
        QueryResult r = client.query(new Query("SELECT * FROM \"" + measurement + "\" GROUP BY *", db), TimeUnit.MILLISECONDS);
        for (QueryResult.Series s : series(r)) {
          String tags = new TreeMap<>(s.getTags() == null ? Map.<String, String>of() : s.getTags()).toString();
          for (List<Object> row : s.getValues()) {
            Map<String, Object> fields = new TreeMap<>();
            for (int i = 1; i < s.getColumns().size(); i++) {
              if (row.get(i) != null) {
                fields.put(s.getColumns().get(i), row.get(i));
              }
            }
            Object previous = out.put(measurement + "|" + tags + "|" + ((Number) row.get(0)).longValue(), fields);
            assertThat(previous).as("one point per series and time").isNull();
          }
        }
      }
    }
    return out;
  }

  static Set<String> measurements(String influxUrl, String db) {
    try (InfluxDB client = InfluxDBFactory.connect(influxUrl)) {
      return measurements(client, db);
    }
  }

  private static Set<String> measurements(InfluxDB client, String db) {
    Set<String> names = new TreeSet<>();
    for (QueryResult.Series s : series(client.query(new Query("SHOW MEASUREMENTS", db)))) {
      s.getValues().forEach(row -> names.add((String) row.get(0)));
    }
    return names;
  }

  /**
   * A field's last value per {@code job}/{@code subtask} series of a counter measurement
   * ({@code cx_pipeline}, {@code cx_sink}): the counters as they stood at the end of the run.
   */
  static Map<String, Double> lastValues(String influxUrl, String db, String measurement, String... fields) {
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < fields.length; i++) {
      select.append(i == 0 ? "" : ", ").append("last(\"").append(fields[i]).append("\") AS \"").append(fields[i]).append('"');
    }
    select.append(" FROM \"").append(measurement).append("\" GROUP BY \"job\", \"subtask\"");
    Map<String, Double> out = new TreeMap<>();
    try (InfluxDB client = InfluxDBFactory.connect(influxUrl)) {
      for (QueryResult.Series s : series(client.query(new Query(select.toString(), db)))) {
        List<Object> row = s.getValues().get(0);
        for (int i = 1; i < s.getColumns().size(); i++) {
          out.put(s.getTags() + "." + s.getColumns().get(i), row.get(i) == null ? null : ((Number) row.get(i)).doubleValue());
        }
      }
    }
    return out;
  }

  /** Sum of a field's last values over the job's subtasks. */
  static double sumOfLast(String influxUrl, String db, String measurement, String field) {
    return lastValues(influxUrl, db, measurement, field).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static List<QueryResult.Series> series(QueryResult r) {
    assertThat(r.getError()).isNull();
    QueryResult.Result result = r.getResults().get(0);
    assertThat(result.getError()).isNull();
    return result.getSeries() == null ? List.of() : result.getSeries();
  }

  /**
   * Distinct dead letters (kind, reason, source partition and offset): what was dead-lettered,
   * whatever was repeated. The watermark a LATE reason quotes is left out: it is the operator's
   * watermark when the record came, which periodic emission moves in processing time (the decision
   * depends only on the minute it closed, which is deterministic).
   */
  static Set<String> distinctDeadLetters(KafkaBroker kafka, String topic) {
    Set<String> out = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic)) {
      String reason = KafkaBroker.header(r, DeadLetter.HEADER_REASON).replaceAll("by watermark \\S+", "by watermark _");
      out.add(KafkaBroker.header(r, DeadLetter.HEADER_KIND) + "|" + reason + "|"
          + KafkaBroker.header(r, DeadLetter.HEADER_PARTITION) + "|" + KafkaBroker.header(r, DeadLetter.HEADER_OFFSET));
    }
    return out;
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How often the job failed and was restarted: the entries of its exception history, which
   * Flink's REST API keeps for running and finished jobs ({@code GET /jobs/<id>/exceptions}).
   */
  static int failures(URI rest, JobID job) throws IOException, InterruptedException {
    JsonNode history = get(rest, "/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries");
    assertThat(history.isArray()).as("exception history of %s", job).isTrue();
    return history.size();
  }

  /**
   * The job's {@code numRestarts} metric while it runs ({@code GET /jobs/<id>/metrics?get=numRestarts};
   * the REST endpoint fetches metrics in the background, so the first answers may be empty).
   */
  static long numRestarts(URI rest, JobID job) {
    return await("numRestarts metric of " + job).atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
        .until(() -> get(rest, "/jobs/" + job + "/metrics?get=numRestarts"), m -> m.isArray() && m.size() == 1)
        .get(0).path("value").asLong();
  }

  /** Cancels the job if it is still running (a failed test must not leave it holding the MiniCluster's slots). */
  static void cancelIfRunning(JobClient job) {
    try {
      if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
        job.cancel().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      System.err.println("could not cancel " + job.getJobID() + ": " + e);
    }
  }

  private static JsonNode get(URI rest, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(rest.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
