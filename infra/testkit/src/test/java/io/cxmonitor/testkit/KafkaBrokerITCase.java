package io.cxmonitor.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerITCase {
  private static KafkaBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      Path dir = broker.directory();
      broker.close();
      broker.close(); // idempotent
      assertThat(dir).doesNotExist();
    }
  }

  @Test
  void producesAndConsumesThreeRecords() throws Exception {
    broker.createTopics(2, "cx.test");
    List<String> sent = List.of("a", "b", "c");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.producerProps())) {
      for (String v : sent) {
        producer.send(new ProducerRecord<>("cx.test", v.getBytes(UTF_8), v.getBytes(UTF_8))).get();
      }
    }
    List<String> received = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(broker.consumerProps("g1"))) {
      consumer.subscribe(List.of("cx.test"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          received.add(new String(r.value(), UTF_8));
        }
      }
    }
    assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void createTopicsIsIdempotentAndTopicsAreNotAutoCreated() throws Exception {
    broker.createTopics(3, "cx.idem", "cx.idem2");
    broker.createTopics(1, "cx.idem"); // exists: left alone, no error
    try (Admin admin = Admin.create(broker.adminProps())) {
      assertThat(admin.listTopics().names().get()).contains("cx.idem", "cx.idem2");
      assertThat(admin.describeTopics(Set.of("cx.idem")).allTopicNames().get().get("cx.idem").partitions()).hasSize(3);
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(withMaxBlock(broker.producerProps()))) {
      producer.send(new ProducerRecord<>("cx.never-created", new byte[0]));
    } catch (Exception expected) {
      // send may fail fast or the future may fail; either way no topic appears
    }
    try (Admin admin = Admin.create(broker.adminProps())) {
      assertThat(admin.listTopics().names().get()).doesNotContain("cx.never-created");
    }
  }

  @Test
  void listensOnLoopbackOnlyAndKeepsDataInItsTempDir() throws Exception {
    assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    assertThat(broker.directory()).isDirectory();
    assertThat(Files.list(broker.directory()).count()).isPositive();
    assumeTrue(ListeningSockets.available(), "needs /proc/net/tcp (Linux)");
    int brokerPort = port(broker.bootstrapServers());
    int controllerPort = port(broker.bootstrapControllers());
    assertThat(ListeningSockets.addressesListeningOn(brokerPort)).containsExactly("127.0.0.1");
    assertThat(ListeningSockets.addressesListeningOn(controllerPort)).containsExactly("127.0.0.1");
  }

  @Test
  void restartsOnTheSamePortWithItsLogs() throws Exception {
    try (KafkaBroker own = KafkaBroker.start()) {
      own.createTopics(1, "cx.restart");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(own.producerProps())) {
        producer.send(new ProducerRecord<>("cx.restart", "before".getBytes(UTF_8))).get();
      }
      String bootstrap = own.bootstrapServers();

      own.stopBroker();
      if (ListeningSockets.available()) {
        assertThat(ListeningSockets.addressesListeningOn(port(bootstrap))).isEmpty();
      }
      own.startBroker();

      assertThat(own.bootstrapServers()).isEqualTo(bootstrap);
      if (ListeningSockets.available()) {
        assertThat(ListeningSockets.addressesListeningOn(port(bootstrap))).containsExactly("127.0.0.1");
      }
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(own.producerProps())) {
        producer.send(new ProducerRecord<>("cx.restart", "after".getBytes(UTF_8))).get();
      }
      assertThat(own.readAll("cx.restart")).extracting(r -> new String(r.value(), UTF_8)).containsExactly("before", "after");
    }
  }

  private static Properties withMaxBlock(Properties p) {
    p.put("max.block.ms", "1000");
    return p;
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1).split(",")[0]);
  }
}
