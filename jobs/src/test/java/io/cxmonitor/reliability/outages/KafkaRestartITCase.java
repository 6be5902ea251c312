package io.cxmonitor.reliability.outages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
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
  private static final Duration BROKER_DOWN = Duration.ofSeconds(15);
  private static final double CONSUMER_BYTES_PER_SECOND = 256 * 1024;

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
    // A broker quota slows the job's consumer down: after a fetch the broker holds its next one
    // back until the rate is kept, so the input (several MB) takes tens of seconds to read.
    limitConsumers(CONSUMER_BYTES_PER_SECOND);
    JobClient job = fixture.startRun("restart", fixture.influx.url());
    try {
      long committed = await("the run's first checkpoint").atMost(3, TimeUnit.MINUTES)
          .pollInterval(Duration.ofMillis(100)).until(() -> fixture.committedOffset("restart"), offset -> offset > 0);
      System.out.printf("Kafka broker stopped with %d of %d records committed, %d bytes to go%n", committed,
          fixture.published, fixture.bytesFrom(committed));
      // A consumer holds at most one fetch per partition (max.partition.fetch.bytes, 1 MiB) beyond
      // what the job has processed; with more left than twice that, it must fetch again from the
      // restarted broker.
      assertThat(fixture.bytesFrom(committed)).as("input bytes not yet committed when the broker goes")
          .isGreaterThan(2L * 1024 * 1024);

      fixture.kafka.stopBroker();
      try {
        Thread.sleep(BROKER_DOWN.toMillis()); // the broker is down this long; the job waits for it
      } finally {
        fixture.kafka.startBroker();
      }
      job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
    } finally {
      SurveyRuns.cancelIfRunning(job);
      limitConsumers(null);
    }
    fixture.assertSameAsReference("restart");
    System.out.printf("Kafka broker restart: the job failed and restarted %d times%n", SurveyRuns.failures(rest, job.getJobID()));
  }

  /** Sets (or, with null, removes) the broker's default consumer byte-rate quota for every client. */
  private static void limitConsumers(Double bytesPerSecond) throws Exception {
    ClientQuotaEntity everyClient = new ClientQuotaEntity(Collections.singletonMap(ClientQuotaEntity.CLIENT_ID, null));
    try (Admin admin = Admin.create(fixture.kafka.adminProps())) {
      admin.alterClientQuotas(List.of(new ClientQuotaAlteration(everyClient,
          List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", bytesPerSecond))))).all().get();
    }
  }
}
