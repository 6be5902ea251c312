package io.cxmonitor.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The survey job crashes at random points while input keeps arriving, resumes from its latest
 * checkpoint, and ends with the same InfluxDB contents — every series, point and field of every
 * KPI measurement, and each subtask's final pipeline counters — as an undisturbed run over the same
 * records; its dead-letter topic holds every dead letter of the undisturbed run (some repeated:
 * at-least-once). Two kinds of crash: {@code kill -9} of the job's own JVM, restarted each time
 * with {@code --resume}; and TaskManagers terminated inside a MiniCluster, where Flink restarts the
 * job from its latest checkpoint.
 */
class CrashAndResumeITCase {
  private static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");
  private static final int PARTITIONS = 2;
  private static final int CRASHES = 5;
  private static final int SLICES = 24;
  private static final Path LOGS = Path.of("target", "reliability-it");

  private static KafkaBroker kafka;
  private static InfluxServer influx;
  private static Path work;
  /** The input, in publish order: key and value bytes (surveys, some undecodable and some invalid). */
  private static List<Map.Entry<String, byte[]>> input;
  private static InfluxContents undisturbed;
  private static Set<String> undisturbedDeadLetters;

  @BeforeAll
  static void runUndisturbed() throws Exception {
    Files.createDirectories(LOGS);
    work = Files.createTempDirectory("crash-resume-");
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    input = generate();
    kafka.createTopics(PARTITIONS, "clean.surveys");
    kafka.createTopics(1, "clean.dead-letter");
    publish("clean.surveys", 1, null, null);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARTITIONS, JobOptions.localCluster("127.0.0.1", false, false));
    SurveyKpiJob.fromArgs(args("clean", "--bounded")).configure(env);
    env.execute("undisturbed");
    undisturbed = InfluxContents.read(influx.url(), "clean");
    undisturbedDeadLetters = deadLetters("clean.dead-letter");
    System.out.printf("undisturbed run: %d KPI points, %d dead letters, counters %s%n",
        undisturbed.pointCount(), undisturbedDeadLetters.size(), undisturbed.finalCounters());
    assertThat(undisturbed.pointCount()).isGreaterThan(10_000);
    assertThat(undisturbedDeadLetters).hasSizeGreaterThan(5);
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

  @Test
  void killedFiveTimesWithKill9AndResumedWritesWhatAnUndisturbedRunWrites() throws Exception {
    String run = "killed";
    kafka.createTopics(PARTITIONS, run + ".surveys");
    kafka.createTopics(1, run + ".dead-letter");
    List<String> args = List.of(args(run, "--resume", "--checkpoint-dir", work.resolve(run).toUri().toString()));
    Path log = LOGS.resolve(run + ".log");
    Files.deleteIfExists(log);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("kill -9 points drawn with seed " + seed);

    CountDownLatch crashesDone = new CountDownLatch(1);
    Thread publisher = publishInBackground(run + ".surveys", crashesDone);
    List<Optional<String>> restoredFrom = new ArrayList<>();
    JobProcess job = JobProcess.start(SurveyKpiJob.class, args, log);
    try {
      for (int crash = 1; crash <= CRASHES; crash++) {
        job.awaitCheckpoint();
        if (crash > 1) {
          restoredFrom.add(job.restoredFrom());
        }
        TimeUnit.MILLISECONDS.sleep(random.nextInt(3_000)); // a random point after at least one checkpoint
        job.kill();
        job = JobProcess.start(SurveyKpiJob.class, args, log);
      }
      job.awaitCheckpoint();
      restoredFrom.add(job.restoredFrom());
      assertThat(restoredFrom).as("each of the %d restarts resumed from a retained checkpoint; see %s", CRASHES, log)
          .hasSize(CRASHES).allSatisfy(r -> assertThat(r).isPresent());
      assertThat(restoredFrom.stream().map(Optional::get).distinct()).as("a newer checkpoint each time").hasSize(CRASHES);

      crashesDone.countDown();
      publisher.join(TimeUnit.MINUTES.toMillis(2));
      awaitConsumed(run, run + ".surveys");
      job.drain(work.resolve(run + "-final"));
    } finally {
      job.destroy();
    }
    InfluxContents.read(influx.url(), run).assertSameAs(undisturbed, "after " + CRASHES + " kill -9 and --resume");
    assertAtLeastOnce(deadLetters(run + ".dead-letter"));
  }

  @Test
  void taskManagersTerminatedFiveTimesInAMiniClusterWritesWhatAnUndisturbedRunWrites() throws Exception {
    String run = "tm_failures";
    kafka.createTopics(PARTITIONS, run + ".surveys");
    kafka.createTopics(1, run + ".dead-letter");
    Configuration conf = JobOptions.localCluster("127.0.0.1", false, false);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    // Two TaskManagers with one slot each run the job's two parallel pipelines: each termination
    // takes tasks down, and a TaskManager started in its place gives the restart its slot.
    MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(conf).setNumTaskManagers(PARTITIONS).setNumSlotsPerTaskManager(1).build());
    cluster.start();
    try {
      StreamExecutionEnvironment env = new TestStreamEnvironment(cluster, PARTITIONS);
      env.configure(conf);
      SurveyKpiJob.fromArgs(args(run, "--checkpoint-dir", work.resolve(run).toUri().toString())).configure(env);
      CountDownLatch crashesDone = new CountDownLatch(1);
      Thread publisher = publishInBackground(run + ".surveys", crashesDone);
      JobClient job = env.executeAsync(run);
      long seed = System.nanoTime();
      Random random = new Random(seed);
      System.out.println("TaskManager terminations drawn with seed " + seed);
      List<Long> restores = new ArrayList<>();
      List<Integer> live = new ArrayList<>(IntStream.range(0, PARTITIONS).boxed().toList());
      long completed = 0;
      for (int crash = 1; crash <= CRASHES; crash++) {
        completed = awaitCheckpointAfter(cluster, job.getJobID(), completed);
        if (crash > 1) {
          restores.add(restoredCheckpoint(cluster, job.getJobID()));
        }
        TimeUnit.MILLISECONDS.sleep(random.nextInt(3_000));
        completed = checkpointStats(cluster, job.getJobID()).getCounts().getNumberOfCompletedCheckpoints();
        // MiniCluster keeps a terminated TaskManager in its list; the one started next gets the next index.
        int victim = live.remove(random.nextInt(live.size()));
        cluster.terminateTaskManager(victim).get(1, TimeUnit.MINUTES);
        cluster.startTaskManager();
        live.add(PARTITIONS + crash - 1);
      }
      completed = awaitCheckpointAfter(cluster, job.getJobID(), completed);
      restores.add(restoredCheckpoint(cluster, job.getJobID()));
      assertThat(restores).as("restored checkpoint ids after each termination").hasSize(CRASHES)
          .allSatisfy(id -> assertThat(id).isPositive()).doesNotHaveDuplicates().isSorted();

      crashesDone.countDown();
      publisher.join(TimeUnit.MINUTES.toMillis(2));
      awaitConsumed(run, run + ".surveys");
      job.stopWithSavepoint(true, work.resolve(run + "-final").toUri().toString(), SavepointFormatType.CANONICAL)
          .get(3, TimeUnit.MINUTES);
      job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
    } finally {
      cluster.close();
    }
    InfluxContents.read(influx.url(), run).assertSameAs(undisturbed, "after " + CRASHES + " TaskManager failures");
    assertAtLeastOnce(deadLetters(run + ".dead-letter"));
  }

  /** The same command line for every run but the names: its topics, group and database are its own. */
  private static String[] args(String run, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--bootstrap-servers", kafka.bootstrapServers(), "--topic", run + ".surveys",
        "--dead-letter-topic", run + ".dead-letter", "--group-id", run, "--start-from", "EARLIEST",
        "--influx-url", influx.url(), "--influx-db", run,
        "--out-of-orderness", "PT20S", "--checkpoint-interval", "PT1S", "--stats-interval", "PT1S",
        "--parallelism", Integer.toString(PARTITIONS)));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** Two simulated hours of surveys (out-of-order and late ones among them), with undecodable and invalid records. */
  private static List<Map.Entry<String, byte[]>> generate() {
    SimulationConfig config = SimulationConfig.defaults(13, T0, Duration.ofHours(2)).withRate(60)
        .withDisorder(0.1, Duration.ofSeconds(15), 0.02);
    List<Map.Entry<String, byte[]>> out = new ArrayList<>();
    try (KafkaPublisher codec = new KafkaPublisher(kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      int surveys = 0;
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (r.record() instanceof SurveyResponse s) {
          out.add(Map.entry(r.key(), codec.encode(s)));
          if (++surveys % 150 == 0) {
            out.add(Map.entry(r.key(), "{\"nps\": 10}".getBytes(StandardCharsets.UTF_8)));
          }
          if (surveys % 230 == 0) {
            out.add(Map.entry(r.key(), codec.encode(SurveyResponse.newBuilder(s).setResponseId(s.getResponseId() + "-bad")
                .setNps(11).build())));
          }
        }
      }
    }
    return out;
  }

  /**
   * Publishes {@link #input} to {@code topic} in {@code slices} parts with {@code pause} between them;
   * the last part waits for {@code lastPart} to open, so every crash happens while input still arrives.
   * Every topic gets the same records in the same order, so each lands at the same partition and offset.
   */
  private static void publish(String topic, int slices, Duration pause, CountDownLatch lastPart) throws InterruptedException {
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      for (int slice = 0; slice < slices; slice++) {
        if (slice == slices - 1 && lastPart != null) {
          lastPart.await();
        }
        for (Map.Entry<String, byte[]> r : input.subList(input.size() * slice / slices, input.size() * (slice + 1) / slices)) {
          publisher.sendRaw(topic, r.getKey(), r.getValue());
        }
        publisher.flush();
        if (pause != null && slice < slices - 1) {
          TimeUnit.MILLISECONDS.sleep(pause.toMillis());
        }
      }
      assertThat(publisher.failed()).as("publish failures on %s", topic).isZero();
    }
  }

  private static Thread publishInBackground(String topic, CountDownLatch lastPart) {
    Thread t = new Thread(() -> {
      try {
        publish(topic, SLICES, Duration.ofMillis(2_500), lastPart);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "publisher-" + topic);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits until the group has committed the end of every partition: by then a checkpoint holds every record. */
  private static void awaitConsumed(String group, String topic) {
    try (Admin admin = Admin.create(kafka.adminProps())) {
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).alias("group " + group + " at the end of " + topic)
          .until(() -> {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
              latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
            return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                && committed.get(e.getKey()).offset() >= e.getValue().offset());
          });
    }
  }

  /** Waits until more than {@code before} checkpoints have completed (so the job runs again); returns the count. */
  private static long awaitCheckpointAfter(MiniCluster cluster, JobID job, long before) {
    long[] completed = new long[1];
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
      completed[0] = checkpointStats(cluster, job).getCounts().getNumberOfCompletedCheckpoints();
      return completed[0] > before;
    });
    return completed[0];
  }

  private static long restoredCheckpoint(MiniCluster cluster, JobID job) throws Exception {
    RestoredCheckpointStats restored = checkpointStats(cluster, job).getLatestRestoredCheckpoint();
    return restored == null ? -1 : restored.getCheckpointId();
  }

  private static CheckpointStatsSnapshot checkpointStats(MiniCluster cluster, JobID job) throws Exception {
    return cluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS).getCheckpointStatsSnapshot();
  }

  /** Each dead letter by its origin: kind, source partition and offset. */
  private static Set<String> deadLetters(String topic) {
    Set<String> out = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic)) {
      out.add(KafkaBroker.header(r, DeadLetter.HEADER_KIND) + " " + KafkaBroker.header(r, DeadLetter.HEADER_PARTITION)
          + "/" + KafkaBroker.header(r, DeadLetter.HEADER_OFFSET));
    }
    return out;
  }

  private static void assertAtLeastOnce(Set<String> deadLetters) {
    assertThat(deadLetters).as("distinct dead letters (kind partition/offset) after the crashes")
        .containsExactlyInAnyOrderElementsOf(undisturbedDeadLetters);
  }
}
