package io.cxmonitor.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link InputLossCheck} on a real broker, fed by a plain consumer: transaction markers and
 * aborted transactions leave offset gaps that are not loss; records deleted before they were read
 * are, both in the middle of a run and before a start from committed offsets.
 */
class InputLossCheckKafkaITCase {
  private static KafkaBroker kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaBroker.start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  private static byte[] bytes(int i) {
    return ("record-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Reads the whole partition through the check; returns the offsets delivered. */
  private static List<Long> readAll(String topic, Properties consumerProps, InputLossCheck check, long end,
      Runnable afterFirstPoll) throws Exception {
    List<Long> offsets = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
      consumer.subscribe(List.of(topic));
      boolean first = true;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (consumer.assignment().isEmpty() || consumer.position(tp) < end) {
        assertThat(System.nanoTime()).as("read %s to offset %d in time", topic, end).isLessThan(deadline);
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          check.observe(r.topic(), r.partition(), r.offset());
          offsets.add(r.offset());
        }
        if (first && !offsets.isEmpty()) {
          first = false;
          afterFirstPoll.run();
        }
      }
    }
    return offsets;
  }

  private static InputLossCheck check(String group, boolean fromCommitted) {
    InputLossCheck c = InputLossCheck.onBrokers(kafka.bootstrapServers(), new Properties(), group,
        fromCommitted ? KafkaIo.StartFrom.COMMITTED : KafkaIo.StartFrom.EARLIEST, false);
    c.open(null);
    return c;
  }

  @Test
  void transactionMarkersAndAbortedTransactionsAreNotLoss() throws Exception {
    String topic = "loss.tx";
    kafka.createTopics(1, topic);
    Properties p = kafka.producerProps();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "loss-it");
    int committed = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      for (int tx = 0; tx < 6; tx++) {
        producer.beginTransaction();
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>(topic, bytes(i))).get();
        }
        if (tx == 2) {
          producer.abortTransaction();
        } else {
          producer.commitTransaction();
          committed += 3;
        }
      }
    }
    long end = 6 * 4; // 6 transactions of 3 records and a marker each
    for (String isolation : List.of("read_committed", "read_uncommitted")) {
      Properties c = kafka.consumerProps("tx-" + isolation);
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
      InputLossCheck check = check("tx-" + isolation, false);
      List<Long> offsets = readAll(topic, c, check, end, () -> {});
      assertThat(offsets).as(isolation).hasSize(isolation.equals("read_committed") ? committed : 18);
      assertThat(offsets.get(offsets.size() - 1) - offsets.get(0) + 1).as("there were gaps").isGreaterThan(offsets.size());
      assertThat(check.lost()).as(isolation).isZero();
    }
  }

  @Test
  void recordsDeletedAheadOfTheConsumerAreCountedAsLost() throws Exception {
    String topic = "loss.deleted";
    kafka.createTopics(1, topic);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
      for (int i = 0; i < 30; i++) {
        producer.send(new ProducerRecord<>(topic, bytes(i))).get(); // one batch per record
      }
    }
    Properties c = kafka.consumerProps("deleted");
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1"); // one batch per fetch: little read ahead
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
    InputLossCheck check = check("deleted", false);
    TopicPartition tp = new TopicPartition(topic, 0);
    List<Long> offsets = readAll(topic, c, check, 30, () -> deleteBefore(tp, 20));

    List<Long> before = offsets.stream().filter(o -> o < 20).toList();
    assertThat(before).as("read before the deletion").hasSizeLessThan(20);
    assertThat(offsets).containsSubsequence(before.get(before.size() - 1), 20L);
    assertThat(offsets).hasSize(before.size() + 10);
    assertThat(check.lost()).isEqualTo(20 - before.size());
  }

  @Test
  void aCommittedOffsetBeforeTheLogStartIsLossAtTheFirstRecord() throws Exception {
    String topic = "loss.committed";
    TopicPartition tp = thirtyRecordsCommittedAtFiveDeletedBeforeTwelve(topic, "committed");
    InputLossCheck check = check("committed", true);
    List<Long> offsets = readAll(topic, kafka.consumerProps("committed"), check, 30, () -> {});
    assertThat(offsets.get(0)).isEqualTo(12);
    assertThat(check.lost()).isEqualTo(12 - 5);

    // the group has now read everything: a restart from its commit loses nothing
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProps("committed"))) {
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(25)));
    }
    InputLossCheck again = check("committed", true);
    readAll(topic, kafka.consumerProps("committed"), again, 30, () -> {});
    assertThat(again.lost()).isZero();
  }

  @Test
  void aBoundedRunWhoseWholeRemainderWasDeletedFailsBeforeItStarts() throws Exception {
    String topic = "loss.gone";
    TopicPartition tp = thirtyRecordsCommittedAtFiveDeletedBeforeTwelve(topic, "gone");
    // records follow the hole: the first of them will report it, in the run
    InputLossCheck.checkBoundedStart(kafka.bootstrapServers(), new Properties(), topic, "gone");
    InputLossCheck.checkBoundedStart(kafka.bootstrapServers(), new Properties(), topic, "no-such-group");

    deleteBefore(tp, 30);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> InputLossCheck.checkBoundedStart(kafka.bootstrapServers(), new Properties(), topic, "gone"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("DATA LOSS on loss.gone-0: offsets 5..29 (25 records) were never read")
        .hasMessageContaining("group 'gone' had committed offset 5, the log now starts at 30 and holds nothing after it");
  }

  private static TopicPartition thirtyRecordsCommittedAtFiveDeletedBeforeTwelve(String topic, String group) throws Exception {
    kafka.createTopics(1, topic);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
      for (int i = 0; i < 30; i++) {
        producer.send(new ProducerRecord<>(topic, bytes(i)));
      }
    }
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = Admin.create(kafka.adminProps())) {
      admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(5))).all().get();
    }
    deleteBefore(tp, 12);
    return tp;
  }

  private static void deleteBefore(TopicPartition tp, long offset) {
    try (Admin admin = Admin.create(kafka.adminProps())) {
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset))).all().get();
      await().atMost(Duration.ofSeconds(10)).until(() -> admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.earliest()))
          .partitionResult(tp).get().offset() == offset);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
