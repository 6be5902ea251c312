package io.cxmonitor.bench;

import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.LifecycleType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.KafkaPublisher;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures the state the service job keeps per open ticket and the churn job per subscribed customer (README
 * "Sizing"). Not a test (surefire does not pick it up by name, and it asserts nothing): run it with
 * {@code mvn -o -pl schemas,infra/testkit,jobs test -Dtest=StateSizeBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Each job runs for real (its own options, a Kafka broker and an influxd from the testkit, a MiniCluster) over N
 * keys at two sizes, with the heap state backend (canonical savepoint) and with RocksDB (native savepoint: its SST
 * files). Everything but the number of keys is the same in both runs — the same event-time span, groups and a final
 * record that moves the watermark past every key's record — so the difference of the savepoints' sizes divided by
 * the difference of N is the state one more key costs, split by operator from the savepoint's metadata. Figures go to
 * standard output and to {@code jobs/target/state-size-benchmark.txt}.
 */
class StateSizeBenchmark {
  private static final int SMALL = Integer.getInteger("cx.bench.small", 5_000);
  private static final int LARGE = Integer.getInteger("cx.bench.large", 25_000);
  private static final String[] REGIONS = {"north", "south", "east", "west"};
  private static final String[] TEAMS = {"billing", "tech", "sales", "care"};
  private static final Channel[] CHANNELS = {Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.ZALO_OA};

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  /** What is measured: a job, what one key is, and how to publish N of them. */
  private record Scenario(String name, String job, String perKey, List<String> topics) {}

  private static final Scenario SERVICE = new Scenario("service", "service", "open ticket (OPENED, no reply yet; its own customer)",
      List.of(Topics.INTERACTIONS));
  private static final Scenario SERVICE_RESOLVED = new Scenario("service-resolved", "service",
      "ticket resolved within its reopen window (OPENED, AGENT_REPLY, RESOLVED; its own customer)",
      List.of(Topics.INTERACTIONS));
  private static final List<String> CHURN_TOPICS =
      List.of(Topics.LIFECYCLE, Topics.SURVEYS, Topics.INTERACTIONS, Topics.FOLLOW_UPS_DONE);
  private static final Scenario CHURN = new Scenario("churn", "churn", "subscribed customer (one SUBSCRIBED event)",
      CHURN_TOPICS);
  private static final Scenario CHURN_CONTACT = new Scenario("churn-contact", "churn",
      "subscribed customer with an open ticket (SUBSCRIBED, then OPENED)", CHURN_TOPICS);

  @Test
  void measure() throws Exception {
    StringBuilder report = new StringBuilder();
    Instant start = Instant.now().minus(Duration.ofMinutes(40)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    try (KafkaBroker kafka = KafkaBroker.start(); InfluxServer influx = InfluxServer.start()) {
      for (Scenario s : List.of(SERVICE, SERVICE_RESOLVED, CHURN, CHURN_CONTACT)) {
        for (String backend : List.of("hashmap", "rocksdb")) {
          Map<String, Long> small = run(kafka, influx, s, backend, SMALL, start);
          Map<String, Long> large = run(kafka, influx, s, backend, LARGE, start);
          report.append(String.format(Locale.ROOT, "%n%s job, state per %s, %s backend (%s savepoint), N = %d and %d:%n",
              s.job(), s.perKey(), backend, format(backend), SMALL, LARGE));
          for (String op : large.keySet()) {
            long diff = large.get(op) - small.getOrDefault(op, 0L);
            if (op.equals(TOTAL) || diff >= LARGE - SMALL) { // operators whose state grows with N
              report.append(String.format(Locale.ROOT, "  %-48s %9.1f bytes/key  (%,d -> %,d bytes)%n", op,
                  (double) diff / (LARGE - SMALL), small.getOrDefault(op, 0L), large.get(op)));
            }
          }
        }
      }
    }
    System.out.println(report);
    Files.writeString(Path.of("target", "state-size-benchmark.txt"), report.toString());
  }

  private static final String TOTAL = "savepoint files in total";

  private static SavepointFormatType format(String backend) {
    return backend.equals("rocksdb") ? SavepointFormatType.NATIVE : SavepointFormatType.CANONICAL;
  }

  /** Runs the job over n keys and returns its savepoint's size: per operator (by uid) and in total (files). */
  private static Map<String, Long> run(KafkaBroker kafka, InfluxServer influx, Scenario s, String backend, int n,
      Instant start) throws Exception {
    String run = s.name() + "-" + backend + "-" + n;
    String[] topics = s.topics().stream().map(t -> t + "." + run).toArray(String[]::new);
    kafka.createTopics(1, topics);
    kafka.createTopics(1, Topics.DEAD_LETTER + "." + run, Topics.ALERTS + "." + run, Topics.AT_RISK + "." + run,
        Topics.FOLLOW_UPS + "." + run);
    publish(kafka, s, topics, n, start);

    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--group-id", run,
        "--start-from", "EARLIEST", "--influx-url", influx.url(), "--influx-db", "bench",
        "--dead-letter-topic", Topics.DEAD_LETTER + "." + run, "--checkpoint-interval", "PT1S", "--parallelism", "1",
        "--idleness", "PT2S"));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (s.job().equals("service")) {
      args.addAll(List.of("--topic", topics[0], "--alert-topic", Topics.ALERTS + "." + run));
      ServiceKpiJob.fromArgs(args.toArray(String[]::new)).configure(env);
    } else {
      args.addAll(List.of("--lifecycle-topic", topics[0], "--survey-topic", topics[1], "--interaction-topic", topics[2],
          "--follow-up-done-topic", topics[3], "--at-risk-topic", Topics.AT_RISK + "." + run,
          "--follow-up-topic", Topics.FOLLOW_UPS + "." + run));
      ChurnKpiJob.fromArgs(args.toArray(String[]::new)).configure(env);
    }
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, backend);
    env.configure(conf);
    StreamGraph graph = env.getStreamGraph(false);
    Map<OperatorID, String> uids = new HashMap<>();
    for (StreamNode node : graph.getStreamNodes()) {
      if (node.getTransformationUID() != null) {
        uids.put(new OperatorID(StreamGraphHasherV2.generateUserSpecifiedHash(node.getTransformationUID())),
            node.getTransformationUID());
      }
    }
    JobClient job = env.executeAsync(graph);
    try {
      awaitConsumed(kafka, run, topics);
      long deadLetters = endOffset(kafka, Topics.DEAD_LETTER + "." + run);
      if (deadLetters > 0) {
        throw new IllegalStateException(run + ": " + deadLetters + " records were dead-lettered; the figures would be wrong");
      }
      Thread.sleep(3_000); // a few periodic watermarks after the last record, so no key waits for one
      Path dir = Files.createTempDirectory("cx-bench-" + run);
      String path = job.triggerSavepoint(dir.toUri().toString(), format(backend)).get();
      Path savepoint = Path.of(URI.create(path.startsWith("file:") ? path : "file:" + path));
      Map<String, Long> sizes = new TreeMap<>();
      try (InputStream in = Files.newInputStream(savepoint.resolve("_metadata"))) {
        for (OperatorState op : Checkpoints.loadCheckpointMetadata(new DataInputStream(in),
            StateSizeBenchmark.class.getClassLoader(), path).getOperatorStates()) {
          sizes.merge(uids.getOrDefault(op.getOperatorID(), op.getOperatorID().toString()), op.getStateSize(), Long::sum);
        }
      }
      sizes.put(TOTAL, sizeOf(savepoint));
      FileUtils.deleteDirectory(dir.toFile());
      return sizes;
    } finally {
      job.cancel().get();
    }
  }

  /**
   * n keys in the same 20 minutes of event time for every n, over the same groups, then one key 5 minutes later that
   * moves the watermark past all of them (the same in every run, so it cancels out).
   */
  private static void publish(KafkaBroker kafka, Scenario s, String[] topics, int n, Instant start) throws IOException {
    long span = Duration.ofMinutes(20).toMillis();
    record Out(long time, String topic, String key, SpecificRecord value) {}
    List<Out> out = new ArrayList<>();
    for (int i = 0; i <= n; i++) {
      Instant t = i < n ? start.plusMillis(span * i / n) : start.plusMillis(span).plus(Duration.ofMinutes(5));
      // ids as long as real ones (UUIDs), which RocksDB cannot compress as well as short sequential ones
      String id = UUID.nameUUIDFromBytes(((i < n ? "key-" : "watermark-") + i).getBytes(StandardCharsets.UTF_8))
          .toString();
      if (s.job().equals("churn")) {
        CustomerLifecycleEvent e = CustomerLifecycleEvent.newBuilder().setEventId("l-" + id).setCustomerId("c-" + id)
            .setType(LifecycleType.SUBSCRIBED).setEventTime(t).setPlan(i % 2 == 0 ? "basic" : "pro")
            .setMrrMinor(19_900).setCurrency("EUR").setRegion(REGIONS[i % 4]).setProduct("broadband").build();
        out.add(new Out(t.toEpochMilli(), topics[0], e.getCustomerId(), e));
      }
      if (s != CHURN) {
        List<InteractionType> history = s == SERVICE_RESOLVED && i < n
            ? List.of(InteractionType.OPENED, InteractionType.AGENT_REPLY, InteractionType.RESOLVED)
            : List.of(InteractionType.OPENED);
        for (int k = 0; k < history.size(); k++) {
          Instant at = t.plusSeconds(1 + 60L * k);
          InteractionEvent e = InteractionEvent.newBuilder().setEventId("i" + k + "-" + id).setTicketId("t-" + id)
              .setCustomerId("c-" + id).setEventType(history.get(k)).setEventTime(at)
              .setChannel(CHANNELS[i % 4]).setRegion(REGIONS[(i / 4) % 4]).setTeam(TEAMS[(i / 16) % 4])
              .setProduct("broadband").setPriority(Priority.NORMAL)
              .setAgentId(k == 0 ? null : "agent-" + (i % 50)).build();
          out.add(new Out(at.toEpochMilli(), s.job().equals("service") ? topics[0] : topics[2], e.getTicketId(), e));
        }
      }
    }
    out.sort(Comparator.comparingLong(Out::time)); // in event-time order: nothing is late
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      for (Out o : out) {
        publisher.sendRaw(o.topic(), o.key(), publisher.encode(o.value()));
      }
      publisher.flush();
      if (publisher.failed() > 0) {
        throw new IOException("publishing failed", publisher.firstError());
      }
    }
  }

  /** Until the job's group has committed the end of every input: the state of that checkpoint holds every record. */
  private static void awaitConsumed(KafkaBroker kafka, String group, String[] topics) {
    try (Admin admin = Admin.create(kafka.adminProps())) {
      Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (String t : topics) {
          latest.put(new TopicPartition(t, 0), OffsetSpec.latest());
        }
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
          OffsetAndMetadata c = committed.get(end.getKey());
          if ((c == null ? 0 : c.offset()) < end.getValue().offset()) {
            return false;
          }
        }
        return true;
      });
    }
  }

  private static long endOffset(KafkaBroker kafka, String topic) throws Exception {
    try (Admin admin = Admin.create(kafka.adminProps())) {
      TopicPartition p = new TopicPartition(topic, 0);
      return admin.listOffsets(Map.of(p, OffsetSpec.latest())).all().get().get(p).offset();
    }
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
