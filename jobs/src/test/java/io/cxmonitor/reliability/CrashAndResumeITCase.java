package io.cxmonitor.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A KPI job crashes at random points while input keeps arriving, resumes from its latest
 * checkpoint, and ends with the same InfluxDB contents — every series, point and field of every
 * KPI measurement, and each subtask's final pipeline counters — as an undisturbed run over the same
 * records; its dead-letter and alert topics hold every record of the undisturbed run's (some
 * repeated: at-least-once). Two kinds of crash: {@code kill -9} of the job's own JVM, restarted each
 * time with {@code --resume}; and TaskManagers terminated inside a MiniCluster, where Flink restarts
 * the job from its latest checkpoint. Every run ends with a final watermark (a bounded run, or a
 * drain once the group has committed the end of the input), so every window is written.
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
  private static final Map<Job, Undisturbed> UNDISTURBED = new EnumMap<>(Job.class);

  /** A job under test: its entry point and command line. */
  enum Job {
    SURVEYS(SurveyKpiJob.class, List.of(Topics.SURVEYS), List.of()),
    SERVICE(ServiceKpiJob.class, List.of(Topics.INTERACTIONS), List.of(Topics.ALERTS)),
    CHURN(ChurnKpiJob.class, List.of(Topics.LIFECYCLE, Topics.SURVEYS, Topics.INTERACTIONS, Topics.FOLLOW_UPS_DONE),
        List.of(Topics.AT_RISK, Topics.FOLLOW_UPS));

    final Class<?> main;
    /** The topics it reads and the event topics it writes besides dead letters (their default names). */
    final List<String> inputs;
    final List<String> outputs;

    Job(Class<?> main, List<String> inputs, List<String> outputs) {
      this.main = main;
      this.inputs = inputs;
      this.outputs = outputs;
    }

    /** The same command line for every run but the names: its topics, group and database are its own. */
    String[] args(String run, String... extra) {
      List<String> args = new ArrayList<>(List.of(
          "--bootstrap-servers", kafka.bootstrapServers(),
          "--dead-letter-topic", topic(run, Topics.DEAD_LETTER), "--group-id", run, "--start-from", "EARLIEST",
          "--influx-url", influx.url(), "--influx-db", run,
          "--out-of-orderness", "PT20S", "--checkpoint-interval", "PT1S", "--stats-interval", "PT1S",
          "--parallelism", Integer.toString(PARTITIONS)));
      switch (this) {
        case SURVEYS -> args.addAll(List.of("--topic", topic(run, Topics.SURVEYS)));
        case SERVICE -> args.addAll(List.of("--topic", topic(run, Topics.INTERACTIONS), "--alert-topic", topic(run, Topics.ALERTS)));
        case CHURN -> args.addAll(List.of("--lifecycle-topic", topic(run, Topics.LIFECYCLE),
            "--survey-topic", topic(run, Topics.SURVEYS), "--interaction-topic", topic(run, Topics.INTERACTIONS),
            "--follow-up-done-topic", topic(run, Topics.FOLLOW_UPS_DONE), "--at-risk-topic", topic(run, Topics.AT_RISK),
            "--follow-up-topic", topic(run, Topics.FOLLOW_UPS)));
      }
      if (this != SURVEYS) {
        // Quarter-hour buckets: the rolling 24h output over two hours of tickets is about 90,000
        // points instead of 1.4 million per-minute ones.
        args.addAll(List.of("--bucket", "PT15M"));
      }
      args.addAll(List.of(extra));
      return args.toArray(String[]::new);
    }

    void configure(StreamExecutionEnvironment env, String... args) {
      switch (this) {
        case SURVEYS -> SurveyKpiJob.fromArgs(args).configure(env);
        case SERVICE -> ServiceKpiJob.fromArgs(args).configure(env);
        case CHURN -> ChurnKpiJob.fromArgs(args).configure(env);
      }
    }

    String run(String kind) {
      return kind + "_" + name().toLowerCase(Locale.ROOT);
    }
  }

  /** A run's own name for one of the default topics, e.g. {@code killed_churn.lifecycle}. */
  static String topic(String run, String defaultTopic) {
    return run + defaultTopic.substring(defaultTopic.indexOf('.'));
  }

  /** One input record: the default name of its topic, key and value bytes. */
  private record Input(String topic, String key, byte[] value) {}

  /**
   * The input of a job, and what its undisturbed run left: InfluxDB contents, dead letters and the
   * events it wrote (SLA alerts; at-risk events and follow-up actions), distinct.
   */
  private record Undisturbed(List<Input> input, InfluxContents influx, Set<String> deadLetters, Set<String> events) {}

  @BeforeAll
  static void startServers() throws Exception {
    Files.createDirectories(LOGS);
    work = Files.createTempDirectory("crash-resume-");
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
  }

  @AfterAll
  static void stopServers() throws IOException {
    if (kafka != null) {
      kafka.close();
    }
    if (influx != null) {
      influx.close();
    }
    if (work != null) {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Job.class)
  void killedFiveTimesWithKill9AndResumedWritesWhatAnUndisturbedRunWrites(Job job) throws Exception {
    Undisturbed expected = undisturbed(job);
    String run = job.run("killed");
    createTopics(job, run);
    List<String> args = List.of(job.args(run, "--resume", "--checkpoint-dir", work.resolve(run).toUri().toString()));
    Path log = LOGS.resolve(run + ".log");
    Files.deleteIfExists(log);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println(job + ": kill -9 points drawn with seed " + seed);

    CountDownLatch crashesDone = new CountDownLatch(1);
    Thread publisher = publishInBackground(expected.input(), run, crashesDone);
    List<Optional<String>> restoredFrom = new ArrayList<>();
    JobProcess process = JobProcess.start(job.main, args, log);
    try {
      for (int crash = 1; crash <= CRASHES; crash++) {
        process.awaitCheckpoint();
        if (crash > 1) {
          restoredFrom.add(process.restoredFrom());
        }
        TimeUnit.MILLISECONDS.sleep(random.nextInt(3_000)); // a random point after at least one checkpoint
        process.kill();
        process = JobProcess.start(job.main, args, log);
      }
      process.awaitCheckpoint();
      restoredFrom.add(process.restoredFrom());
      assertThat(restoredFrom).as("each of the %d restarts resumed from a retained checkpoint; see %s", CRASHES, log)
          .hasSize(CRASHES).allSatisfy(r -> assertThat(r).isPresent());
      assertThat(restoredFrom.stream().map(Optional::get).distinct()).as("a newer checkpoint each time").hasSize(CRASHES);

      crashesDone.countDown();
      publisher.join(TimeUnit.MINUTES.toMillis(2));
      awaitConsumed(run, job);
      process.drain(work.resolve(run + "-final"));
    } finally {
      process.destroy();
    }
    assertSameOutputs(job, run, expected, job + " after " + CRASHES + " kill -9 and --resume");
  }

  @ParameterizedTest
  @EnumSource(Job.class)
  void taskManagersTerminatedFiveTimesInAMiniClusterWritesWhatAnUndisturbedRunWrites(Job job) throws Exception {
    Undisturbed expected = undisturbed(job);
    String run = job.run("tm_failures");
    createTopics(job, run);
    Configuration conf = JobOptions.localCluster("127.0.0.1", false, false);
    conf.set(RestOptions.BIND_PORT, "0"); // a MiniCluster built by hand would take Flink's default 8081, maybe in use
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
      job.configure(env, job.args(run, "--checkpoint-dir", work.resolve(run).toUri().toString()));
      CountDownLatch crashesDone = new CountDownLatch(1);
      Thread publisher = publishInBackground(expected.input(), run, crashesDone);
      JobClient client = env.executeAsync(run);
      JobID id = client.getJobID();
      long seed = System.nanoTime();
      Random random = new Random(seed);
      System.out.println(job + ": TaskManager terminations drawn with seed " + seed);
      List<Long> restores = new ArrayList<>();
      List<Integer> live = new ArrayList<>(IntStream.range(0, PARTITIONS).boxed().toList());
      long completed = 0;
      long restored = -1;
      for (int crash = 1; crash <= CRASHES; crash++) {
        awaitCheckpointAfter(cluster, id, completed); // progress since the start or the last restore
        TimeUnit.MILLISECONDS.sleep(random.nextInt(3_000));
        // MiniCluster keeps a terminated TaskManager in its list; the one started next gets the next index.
        int victim = live.remove(random.nextInt(live.size()));
        cluster.terminateTaskManager(victim).get(1, TimeUnit.MINUTES);
        cluster.startTaskManager();
        live.add(PARTITIONS + crash - 1);
        long before = restored;
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).alias("restore after termination " + crash)
            .until(() -> restoredCheckpoint(cluster, id) != before);
        restored = restoredCheckpoint(cluster, id);
        restores.add(restored);
        completed = checkpointStats(cluster, id).getCounts().getNumberOfCompletedCheckpoints();
      }
      awaitCheckpointAfter(cluster, id, completed);
      assertThat(restores).as("restored checkpoint ids after each termination").hasSize(CRASHES)
          .allSatisfy(r -> assertThat(r).isPositive()).doesNotHaveDuplicates().isSorted();

      crashesDone.countDown();
      publisher.join(TimeUnit.MINUTES.toMillis(2));
      awaitConsumed(run, job);
      client.stopWithSavepoint(true, work.resolve(run + "-final").toUri().toString(), SavepointFormatType.CANONICAL)
          .get(3, TimeUnit.MINUTES);
      client.getJobExecutionResult().get(3, TimeUnit.MINUTES);
    } finally {
      cluster.close();
    }
    assertSameOutputs(job, run, expected, job + " after " + CRASHES + " TaskManager failures");
  }

  /** The job's input and an undisturbed bounded run over all of it (once per job), in a JVM of its own like the others. */
  private static synchronized Undisturbed undisturbed(Job job) throws Exception {
    if (!UNDISTURBED.containsKey(job)) {
      String run = job.run("clean");
      List<Input> input = generate(job);
      createTopics(job, run);
      publish(input, run, 1, Duration.ZERO, null);
      Files.deleteIfExists(LOGS.resolve(run + ".log"));
      // a checkpoint directory as in the other runs: the churn job's state outgrows JobManager memory
      JobProcess process = JobProcess.start(job.main, List.of(job.args(run, "--bounded", "--checkpoint-dir",
          work.resolve(run).toUri().toString())), LOGS.resolve(run + ".log"));
      try {
        process.awaitEnd();
      } finally {
        process.destroy();
      }
      Undisturbed u = new Undisturbed(input, InfluxContents.read(influx.url(), run), deadLetters(topic(run, Topics.DEAD_LETTER)),
          events(job, run));
      System.out.printf("undisturbed %s: %d input records, %d KPI points, %d dead letters, %d events out, counters %s%n",
          job, input.size(), u.influx().pointCount(), u.deadLetters().size(), u.events().size(), u.influx().finalCounters());
      assertThat(u.influx().pointCount()).isGreaterThan(10_000);
      assertThat(u.deadLetters()).hasSizeGreaterThan(5);
      assertThat(u.events()).hasSizeGreaterThan(job == Job.SURVEYS ? -1 : 10);
      UNDISTURBED.put(job, u);
    }
    return UNDISTURBED.get(job);
  }

  private static void createTopics(Job job, String run) throws Exception {
    kafka.createTopics(PARTITIONS, job.inputs.stream().map(t -> topic(run, t)).toArray(String[]::new));
    kafka.createTopics(1, topic(run, Topics.DEAD_LETTER));
    if (!job.outputs.isEmpty()) {
      kafka.createTopics(1, job.outputs.stream().map(t -> topic(run, t)).toArray(String[]::new));
    }
  }

  /**
   * Two simulated hours of the job's input (out-of-order records among them and, for the survey and
   * service jobs, 2 % late ones), with undecodable and invalid records mixed in, in publish order.
   * Both jobs decide lateness per source subtask, before any shuffle, so whether a record is late
   * depends only on the records before it in its partition; corrections (queue outcomes, forward
   * repeats) are applied at the tick of the bucket they became known in, so the provisional points
   * do not depend on how far the other subtasks have got either. The churn job has no late input
   * here: it keeps a late record's gauge change (a late subscription still counts in the base),
   * moved to the first bucket still open after its four inputs are merged, which depends on how far
   * the other inputs have been read (README "Guarantees").
   */
  private static List<Input> generate(Job job) {
    SimulationConfig config = SimulationConfig.defaults(13, T0, Duration.ofHours(2)).withRate(job == Job.SURVEYS ? 60 : 15)
        .withDisorder(0.1, Duration.ofSeconds(15), job == Job.CHURN ? 0.0 : 0.02);
    List<Input> out = new ArrayList<>();
    try (KafkaPublisher codec = new KafkaPublisher(kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      int n = 0;
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (!job.inputs.contains(r.topic())) {
          continue;
        }
        out.add(new Input(r.topic(), r.key(), codec.encode(r.record())));
        if (++n % 150 == 0) {
          out.add(new Input(r.topic(), r.key(), "{\"nps\": 10}".getBytes(StandardCharsets.UTF_8)));
        }
        SpecificRecord invalid = invalid(r.record());
        if (n % 230 == 0 && invalid != null) {
          out.add(new Input(r.topic(), r.key(), codec.encode(invalid)));
        }
      }
    }
    return out;
  }

  /** A copy of a survey response or interaction that validation refuses; null for other records. */
  private static SpecificRecord invalid(SpecificRecord r) {
    if (r instanceof SurveyResponse s) {
      return SurveyResponse.newBuilder(s).setResponseId(s.getResponseId() + "-bad").setNps(11).build();
    }
    if (r instanceof InteractionEvent e) {
      return InteractionEvent.newBuilder(e).setEventId(e.getEventId() + "-bad").setTicketId("").build();
    }
    return null;
  }

  /**
   * Publishes {@code input} to the run's topics in {@code slices} parts with {@code pause} between them;
   * the last part waits for {@code lastPart} to open, so every crash happens while input still arrives.
   * Every run gets the same records in the same order, so each lands at the same partition and offset.
   */
  private static void publish(List<Input> input, String run, int slices, Duration pause,
      CountDownLatch lastPart) throws InterruptedException {
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      for (int slice = 0; slice < slices; slice++) {
        if (slice == slices - 1 && lastPart != null) {
          lastPart.await();
        } else if (slice > 0) {
          TimeUnit.MILLISECONDS.sleep(pause.toMillis());
        }
        for (Input r : input.subList(input.size() * slice / slices, input.size() * (slice + 1) / slices)) {
          publisher.sendRaw(topic(run, r.topic()), r.key(), r.value());
        }
        publisher.flush();
      }
      assertThat(publisher.failed()).as("publish failures in %s", run).isZero();
    }
  }

  private static Thread publishInBackground(List<Input> input, String run, CountDownLatch lastPart) {
    Thread t = new Thread(() -> {
      try {
        publish(input, run, SLICES, Duration.ofMillis(2_500), lastPart);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "publisher-" + run);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits until the group has committed the end of every partition of the job's inputs: by then a checkpoint holds every record. */
  private static void awaitConsumed(String run, Job job) {
    try (Admin admin = Admin.create(kafka.adminProps())) {
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).alias("group " + run + " at the end of its input")
          .until(() -> {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String input : job.inputs) {
              for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic(run, input), p), OffsetSpec.latest());
              }
            }
            var ends = admin.listOffsets(latest).all().get();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(run)
                .partitionsToOffsetAndMetadata().get();
            return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0 || committed.get(e.getKey()) != null
                && committed.get(e.getKey()).offset() >= e.getValue().offset());
          });
    }
  }

  /** Waits until more than {@code before} checkpoints have completed: the job runs again and has made progress. */
  private static void awaitCheckpointAfter(MiniCluster cluster, JobID job, long before) {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
        .until(() -> checkpointStats(cluster, job).getCounts().getNumberOfCompletedCheckpoints() > before);
  }

  private static long restoredCheckpoint(MiniCluster cluster, JobID job) throws Exception {
    RestoredCheckpointStats restored = checkpointStats(cluster, job).getLatestRestoredCheckpoint();
    return restored == null ? -1 : restored.getCheckpointId();
  }

  private static CheckpointStatsSnapshot checkpointStats(MiniCluster cluster, JobID job) throws Exception {
    return cluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS).getCheckpointStatsSnapshot();
  }

  /**
   * Every KPI point and final counter as in the undisturbed run; every dead letter and event of that
   * run is there too, some maybe more than once (at-least-once), and nothing else.
   */
  private static void assertSameOutputs(Job job, String run, Undisturbed expected, String what) {
    InfluxContents.read(influx.url(), run).assertSameAs(expected.influx(), what);
    assertThat(deadLetters(topic(run, Topics.DEAD_LETTER))).as("%s: distinct dead letters (kind partition/offset)", what)
        .containsExactlyInAnyOrderElementsOf(expected.deadLetters());
    assertThat(events(job, run)).as("%s: distinct events written", what).containsExactlyInAnyOrderElementsOf(expected.events());
  }

  /** Each dead letter by its origin: kind, source topic (less the run's name), partition and offset. */
  private static Set<String> deadLetters(String topic) {
    Set<String> out = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic)) {
      String source = KafkaBroker.header(r, DeadLetter.HEADER_TOPIC);
      out.add(KafkaBroker.header(r, DeadLetter.HEADER_KIND) + " " + (source == null ? "" : source.substring(source.indexOf('.')))
          + " " + KafkaBroker.header(r, DeadLetter.HEADER_PARTITION) + "/" + KafkaBroker.header(r, DeadLetter.HEADER_OFFSET));
    }
    return out;
  }

  /** Each event the job wrote (SLA alerts; at-risk events and follow-up actions), decoded, as text. */
  private static Set<String> events(Job job, String run) {
    Set<String> out = new TreeSet<>();
    for (String t : job.outputs) {
      WireFormat.Codec<?> codec = switch (t) {
        case Topics.ALERTS -> WireFormat.slaAlerts();
        case Topics.AT_RISK -> WireFormat.atRisk();
        default -> WireFormat.followUps();
      };
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic(run, t))) {
        try {
          out.add(t + " " + codec.decode(r.value(), null));
        } catch (WireFormat.DecodeException e) {
          throw new AssertionError(t + " record at offset " + r.offset() + " does not decode", e);
        }
      }
    }
    return out;
  }
}
