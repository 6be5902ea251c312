package io.cxmonitor.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.reliability.InfluxContents;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A savepoint written by the previous release restores into the current code and loses nothing:
 * each KPI job is resumed from its checked-in savepoint ({@code savepoints/pre-layout}, taken
 * after the first batch of records) and reads the second batch; an uninterrupted run of the
 * current code reads both. Every point whose window closed after the savepoint must be the same
 * in both runs — the 1h and 24h windows and the gauges after the cut hold batch-1 events only
 * through the restored state — and the checkpointed pipeline counters must end equal.
 */
class SavepointUpgradeITCase {
  private static final String FIXTURE = "/savepoints/pre-layout/";

  private static KafkaBroker kafka;
  private static InfluxServer influx;
  private static List<SavepointFixture.Record> records;

  @BeforeAll
  static void publishBothBatches() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, Topics.ALL.toArray(String[]::new));
    try (InputStream in = SavepointUpgradeITCase.class.getResourceAsStream(FIXTURE + SavepointFixture.RECORDS)) {
      records = SavepointFixture.readRecords(in);
    }
    SavepointFixture.publish(kafka.bootstrapServers(), records, 2);
  }

  @AfterAll
  static void stopServers() {
    if (kafka != null) {
      kafka.close();
    }
    if (influx != null) {
      influx.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"surveys", "service", "churn"})
  void resumedFromTheOldSavepointWritesWhatAnUninterruptedRunWrites(String job) throws Exception {
    Path savepoint = Paths.get(SavepointUpgradeITCase.class.getResource(FIXTURE + job + "/_metadata").toURI()).getParent();
    String clean = "clean-" + job;
    String restored = "restored-" + job;
    JobClient cleanRun = start(job, clean, null);
    JobClient restoredRun = start(job, restored, savepoint);
    SavepointFixture.awaitConsumed(kafka, clean, List.of(job));
    SavepointFixture.awaitConsumed(kafka, restored, List.of(job));
    drain(cleanRun);
    drain(restoredRun);

    long cut = lastBatchOneEventTime(job);
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      List<String> measurements = InfluxContents.measurements(client, db(clean));
      assertThat(measurements).as("measurements written by %s", job).isNotEmpty();
      int compared = 0;
      for (String m : measurements) {
        if (m.equals("cx_pipeline") || m.equals("cx_sink")) {
          continue; // stamped with processing time; the counters are compared below
        }
        Map<String, Map<String, Object>> expected = pointsAfter(client, db(clean), m, cut);
        Map<String, Map<String, Object>> actual = pointsAfter(client, db(restored), m, cut);
        assertThat(actual.keySet()).as("%s points after the savepoint (%s)", m, job)
            .containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (var e : expected.entrySet()) {
          if (spansTheRestore(e.getKey())) {
            assertThat(withoutAddedSinceTheSavepoint(m, actual.get(e.getKey()))).as("%s %s", m, e.getKey())
                .isEqualTo(withoutAddedSinceTheSavepoint(m, e.getValue()));
          } else {
            assertThat(actual.get(e.getKey())).as("%s %s", m, e.getKey()).isEqualTo(e.getValue());
          }
        }
        compared += expected.size();
      }
      assertThat(compared).as("points compared for %s", job).isGreaterThan(500);
      assertThat(counters(client, db(restored))).as("pipeline counters of %s", job)
          .isEqualTo(counters(client, db(clean))).isNotEmpty();
    }
  }

  /**
   * Figures this release added (forward repeat, provisional FCR, anonymous contacts, closes per
   * reason): the savepoint's state has none of the events before it, so a rolling window that holds
   * events from both sides of the restore counts only those after it. One-bucket windows after
   * the restore hold none from before and are compared whole.
   */
  private static final java.util.regex.Pattern ADDED_SINCE_THE_SAVEPOINT =
      java.util.regex.Pattern.compile("fcr_provisional_.*|anonymous_contacts|closed_(?!stale$).*");

  private static boolean spansTheRestore(String seriesAndTime) {
    return !seriesAndTime.contains("window=1m");
  }

  private static Map<String, Object> withoutAddedSinceTheSavepoint(String measurement, Map<String, Object> fields) {
    if (fields == null || measurement.equals("cx_repeat_forward")) {
      return fields == null ? null : Map.of();
    }
    Map<String, Object> kept = new HashMap<>(fields);
    kept.keySet().removeIf(k -> ADDED_SINCE_THE_SAVEPOINT.matcher(k).matches());
    return kept;
  }

  private static JobClient start(String job, String run, Path savepoint) throws Exception {
    // Each run on a MiniCluster of its own (a local environment starts one per job): when the
    // churn runs shared one cluster with the finished service runs, one of them never got splits.
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
    // Checkpoints on disk: the churn job's state outgrows the 5 MB of JobManager-memory checkpoints.
    String[] args = Stream.concat(Arrays.stream(SavepointFixture.args(job, kafka.bootstrapServers(), influx.url(), run)),
        Stream.of("--checkpoint-dir", Files.createTempDirectory("checkpoints-" + run).toUri().toString())).toArray(String[]::new);
    switch (job) {
      case "surveys" -> SurveyKpiJob.fromArgs(args).configure(env);
      case "service" -> ServiceKpiJob.fromArgs(args).configure(env);
      default -> ChurnKpiJob.fromArgs(args).configure(env);
    }
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(run);
    if (savepoint != null) {
      // allowNonRestoredState = false: every operator state in the savepoint must find its uid
      graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint.toUri().toString(), false));
    }
    return env.executeAsync(graph);
  }

  /** Stops with a final watermark, so every window closes and is written, as at the end of input. */
  private static void drain(JobClient run) throws Exception {
    Path dir = Files.createTempDirectory("drain");
    run.stopWithSavepoint(true, dir.toUri().toString(), SavepointFormatType.CANONICAL).get(3, TimeUnit.MINUTES);
    run.getJobExecutionResult().get(3, TimeUnit.MINUTES);
  }

  private static String db(String run) {
    return "cx_" + run.replace('-', '_');
  }

  /** The latest event time among the batch-1 records the job read. */
  private static long lastBatchOneEventTime(String job) throws WireFormat.DecodeException {
    List<String> topics = SavepointFixture.topicsOf(job);
    long last = Long.MIN_VALUE;
    for (SavepointFixture.Record r : records) {
      if (r.batch() == 1 && topics.contains(r.topic())) {
        last = Math.max(last, eventTime(r));
      }
    }
    return last;
  }

  private static long eventTime(SavepointFixture.Record r) throws WireFormat.DecodeException {
    return switch (r.topic()) {
      case Topics.SURVEYS -> WireFormat.surveys().decode(r.value(), null).getEventTime().toEpochMilli();
      case Topics.INTERACTIONS -> WireFormat.interactions().decode(r.value(), null).getEventTime().toEpochMilli();
      case Topics.LIFECYCLE -> WireFormat.lifecycle().decode(r.value(), null).getEventTime().toEpochMilli();
      default -> WireFormat.followUpsDone().decode(r.value(), null).getDoneAt().toEpochMilli();
    };
  }

  /** tags + time → fields of every point of {@code measurement} later than {@code after}. */
  private static Map<String, Map<String, Object>> pointsAfter(InfluxDB client, String db, String measurement, long after) {
    return InfluxContents.pointFields(client, db, "SELECT * FROM \"" + measurement + "\" WHERE time > " + after + "ms GROUP BY *");
  }

  /** The last value of each cumulative pipeline counter, summed over subtasks, per job tag. */
  private static Map<String, Object> counters(InfluxDB client, String db) {
    Map<String, Object> out = new TreeMap<>();
    QueryResult r = client.query(new Query("SELECT last(events_total), last(late_total), last(invalid_total), "
        + "last(undecodable_total) FROM cx_pipeline GROUP BY job, subtask", db));
    for (QueryResult.Result res : r.getResults()) {
      if (res.getSeries() == null) {
        continue;
      }
      for (QueryResult.Series s : res.getSeries()) {
        List<Object> row = s.getValues().get(0);
        for (int i = 1; i < row.size(); i++) {
          out.merge(s.getTags().get("job") + "." + s.getColumns().get(i), ((Number) row.get(i)).doubleValue(),
              (a, b) -> (Double) a + (Double) b);
        }
      }
    }
    return out;
  }
}
