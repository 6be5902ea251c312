package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.FreePorts;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.testkit.ListeningSockets;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The survey job's jar on a real standalone Flink cluster — a JobManager and a TaskManager as
 * child processes, started by {@code infra/flink/start-cluster.sh} — against a real Kafka broker
 * and influxd: submitted with {@code infra/flink/flink.sh}, stopped with a savepoint after the
 * first half of its input, resumed from that savepoint with the same jar and options for the
 * second half, and drained. Everything it wrote to InfluxDB must equal what one uninterrupted
 * local-mode run of the same job wrote from the same records; the cluster must listen on
 * loopback only and leave no process behind.
 */
class StandaloneClusterITCase {
  private static final Path FLINK_DIR = Path.of(System.getProperty("cx.flink.dir", "..")).toAbsolutePath().normalize();
  private static final Path JOB_JAR = Path.of(System.getProperty("cx.job.jar", "")).toAbsolutePath().normalize();
  private static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");
  /** Records emitted before this are read before the savepoint, the rest after the resume. */
  private static final Instant CUT = T0.plus(Duration.ofMinutes(45));
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);
  private static final String JOB_CLASS = SurveyKpiJob.class.getName();

  @TempDir
  static Path temp;
  private static Path home;
  private static KafkaBroker kafka;
  private static InfluxServer influx;
  private static List<GeneratedRecord> surveys;

  @BeforeAll
  static void startServers() throws Exception {
    assertThat(JOB_JAR).as("job jar (mvn package builds it in jobs/target)").isRegularFile();
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, Topics.ALL.toArray(String[]::new));
    SimulationConfig simulation = SimulationConfig.defaults(20261126L, T0, Duration.ofMinutes(90))
        .withRate(20)
        .withDisorder(0.05, Duration.ofSeconds(20), 0.0);
    surveys = new ArrayList<>();
    new CxSimulation(simulation).forEachRemaining(r -> {
      if (r.topic().equals(Topics.SURVEYS)) {
        surveys.add(r);
      }
    });
    home = temp.resolve("cluster");
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (home != null && Files.isDirectory(home)) {
        script("stop-cluster.sh", "--home", home.toString());
      }
    } finally {
      for (ProcessHandle p : clusterProcesses()) {
        p.destroyForcibly(); // only if stop-cluster.sh could not
      }
      if (kafka != null) {
        kafka.close();
      }
      if (influx != null) {
        influx.close();
      }
    }
  }

  @Test
  void surveyJobStoppedWithASavepointAndResumedOnTheClusterWritesWhatAnUninterruptedRunWrites() throws Exception {
    publish(true);
    int restPort = FreePorts.next();
    String started = script("start-cluster.sh", "--home", home.toString(),
        "--rest-port", String.valueOf(restPort), "--rpc-port", String.valueOf(FreePorts.next()),
        "--stop-when-gone", String.valueOf(ProcessHandle.current().pid()),
        "-D", "jobmanager.memory.process.size=1024m", "-D", "taskmanager.memory.process.size=1536m");
    assertThat(started).contains("cluster up");
    assertClusterListensOnLoopbackOnly(restPort);

    JobClient reference = startLocalRun("local");
    String first = submit("cluster", null);
    assertThat(get(restPort, "/jobs/" + first + "/checkpoints/config").body()).as("checkpointing from config.yaml")
        .contains("\"state_backend\":\"EmbeddedRocksDBStateBackend\"", "\"mode\":\"exactly_once\"",
            "\"delete_on_cancellation\":false");
    awaitConsumed("cluster");
    assertThat(pointCount("cluster")).as("KPI points the cluster wrote before the savepoint").isPositive();
    String savepoint = stopWithSavepoint(first, false);

    publish(false);
    String resumed = submit("cluster", savepoint);
    awaitConsumed("cluster");
    awaitConsumed("local");
    stopWithSavepoint(resumed, true);
    reference.stopWithSavepoint(true, temp.resolve("local-drain").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(3, TimeUnit.MINUTES);
    reference.getJobExecutionResult().get(3, TimeUnit.MINUTES);

    Map<String, Map<String, Object>> expected = kpiPoints("local");
    assertThat(expected).as("points of the uninterrupted run").hasSizeGreaterThan(1000);
    Map<String, Map<String, Object>> actual = kpiPoints("cluster");
    assertThat(difference(expected.keySet(), actual.keySet())).as("points the cluster did not write").isEmpty();
    assertThat(difference(actual.keySet(), expected.keySet())).as("points only the cluster wrote").isEmpty();
    for (var e : expected.entrySet()) {
      assertThat(actual.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(counters("cluster")).as("pipeline counters").isEqualTo(counters("local")).isNotEmpty();

    List<ProcessHandle> processes = clusterProcesses();
    assertThat(processes).as("JobManager and TaskManager").hasSize(2);
    script("stop-cluster.sh", "--home", home.toString());
    for (ProcessHandle p : processes) {
      assertThat(p.onExit().get(1, TimeUnit.MINUTES).isAlive()).as("pid %d after stop-cluster.sh", p.pid()).isFalse();
    }
  }

  /** The first keys of {@code a} that are not in {@code b}, at most 20. */
  private static List<String> difference(Set<String> a, Set<String> b) {
    return a.stream().filter(k -> !b.contains(k)).limit(20).toList();
  }

  /**
   * The job's options, the same on the cluster and in local mode except group and database. Kafka
   * offsets start from the group's commits (the default), so a resume that lost its state would
   * start after the first half with empty windows, and write other figures.
   */
  private static String[] args(String run) {
    return new String[] {
        "--bootstrap-servers", kafka.bootstrapServers(), "--group-id", run,
        "--influx-url", influx.url(), "--influx-db", "cx_" + run,
        "--checkpoint-interval", "PT1S", "--parallelism", "1", "--stats-interval", "PT1S"};
  }

  private static JobClient startLocalRun(String run) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
    SurveyKpiJob.fromArgs(args(run)).configure(env);
    return env.executeAsync("uninterrupted " + run);
  }

  /** Submits the job jar with flink.sh run -d (from a savepoint when given); returns the job id. */
  private static String submit(String run, String savepoint) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("run", "-d"));
    if (savepoint != null) {
      cmd.addAll(List.of("-s", savepoint));
    }
    cmd.addAll(List.of("-c", JOB_CLASS, JOB_JAR.toString()));
    cmd.addAll(List.of(args(run)));
    return find(flink(cmd.toArray(String[]::new)), "Job has been submitted with JobID ([0-9a-f]{32})");
  }

  /** flink.sh stop: a savepoint, then the job ends (with --drain after a final watermark). */
  private static String stopWithSavepoint(String jobId, boolean drain) throws Exception {
    String dir = temp.resolve("savepoints").toUri().toString();
    String out = drain ? flink("stop", "--drain", "--savepointPath", dir, jobId) : flink("stop", "--savepointPath", dir, jobId);
    return find(out, "Savepoint completed\\. Path: (\\S+)");
  }

  private static String flink(String... args) throws Exception {
    return script("flink.sh", Stream.concat(Stream.of("--home", home.toString()), Stream.of(args)).toArray(String[]::new));
  }

  /** Runs a script of infra/flink and returns its output; fails with that output unless it exits 0. */
  private static String script(String name, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(FLINK_DIR.resolve(name).toString()));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(temp, name, ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(ended && p.exitValue() == 0).as("%s %s ended with 0:%n%s", name, String.join(" ", args), out).isTrue();
    return out;
  }

  private static String find(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    assertThat(m.find()).as("'%s' in:%n%s", regex, output).isTrue();
    return m.group(1);
  }

  /** The JobManager and TaskManagers the scripts started, by their pid files. */
  private static List<ProcessHandle> clusterProcesses() throws Exception {
    List<ProcessHandle> out = new ArrayList<>();
    if (home == null || !Files.isDirectory(home)) {
      return out;
    }
    try (Stream<Path> files = Files.list(home)) {
      for (Path f : files.filter(f -> f.getFileName().toString().matches("(jobmanager|taskmanager-\\d+)\\.pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(f).trim())).filter(ProcessHandle::isAlive).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Every listener of the JobManager and the TaskManager is on loopback; no jar upload through the web. */
  private static void assertClusterListensOnLoopbackOnly(int restPort) throws Exception {
    List<ListeningSockets.Listener> listeners = new ArrayList<>();
    for (ProcessHandle p : clusterProcesses()) {
      listeners.addAll(ListeningSockets.of(p));
    }
    assertThat(listeners).as("listeners of the cluster").extracting(ListeningSockets.Listener::port).contains(restPort);
    assertThat(listeners).as("listeners of the cluster").allMatch(ListeningSockets.Listener::loopback);
    assertThat(get(restPort, "/jars").statusCode()).as("GET /jars with web submission off").isEqualTo(404);
  }

  private static HttpResponse<String> get(int restPort, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Publishes the surveys emitted before {@link #CUT} (first half) or the others, in order. */
  private static void publish(boolean firstHalf) {
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      for (GeneratedRecord r : surveys) {
        if (r.emitTime() < CUT.toEpochMilli() == firstHalf) {
          publisher.send(r);
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).as("publish failures").isZero();
    }
  }

  /** Waits until the group has committed the end of the survey topic (committed on checkpoints). */
  private static void awaitConsumed(String group) {
    TopicPartition surveysPartition = new TopicPartition(Topics.SURVEYS, 0);
    try (Admin admin = Admin.create(kafka.adminProps())) {
      Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
          .alias("offsets committed by " + group)
          .until(() -> {
            long end = admin.listOffsets(Map.of(surveysPartition, OffsetSpec.latest())).all().get()
                .get(surveysPartition).offset();
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .get(surveysPartition);
            return committed != null && committed.offset() >= end;
          });
    }
  }

  private static long pointCount(String run) {
    return kpiPoints(run).size();
  }

  /** measurement, tags and time → fields of every KPI point (not the processing-time pipeline reports). */
  private static Map<String, Map<String, Object>> kpiPoints(String run) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      for (List<Object> m : rows(client.query(new Query("SHOW MEASUREMENTS", "cx_" + run)))) {
        String measurement = (String) m.get(0);
        if (measurement.equals("cx_pipeline") || measurement.equals("cx_sink")) {
          continue; // stamped with processing time; the counters are compared separately
        }
        QueryResult r = client.query(new Query("SELECT * FROM \"" + measurement + "\" GROUP BY *", "cx_" + run),
            TimeUnit.MILLISECONDS);
        for (QueryResult.Series s : series(r)) {
          for (List<Object> row : s.getValues()) {
            Map<String, Object> fields = new TreeMap<>();
            for (int i = 1; i < row.size(); i++) {
              if (row.get(i) != null) {
                fields.put(s.getColumns().get(i), row.get(i));
              }
            }
            out.put(measurement + new TreeMap<>(s.getTags()) + "@" + ((Number) row.get(0)).longValue(), fields);
          }
        }
      }
    }
    return out;
  }

  /** The last value of each cumulative (checkpointed) pipeline counter, per subtask. */
  private static Map<String, Object> counters(String run) {
    Map<String, Object> out = new TreeMap<>();
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      QueryResult r = client.query(new Query("SELECT last(events_total), last(late_total), last(invalid_total), "
          + "last(undecodable_total) FROM cx_pipeline GROUP BY job, subtask", "cx_" + run));
      for (QueryResult.Series s : series(r)) {
        List<Object> row = s.getValues().get(0);
        for (int i = 1; i < row.size(); i++) {
          out.put(s.getTags() + "." + s.getColumns().get(i), row.get(i));
        }
      }
    }
    return out;
  }

  private static List<List<Object>> rows(QueryResult r) {
    List<List<Object>> out = new ArrayList<>();
    for (QueryResult.Series s : series(r)) {
      out.addAll(s.getValues());
    }
    return out;
  }

  private static List<QueryResult.Series> series(QueryResult r) {
    assertThat(r.getError()).isNull();
    List<QueryResult.Series> out = new ArrayList<>();
    for (QueryResult.Result res : r.getResults()) {
      assertThat(res.getError()).isNull();
      if (res.getSeries() != null) {
        out.addAll(res.getSeries());
      }
    }
    return out;
  }
}
