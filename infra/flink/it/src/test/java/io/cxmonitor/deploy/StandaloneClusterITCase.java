package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.reliability.InfluxContents;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
  private static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");
  /** Records emitted before this are read before the savepoint, the rest after the resume. */
  private static final Instant CUT = T0.plus(Duration.ofMinutes(45));
  private static final String JOB_CLASS = SurveyKpiJob.class.getName();

  @TempDir
  static Path temp;
  private static StandaloneCluster cluster;
  private static KafkaBroker kafka;
  private static InfluxServer influx;
  private static List<GeneratedRecord> surveys;

  @BeforeAll
  static void startServers() throws Exception {
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
    cluster = new StandaloneCluster(temp, 1);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    StandaloneCluster.stopAll(cluster, kafka, influx);
  }

  @Test
  void surveyJobStoppedWithASavepointAndResumedOnTheClusterWritesWhatAnUninterruptedRunWrites() throws Exception {
    publish(true);
    cluster.start();
    cluster.assertListensOnLoopbackOnly();

    JobClient reference = startLocalRun("local");
    String first = cluster.submit(JOB_CLASS, null, 0, args("cluster"));
    assertThat(cluster.get("/jobs/" + first + "/checkpoints/config").body()).as("checkpointing from config.yaml")
        .contains("\"state_backend\":\"EmbeddedRocksDBStateBackend\"", "\"mode\":\"exactly_once\"",
            "\"delete_on_cancellation\":false");
    KafkaProgress.awaitConsumed(kafka, "cluster", Topics.SURVEYS);
    assertThat(InfluxContents.read(influx.url(), "cx_cluster").pointCount()).as("KPI points the cluster wrote before the savepoint")
        .isPositive();
    String savepoint = cluster.stopWithSavepoint(first, false);

    publish(false);
    String resumed = cluster.submit(JOB_CLASS, savepoint, 0, args("cluster"));
    KafkaProgress.awaitConsumed(kafka, "cluster", Topics.SURVEYS);
    KafkaProgress.awaitConsumed(kafka, "local", Topics.SURVEYS);
    cluster.stopWithSavepoint(resumed, true);
    reference.stopWithSavepoint(true, temp.resolve("local-drain").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(3, TimeUnit.MINUTES);
    reference.getJobExecutionResult().get(3, TimeUnit.MINUTES);

    InfluxContents expected = InfluxContents.read(influx.url(), "cx_local");
    assertThat(expected.pointCount()).as("points of the uninterrupted run").isGreaterThan(1000);
    // same parallelism (1) before and after the savepoint: the counters compare per subtask
    InfluxContents.read(influx.url(), "cx_cluster").assertSameAs(expected, "stopped and resumed on the cluster");

    cluster.stopAndAssertNoProcessLeft();
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
}
