package io.cxmonitor.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A savepoint written by the previous release restores into the current code and loses nothing:
 * each KPI job is resumed from its checked-in savepoint ({@code savepoints/pre-layout}, taken
 * after the first batch of records) and reads the second batch from a broker whose log starts
 * after batch 1; an uninterrupted run of the current code reads both. Every point whose window
 * closed after the savepoint must be the same in both runs — the 1h and 24h windows and the
 * gauges after the cut hold batch-1 events only through the restored state — and the checkpointed
 * counters of input records must end equal (those of derived facts differ by design, see
 * {@link UpgradeComparison#countsInput}).
 */
class SavepointUpgradeITCase {
  private static final String FIXTURE = "/savepoints/pre-layout/";

  private static KafkaBroker kafka;
  /** Both batches with batch 1 deleted, for the restored runs: they know batch 1 only from their savepoint. */
  private static KafkaBroker afterTheSavepoint;
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
    afterTheSavepoint = KafkaBroker.start();
    afterTheSavepoint.createTopics(1, Topics.ALL.toArray(String[]::new));
    SavepointFixture.publish(afterTheSavepoint.bootstrapServers(), records, 2);
    SavepointFixture.deleteBatchOne(afterTheSavepoint, records);
  }

  @AfterAll
  static void stopServers() {
    if (kafka != null) {
      kafka.close();
    }
    if (afterTheSavepoint != null) {
      afterTheSavepoint.close();
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
    JobClient cleanRun = start(job, kafka, clean, null);
    JobClient restoredRun = start(job, afterTheSavepoint, restored, savepoint);
    SavepointFixture.awaitConsumed(kafka, clean, List.of(job));
    SavepointFixture.awaitConsumed(afterTheSavepoint, restored, List.of(job));
    drain(cleanRun);
    drain(restoredRun);

    UpgradeComparison.assertRestoredRunWroteWhatTheCleanRunWrote(influx.url(), job, records, db(clean), db(restored));
  }

  private static JobClient start(String job, KafkaBroker kafka, String run, Path savepoint) throws Exception {
    // Each run on a MiniCluster of its own (a local environment starts one per job): when the
    // churn runs shared one cluster with the finished service runs, one of them never got splits.
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
    // Checkpoints on disk: the churn job's state outgrows the 5 MB of JobManager-memory checkpoints.
    String[] args = Stream.concat(Arrays.stream(SavepointFixture.args(job, kafka.bootstrapServers(), influx.url(), run)),
        Stream.of("--checkpoint-dir", Files.createTempDirectory("checkpoints-" + run).toUri().toString())).toArray(String[]::new);
    if (savepoint != null) {
      // As a user restores (--from-savepoint sets execution.state-recovery.path, without allowing
      // non-restored state: every operator state in the savepoint must find its uid). A restore path
      // set on the StreamGraph instead is overwritten by the local executor's configuration: the
      // job then silently started empty from the earliest offsets, like the clean run.
      args = Stream.concat(Arrays.stream(args), Stream.of("--from-savepoint", savepoint.toUri().toString())).toArray(String[]::new);
    }
    SavepointFixture.configure(job, args, env);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(run);
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
}
