package io.cxmonitor.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running inside this JVM
 * on loopback with ephemeral ports and a temporary log directory, deleted on close.
 */
public final class KafkaBroker implements AutoCloseable {
  private final KafkaClusterTestKit cluster;
  private final Path dir;

  private KafkaBroker(KafkaClusterTestKit cluster, Path dir) {
    this.cluster = cluster;
    this.dir = dir;
  }

  /** Formats storage, starts the broker and waits until it accepts clients (about 2 s). */
  public static KafkaBroker start() throws Exception {
    Path dir = Files.createTempDirectory("cx-kafka-");
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .setBaseDirectory(dir)
        .build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "4")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("auto.create.topics.enable", "false")
        .setConfigProp("num.partitions", "1")
        .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      TempDirs.delete(dir);
      throw new IllegalStateException("Kafka broker did not start: " + e.getMessage(), e);
    }
    return new KafkaBroker(cluster, dir);
  }

  /** {@code host:port} of the broker's client listener (loopback). */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates the topics with {@code partitions} partitions each; existing ones are left alone. */
  public void createTopics(int partitions, String... names) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, partitions, (short) 1));
      }
      for (var f : admin.createTopics(topics).values().values()) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }

  @Override
  public void close() throws Exception {
    try {
      cluster.close();
    } finally {
      TempDirs.delete(dir);
    }
  }
}
