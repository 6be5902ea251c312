package io.cxmonitor.reliability.outages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka broker is shut down in the middle of a survey job run and started again on its port
 * and logs: the job's source and dead-letter producer reconnect, and InfluxDB ends up equal —
 * every series, point and field — to an undisturbed run over the same seeded input, with the same
 * dead letters (possibly some twice: the dead-letter topic is at-least-once).
 */
class KafkaRestartITCase {
  private static final Duration BROKER_DOWN = Duration.ofSeconds(20);

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static SurveyRuns.Fixture fixture;

  @BeforeAll
  static void runUndisturbed() throws Exception {
    fixture = SurveyRuns.Fixture.start(13, "restart");
  }

  @AfterAll
  static void stopServers() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void brokerRestartedMidRunLosesNothing(@InjectClusterRESTAddress URI rest) throws Exception {
    JobClient job = fixture.startRun("restart", fixture.influx.url());
    try {
      // Mid-run for the source: it reads at most a few poll batches (500 records each) ahead of
      // what the job has processed (and committed at its last checkpoint, a second ago), so with
      // this much left it must fetch again after the restart.
      long committed = await("the run's first checkpoint").atMost(3, TimeUnit.MINUTES)
          .pollInterval(Duration.ofMillis(100)).until(() -> committedOffset("outage-restart"), offset -> offset > 0);
      System.out.printf("Kafka broker stopped with %d of %d records committed%n", committed, fixture.published);
      assertThat(fixture.published - committed).as("records not yet committed when the broker goes (of %d)",
          fixture.published).isGreaterThan(1_500);

      fixture.kafka.stopBroker();
      try {
        Thread.sleep(BROKER_DOWN.toMillis()); // the broker is down this long; the job waits for it
      } finally {
        fixture.kafka.startBroker();
      }
      job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
    } finally {
      SurveyRuns.cancelIfRunning(job);
    }
    fixture.assertSameAsReference("restart");
    System.out.printf("Kafka broker restart: the job failed and restarted %d times%n", SurveyRuns.failures(rest, job.getJobID()));
  }

  /** The consumer group's committed offset of partition 0 of the input, 0 before its first commit. */
  private static long committedOffset(String group) throws Exception {
    try (Admin admin = Admin.create(fixture.kafka.adminProps())) {
      OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
          .get(new TopicPartition(SurveyRuns.SURVEYS, 0));
      return o == null ? 0 : o.offset();
    }
  }
}
