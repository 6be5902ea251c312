package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.reliability.InfluxContents;
import io.cxmonitor.service.ServiceInfluxNames;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import io.cxmonitor.upgrade.SavepointFixture;
import io.cxmonitor.upgrade.UpgradeComparison;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upgrades and rescaling on a real standalone cluster — a JobManager and 2 TaskManagers with 2
 * slots each, child processes started by {@code infra/flink/start-cluster.sh} — against a real
 * Kafka broker and influxd, every job submitted and stopped with {@code infra/flink/flink.sh}:
 * <ul>
 *   <li>the previous release's savepoints ({@code savepoints/pre-layout} of the jobs' tests,
 *       written by that release's code at parallelism 1, max parallelism 128) restored into
 *       today's job jar at {@code -p 4}, so each keyed state is split by key group over 4
 *       subtasks on 2 TaskManagers, compared as {@code SavepointUpgradeITCase} compares the
 *       same restore on a MiniCluster, with an uninterrupted run at parallelism 4;</li>
 *   <li>the service job (tickets, repeat contacts, rolling windows: the most keyed state) at
 *       parallelism 2 over the first half of a 4-partition topic, stopped with a savepoint,
 *       resumed from it at parallelism 4 for the second half and drained: every KPI point and
 *       field and the counters equal to one uninterrupted run at parallelism 4;</li>
 *   <li>version N on the cluster: the service job jar of an earlier commit, built from git
 *       history ({@link PreviousRelease}), over the first half of another topic at parallelism 2,
 *       stopped with a savepoint, and today's jar resumed from it for the second half: every KPI
 *       point and field and every counter, derived facts included, equal to one uninterrupted run
 *       of today's code at parallelism 2.</li>
 * </ul>
 * Every listener of the cluster is on loopback, and stop-cluster.sh leaves no process behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterUpgradeAndRescaleITCase {
  private static final String FIXTURE = "/savepoints/pre-layout/";
  /** The fixture's topics have one partition: its savepoints hold the offsets of partition 0. */
  private static final int FIXTURE_PARTITIONS = 1;
  private static final String RESCALE_TOPIC = "cx.interactions.rescale";
  private static final int RESCALE_PARTITIONS = 4;
  private static final String UPGRADE_TOPIC = "cx.interactions.upgrade";
  /**
   * Version N of the upgrade test: the last commit before RollingWindows kept its corrections in a
   * MapState (9c7347c), so today's jar restores a savepoint without that state.
   */
  private static final String PREVIOUS_RELEASE = "eb9a3ac13d7bf37cd5c89ddd701802f1f1c96550";
  private static final Instant T0 = Instant.parse("2026-03-09T07:00:00Z");
  /** Interactions emitted before this are read at parallelism 2, the rest at 4. */
  private static final Instant CUT = T0.plus(Duration.ofMinutes(70));
  /** What Flink derives for an operator of parallelism up to 85 when the job does not set it. */
  private static final int DEFAULT_MAX_PARALLELISM = 128;

  @TempDir
  static Path temp;
  private static StandaloneCluster cluster;
  private static KafkaBroker kafka;
  private static InfluxServer influx;
  private static List<SavepointFixture.Record> fixtureRecords;
  private static List<GeneratedRecord> interactions;

  @BeforeAll
  static void startServersAndCluster() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(FIXTURE_PARTITIONS, Topics.ALL.toArray(String[]::new));
    kafka.createTopics(RESCALE_PARTITIONS, RESCALE_TOPIC, UPGRADE_TOPIC);
    try (InputStream in = SavepointFixture.class.getResourceAsStream(FIXTURE + SavepointFixture.RECORDS)) {
      fixtureRecords = SavepointFixture.readRecords(in);
    }
    SavepointFixture.publish(kafka.bootstrapServers(), fixtureRecords, 2);
    cluster = new StandaloneCluster(temp, 2);
    cluster.start();
    cluster.assertListensOnLoopbackOnly();
  }

  @AfterAll
  static void stopEverything() throws Exception {
    StandaloneCluster.stopAll(cluster, kafka, influx);
  }

  @Order(1)
  @ParameterizedTest
  @ValueSource(strings = {"service", "surveys", "churn"})
  void savepointOfThePreviousReleaseRestoresIntoTodaysJarOnTheClusterAtParallelism4(String job) throws Exception {
    String clean = "clean-" + job;
    String restored = "cluster-" + job;
    // The uninterrupted run in local mode at the restored run's parallelism, not at the fixture's 1:
    // at the end of input a deadline decides only if it is before the latest event time its own
    // subtask has seen (EventTimeHorizon), so the SLA breaches and stale closes of the last minutes
    // depend on which keys share a subtask.
    String[] cleanArgs = withParallelism(SavepointFixture.args(job, kafka.bootstrapServers(), influx.url(), clean), 0);
    JobClient cleanRun = startBounded(job, withCheckpointDir(cleanArgs, clean), 4);
    // The fixture's command line, but the parallelism from flink run -p: --parallelism 0 keeps the client's.
    String[] clusterArgs = withParallelism(SavepointFixture.args(job, kafka.bootstrapServers(), influx.url(), restored), 0);
    String id = cluster.submit(SavepointFixture.jobClass(job), fixtureSavepoint(job).toUri().toString(), 4, clusterArgs);
    assertVertices(id, 4);

    SavepointFixture.awaitConsumed(kafka, restored, List.of(job));
    cluster.stopWithSavepoint(id, true);
    cleanRun.getJobExecutionResult().get(5, TimeUnit.MINUTES);

    // Every KPI point after the savepoint and every counter of input records compare exactly; the
    // service job's count of derived facts is not comparable across releases (see UpgradeComparison.countsInput).
    UpgradeComparison.assertRestoredRunWroteWhatTheCleanRunWrote(influx.url(), job, fixtureRecords, db(clean), db(restored));
  }

  @Order(2)
  @Test
  void serviceJobStoppedAtParallelism2AndResumedAt4WritesWhatAnUninterruptedRunAt4Writes() throws Exception {
    // The counters are operator list state kept per subtask: at the rescale Flink hands the 2
    // subtasks' entries to 2 of the 4 new subtasks, so per subtask the runs differ by design;
    // their totals per job must not.
    stopWithSavepointAndResume(RESCALE_TOPIC, StandaloneCluster.JOB_JAR, 2, 4, "rescaled", "rescaled from 2 to 4 on the cluster",
        contents -> contents);
  }

  /**
   * Version N on the cluster: the job jar of {@link #PREVIOUS_RELEASE}, built from git history,
   * reads the first half and is stopped with a savepoint; today's jar resumes from it (its
   * RollingWindows has a MapState the savepoint lacks) and reads the rest. Every KPI point and
   * every counter total, the derived facts included, equal an uninterrupted run of today's code.
   */
  @Order(3)
  @Test
  void previousReleaseStoppedWithASavepointAndTodaysJarResumedFromItWriteWhatTodaysJarWritesUninterrupted() throws Exception {
    Path previousJar = PreviousRelease.jobJar(PREVIOUS_RELEASE, "the release before RollingWindows kept corrections in MapState",
        temp.resolve("previous-release"));
    stopWithSavepointAndResume(UPGRADE_TOPIC, previousJar, 2, 2, "upgraded", "previous release upgraded to today's on the cluster",
        ClusterUpgradeAndRescaleITCase::withoutProvisionalForwardRepeatsOfTheFirstHalf);
  }

  /**
   * What the runs of the upgrade test must agree on: all but the provisional forward-repeat points
   * and the zero channel-pair points stamped in the first half, and the first half's points without
   * the provisional marker, which the previous release did not write. Those the previous release wrote itself, by its own rule: it merged
   * a correction (a contact's forward repeat, known a bucket or more after the contact) into the
   * windows when it arrived, so its provisional points depended on timing; since 9c7347c a
   * correction applies at the end of the bucket it became known in. The final forward-repeat
   * points, and every point after the first half, were written by today's jar and are compared.
   */
  /** The final marker in a point's fields as text ({@code InfluxContents}: a sorted map's toString). */
  private static final java.util.regex.Pattern FINAL_MARKER =
      java.util.regex.Pattern.compile(", provisional=0\\.0(?=[,}])|(?<=\\{)provisional=0\\.0, ");

  private static boolean stampedInFirstHalf(String point) {
    return Long.parseLong(point.substring(point.lastIndexOf('@') + 1)) <= CUT.toEpochMilli();
  }

  private static InfluxContents withoutProvisionalForwardRepeatsOfTheFirstHalf(InfluxContents contents) {
    Map<String, Map<String, String>> kpis = new java.util.TreeMap<>();
    // The previous release wrote no provisional marker: the first half's points compare without it
    // (today's final points carry provisional = 0; a provisional one left over would carry 1 and differ).
    contents.kpis().forEach((measurement, points) -> {
      Map<String, String> compared = new java.util.TreeMap<>();
      points.forEach((point, fields) -> compared.put(point, stampedInFirstHalf(point)
          ? FINAL_MARKER.matcher(fields).replaceAll("") : fields));
      kpis.put(measurement, compared);
    });
    Map<String, String> forward = new java.util.TreeMap<>(kpis.get(ServiceInfluxNames.MEASUREMENT_REPEAT_FORWARD));
    forward.keySet().removeIf(point -> point.contains(ServiceInfluxNames.TAG_STATUS + "=" + ServiceInfluxNames.STATUS_PROVISIONAL)
        && Long.parseLong(point.substring(point.lastIndexOf('@') + 1)) <= CUT.toEpochMilli());
    kpis.put(ServiceInfluxNames.MEASUREMENT_REPEAT_FORWARD, forward);
    // The previous release wrote every channel pair, zeros included; today's writes a pair where it
    // is not zero (or, in a rolling window, has just become zero). The pairs that are not zero compare.
    Map<String, String> pairs = new java.util.TreeMap<>(kpis.getOrDefault(ServiceInfluxNames.MEASUREMENT_REPEAT_PAIRS, Map.of()));
    pairs.entrySet().removeIf(point -> point.getValue().matches("\\{n=0(\\.0)?}")
        && Long.parseLong(point.getKey().substring(point.getKey().lastIndexOf('@') + 1)) <= CUT.toEpochMilli());
    kpis.put(ServiceInfluxNames.MEASUREMENT_REPEAT_PAIRS, pairs);
    return new InfluxContents(kpis, contents.finalCounters());
  }

  /**
   * The service job from {@code firstJar} at {@code firstParallelism} over the first half of
   * {@code topic}, stopped with a savepoint (no drain); today's jar resumed from it at
   * {@code parallelism} for the second half and drained. Compared with an uninterrupted local run
   * of today's code over both halves at {@code parallelism}: every KPI point and field, and every
   * counter summed over subtasks.
   */
  private static void stopWithSavepointAndResume(String topic, Path firstJar, int firstParallelism, int parallelism, String run,
      String description, UnaryOperator<InfluxContents> compared) throws Exception {
    String job = ServiceKpiJob.class.getName();
    String uninterruptedRun = run + "-uninterrupted";
    publish(topic, true);
    String first = cluster.submit(firstJar, job, null, firstParallelism, serviceArgs(topic, run));
    assertVertices(first, firstParallelism);
    KafkaProgress.awaitConsumed(kafka, run, topic);
    assertThat(InfluxContents.read(influx.url(), db(run)).pointCount()).as("points written by %s before the savepoint", firstJar)
        .isPositive();
    String savepoint = cluster.stopWithSavepoint(first, false);

    publish(topic, false);
    // The uninterrupted run reads both halves at once, in local mode at the resumed run's parallelism.
    JobClient uninterrupted = startBounded("service", serviceArgs(topic, uninterruptedRun), parallelism);
    String resumed = cluster.submit(job, savepoint, parallelism, serviceArgs(topic, run));
    assertVertices(resumed, parallelism);
    KafkaProgress.awaitConsumed(kafka, run, topic);
    cluster.stopWithSavepoint(resumed, true);
    uninterrupted.getJobExecutionResult().get(5, TimeUnit.MINUTES);

    InfluxContents expected = compared.apply(InfluxContents.read(influx.url(), db(uninterruptedRun)));
    assertThat(expected.pointCount()).as("points of the uninterrupted run").isGreaterThan(1000);
    compared.apply(InfluxContents.read(influx.url(), db(run))).assertSameKpisAs(expected, description);
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      Map<String, Object> totals = UpgradeComparison.counterTotals(client, db(uninterruptedRun));
      assertThat(totals).as("counters of the uninterrupted run")
          .containsEntry("interactions.events_total", (double) interactions().size())
          .hasEntrySatisfying("interactions.facts.events_total", facts -> assertThat((Double) facts).isPositive());
      assertThat(UpgradeComparison.counterTotals(client, db(run))).as("counter totals, %s", description).isEqualTo(totals);
    }
  }

  @Order(4)
  @Test
  void clusterStopsWithoutLeavingAProcessBehind() throws Exception {
    cluster.stopAndAssertNoProcessLeft();
  }

  /**
   * Every vertex of job {@code id} runs at {@code parallelism}, over the key groups of the default
   * max parallelism (the jobs set none; a restored job keeps its savepoint's).
   */
  private static void assertVertices(String id, int parallelism) throws Exception {
    JsonNode vertices = new ObjectMapper().readTree(cluster.get("/jobs/" + id).body()).path("vertices");
    assertThat(vertices.size()).as("vertices of %s", id).isPositive();
    for (JsonNode v : vertices) {
      assertThat(v.path("parallelism").asInt()).as("parallelism of %s", v.path("name")).isEqualTo(parallelism);
      assertThat(v.path("maxParallelism").asInt()).as("max parallelism of %s", v.path("name")).isEqualTo(DEFAULT_MAX_PARALLELISM);
    }
  }

  /**
   * The service job's options for the rescale and upgrade runs; no --parallelism, so {@code flink run -p}
   * decides. Offsets start from the group's commits (the default): a resume that lost its state
   * would start after the first half with empty windows, and write other figures.
   */
  private static String[] serviceArgs(String topic, String run) {
    return new String[] {
        "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--group-id", run,
        "--influx-url", influx.url(), "--influx-db", db(run),
        "--checkpoint-interval", "PT1S", "--stats-interval", "PT1S"};
  }

  /** Two hours of generated interactions, a few of them out of order (the same for every run). */
  private static synchronized List<GeneratedRecord> interactions() {
    if (interactions == null) {
      List<GeneratedRecord> out = new ArrayList<>();
      new CxSimulation(SimulationConfig.defaults(20261127L, T0, Duration.ofHours(2)).withRate(20)
          .withDisorder(0.05, Duration.ofSeconds(20), 0.0))
          .forEachRemaining(r -> {
            if (r.topic().equals(Topics.INTERACTIONS)) {
              out.add(r);
            }
          });
      interactions = out;
    }
    return interactions;
  }

  /** Publishes to {@code topic} the interactions emitted before {@link #CUT} (first half) or the others, in order, keyed as generated. */
  private static void publish(String topic, boolean firstHalf) {
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      for (GeneratedRecord r : interactions()) {
        if (r.emitTime() < CUT.toEpochMilli() == firstHalf) {
          publisher.sendRaw(topic, r.key(), publisher.encode(r.record()));
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).as("publish failures").isZero();
    }
  }

  /**
   * An uninterrupted local-mode run over everything published so far ({@code --bounded}): at the end
   * of its input its final watermark closes every window, as the drain does on the cluster.
   */
  private static JobClient startBounded(String job, String[] args, int parallelism) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
    SavepointFixture.configure(job, Stream.concat(Arrays.stream(args), Stream.of("--bounded")).toArray(String[]::new), env);
    return env.executeAsync("uninterrupted " + job);
  }

  /** Checkpoints on disk: the churn job's state outgrows the 5 MB of JobManager-memory checkpoints. */
  private static String[] withCheckpointDir(String[] args, String run) throws Exception {
    return Stream.concat(Arrays.stream(args),
        Stream.of("--checkpoint-dir", Files.createTempDirectory(temp, "checkpoints-" + run).toUri().toString())).toArray(String[]::new);
  }

  private static String[] withParallelism(String[] args, int parallelism) {
    String[] out = args.clone();
    int i = Arrays.asList(out).indexOf("--parallelism");
    assertThat(i).as("--parallelism in %s", Arrays.toString(args)).isNotNegative();
    out[i + 1] = String.valueOf(parallelism);
    return out;
  }

  /**
   * The checked-in savepoint of {@code job}, copied out of the jobs' test jar (or test classes) into
   * a directory the cluster reads: a canonical savepoint names its files relative to its
   * {@code _metadata}, so it can move.
   */
  private static Path fixtureSavepoint(String job) throws Exception {
    URI metadata = SavepointFixture.class.getResource(FIXTURE + job + "/_metadata").toURI();
    Path target = Files.createDirectories(temp.resolve("fixture-" + job));
    if (metadata.getScheme().equals("jar")) {
      try (FileSystem jar = FileSystems.newFileSystem(metadata, Map.of())) {
        copyDirectory(jar.getPath(FIXTURE + job), target);
      }
    } else {
      copyDirectory(Path.of(metadata).getParent(), target);
    }
    return target;
  }

  private static void copyDirectory(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
      }
    }
  }

  private static String db(String run) {
    return "cx_" + run.replace('-', '_');
  }
}
