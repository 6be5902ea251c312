package io.cxmonitor.reliability.outages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.platform.influx.FaultInjectingProxy;
import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.testkit.InfluxServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * InfluxDB goes away in the middle of a survey job run — the influxd process stopped for 60 s and
 * started again on its port and data, or answering writes slowly — and the job rides it out: the
 * sink retries with backoff while backpressure holds the job, nothing fails or restarts, and
 * InfluxDB ends up equal, series by series, point by point and field by field, to an undisturbed
 * run over the same seeded input. The outage leaves its trace in the sink's retry counter, which
 * the pipeline dashboard shows.
 */
class InfluxOutageITCase {
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static SurveyRuns.Fixture fixture;

  @BeforeAll
  static void runUndisturbed() throws Exception {
    fixture = SurveyRuns.Fixture.start(11, "stopped", "slow");
    assertThat(sinkRetries(SurveyRuns.Fixture.REFERENCE)).as("retries of the undisturbed run").isZero();
  }

  @AfterAll
  static void stopServers() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void influxdStoppedForAMinuteMidRunLosesAndDuplicatesNothingAndRestartsNothing(@InjectClusterRESTAddress URI rest)
      throws Exception {
    InfluxServer influx = fixture.influx;
    JobClient job = fixture.startRun("stopped", influx.url());
    try {
      await("first points of the run in InfluxDB").atMost(3, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(100))
          .ignoreExceptions().until(() -> SurveyRuns.measurements(influx.url(), "stopped").contains("cx_nps"));

      influx.stop();
      try {
        // The sink cannot finish the bounded run without InfluxDB, so the job is mid-run for the
        // whole outage: it must stay RUNNING (backpressured, retrying), never fail or restart.
        Duration settle = Duration.ofSeconds(10); // a checkpoint the sink had flushed before the stop may still complete
        awaitRunning(job, settle);
        long committed = fixture.committedOffset("stopped");
        awaitRunning(job, OUTAGE.minus(settle));
        assertThat(SurveyRuns.numRestarts(rest, job.getJobID())).as("numRestarts during the outage").isZero();
        // No checkpoint completes while the sink holds unwritten points, so the job's Kafka offsets
        // stay where they were: a crash now would read those records again.
        assertThat(fixture.committedOffset("stopped")).as("committed input offset during the outage").isEqualTo(committed);
      } finally {
        influx.restart();
      }
      job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
    } finally {
      SurveyRuns.cancelIfRunning(job);
    }
    assertThat(SurveyRuns.failures(rest, job.getJobID())).as("failures and restarts of the job").isZero();
    fixture.assertSameAsReference("stopped");
    assertThat(sinkRetries("stopped")).as("sink retries, shown by the pipeline dashboard").isPositive();
  }

  @Test
  void slowWritesHoldTheJobBackAndChangeNothing(@InjectClusterRESTAddress URI rest) throws Exception {
    try (FaultInjectingProxy proxy = new FaultInjectingProxy(fixture.influx.url())) {
      // Each held write blocks its sink subtask; the job can only go as fast as InfluxDB answers.
      proxy.delayNextWrites(10, Duration.ofSeconds(2));
      JobClient job = fixture.startRun("slow", proxy.url());
      try {
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
      } finally {
        SurveyRuns.cancelIfRunning(job);
      }
      assertThat(proxy.delayedWrites()).as("writes answered slowly").isEqualTo(10);
      assertThat(SurveyRuns.failures(rest, job.getJobID())).as("failures and restarts of the job").isZero();
    }
    fixture.assertSameAsReference("slow");
  }

  private static void awaitRunning(JobClient job, Duration duration) {
    await("job RUNNING throughout").during(duration).atMost(duration.plusSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> job.getJobStatus().get() == JobStatus.RUNNING);
  }

  private static double sinkRetries(String run) {
    return SurveyRuns.sumOfLast(fixture.influx.url(), run, InfluxSchema.MEASUREMENT_SINK, InfluxSchema.FIELD_RETRIES_TOTAL);
  }
}
