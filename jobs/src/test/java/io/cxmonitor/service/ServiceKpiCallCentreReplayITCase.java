package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.platform.kafka.InputLossException;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.replay.CallCentreFixture;
import io.cxmonitor.tools.replay.ReplayCli;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call-centre month from a year ago (the shipped fixture) replayed through the real ReplayCli
 * onto a broker and topic with Kafka's default retention (7 days), then read by the bounded
 * service job after the broker's first retention pass (which deletes the same events stamped with
 * their event time): every event reaches InfluxDB. And when records are deleted before the job reads
 * them, the bounded run fails and says so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceKpiCallCentreReplayITCase {
  private static final String DB = "cx_callcentre";

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static KafkaBroker kafka;
  private static InfluxServer influx;
  private static CallCentreFixture.Expected expected;

  @BeforeAll
  static void start() throws Exception {
    expected = CallCentreFixture.read();
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, "cc.interactions", "cc.event-time-stamped", "cc.lost", CallCentreReplay.ALERTS,
        CallCentreReplay.DEAD_LETTERS);
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
    influx.close();
  }

  @Test
  @Order(1) // first, so that the broker's first retention pass (30 s after it starts) comes during this test
  void aYearOldMonthReplayedOntoDefaultRetentionReachesInfluxDbWhole(@TempDir Path tmp) throws Exception {
    assertThat(expected.first()).isBefore(Instant.now().minus(Duration.ofDays(365)));
    assertThat(Duration.between(expected.first(), expected.last())).isGreaterThan(Duration.ofDays(7));
    long events = expected.events().values().stream().mapToLong(Long::longValue).sum();

    Instant publishStart = Instant.now();
    ReplayCli.Summary summary = replay("cc.interactions", tmp);
    Instant publishEnd = Instant.now();
    assertThat(summary.published()).isEqualTo(events);

    // Kafka timestamps are the publish time: retention (7 days) counts from the replay
    List<Long> timestamps = timestamps("cc.interactions");
    assertThat(timestamps).hasSize((int) events)
        .allSatisfy(t -> assertThat(t).isBetween(publishStart.toEpochMilli(), publishEnd.toEpochMilli()));
    // what event-time stamps did: the same events, stamped as before, are all deleted by the broker's
    // first retention pass (30 s after it starts; the active segment is rolled and deleted too) ...
    try (KafkaPublisher old = new KafkaPublisher(kafka.bootstrapServers())) {
      for (var e : readBack("cc.interactions")) {
        long t = e.getEventTime().toEpochMilli();
        old.sendRaw("cc.event-time-stamped", e.getTicketId(), old.encode(e), t);
      }
    }
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
        .alias("the broker's retention pass deletes the event-time-stamped copy")
        .until(() -> logStart("cc.event-time-stamped"), start -> start == events);
    // ... while the replay is untouched
    assertThat(logStart("cc.interactions")).isZero();

    CallCentreReplay.runServiceJob(kafka, influx, "callcentre-replay-it", "cc.interactions", "cc", DB,
        "--start-from", "EARLIEST", "--parallelism", "2");
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      QueryResult q = client.query(new Query("SELECT sum(\"opened\"), sum(\"resolved\"), sum(\"abandoned\"), sum(\"queued\") FROM \"cx_service\" "
          + "WHERE \"window\" = '1h' AND \"channel\" = 'all' AND \"team\" = 'all' AND \"region\" = 'all' "
          + "AND \"priority\" = 'all' AND \"product\" = 'all'", DB));
      List<Object> sums = q.getResults().get(0).getSeries().get(0).getValues().get(0);
      assertThat(((Number) sums.get(1)).longValue()).as("opened").isEqualTo(expected.events().get(InteractionType.OPENED));
      assertThat(((Number) sums.get(2)).longValue()).as("resolved").isEqualTo(expected.events().get(InteractionType.RESOLVED));
      assertThat(((Number) sums.get(3)).longValue()).as("abandoned").isEqualTo(expected.events().get(InteractionType.ABANDONED));
      assertThat(((Number) sums.get(4)).longValue()).as("queued").isEqualTo(expected.events().get(InteractionType.QUEUED));
    }
  }

  @Test
  @Order(2)
  @Timeout(180)
  void aBoundedRunOverDeletedInputFailsAndSaysWhatWasLost(@TempDir Path tmp) throws Exception {
    replay("cc.lost", tmp);
    TopicPartition tp = new TopicPartition("cc.lost", 0);
    try (Admin admin = Admin.create(kafka.adminProps())) {
      // the group had read 40 records; then 160 more were deleted before it came back
      admin.alterConsumerGroupOffsets("cc-lost", Map.of(tp, new OffsetAndMetadata(40))).all().get();
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(200))).all().get();
    }
    assertThat(logStart("cc.lost")).isEqualTo(200);

    assertThatThrownBy(() -> CallCentreReplay.runServiceJob(kafka, influx, "callcentre-lost-it", "cc.lost", "cc-lost",
        DB + "_lost", "--start-from", "COMMITTED", "--parallelism", "1"))
        .rootCause()
        .isInstanceOf(InputLossException.class)
        .hasMessageContaining("DATA LOSS on cc.lost-0: offsets 40..199 (up to 160 records) were never read")
        .hasMessageContaining("group 'cc-lost' had committed offset 40")
        .hasMessageContaining("A bounded run fails");
  }

  private static ReplayCli.Summary replay(String topic, Path tmp) throws Exception {
    return CallCentreReplay.replay(kafka, topic, tmp);
  }

  private static long logStart(String topic) throws Exception {
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = Admin.create(kafka.adminProps())) {
      return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
    }
  }

  private static List<Long> timestamps(String topic) {
    List<Long> out = new ArrayList<>();
    consume(topic, r -> out.add(r.timestamp()));
    return out;
  }

  private static List<io.cxmonitor.schemas.InteractionEvent> readBack(String topic) {
    var codec = io.cxmonitor.schemas.WireFormat.interactions();
    List<io.cxmonitor.schemas.InteractionEvent> out = new ArrayList<>();
    consume(topic, r -> {
      try {
        out.add(codec.decode(r.value(), null));
      } catch (io.cxmonitor.schemas.WireFormat.DecodeException e) {
        throw new AssertionError("the replay published an undecodable record", e);
      }
    });
    return out;
  }

  private static void consume(String topic, java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> each) {
    TopicPartition tp = new TopicPartition(topic, 0);
    try (var consumer = new KafkaConsumer<byte[], byte[]>(kafka.consumerProps("check-" + topic))) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        consumer.poll(Duration.ofMillis(500)).forEach(each);
      }
    }
  }
}
