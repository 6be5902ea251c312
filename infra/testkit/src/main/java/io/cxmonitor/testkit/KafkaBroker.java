package io.cxmonitor.testkit;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import kafka.server.BrokerServer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, one process role {@code broker,controller}) running in
 * this JVM, built on Kafka's own {@code KafkaClusterTestKit}.
 *
 * <p>Both listeners (client and controller) are bound to 127.0.0.1 on ephemeral ports; data lives
 * in a fresh temporary directory that {@link #close()} deletes. Internal topics use replication
 * factor 1, consumer groups start without the initial rebalance delay, and topics are never
 * created automatically: call {@link #createTopics}. {@link #stopBroker()} and
 * {@link #startBroker()} restart the broker on the same port and log directories, for fault tests.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start()) {
 *   kafka.createTopics(2, "cx.surveys");
 *   try (var producer = new KafkaProducer<byte[], byte[]>(kafka.producerProps())) { ... }
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

  private final KafkaClusterTestKit cluster;
  private final Path dir;
  private final String bootstrapServers;
  /** What a client needs to authenticate (empty without SASL); part of every property set handed out. */
  private final Properties clientSecurity;
  /** The JVM's JAAS setting before a SASL broker's test kit replaced it (JVM-wide), restored on close. */
  private final String previousJaasConfig;
  private boolean closed;

  private KafkaBroker(KafkaClusterTestKit cluster, Path dir, Properties clientSecurity, String previousJaasConfig) {
    this.cluster = cluster;
    this.dir = dir;
    this.clientSecurity = clientSecurity;
    this.previousJaasConfig = previousJaasConfig;
    int port = cluster.brokers().values().iterator().next().boundPort(cluster.nodes().brokerListenerName());
    this.bootstrapServers = "127.0.0.1:" + port;
  }

  /**
   * Formats storage in a new temporary directory, starts the broker and waits until it serves
   * clients (a few seconds).
   *
   * @throws IOException if the broker does not start; the temporary directory is deleted then
   */
  public static KafkaBroker start() throws IOException, InterruptedException {
    return start(null, null);
  }

  /**
   * As {@link #start()}, but the client listener accepts only SASL/PLAIN (over plaintext: loopback
   * only) and knows one user, who may do everything. {@link #adminProps()}, {@link #producerProps()},
   * {@link #consumerProps} and this class's own clients log in as that user; any other client, or a
   * wrong password, is refused.
   */
  public static KafkaBroker startWithSaslPlain(String user, String password) throws IOException, InterruptedException {
    return start(Objects.requireNonNull(user, "user"), Objects.requireNonNull(password, "password"));
  }

  private static KafkaBroker start(String saslUser, String saslPassword) throws IOException, InterruptedException {
    Path dir = TempDirs.create("cx-kafka-");
    KafkaClusterTestKit cluster = null;
    String previousJaasConfig = System.getProperty(JAAS_CONFIG);
    try {
      TestKitNodes.Builder nodesBuilder = new TestKitNodes.Builder();
      if (saslUser != null) {
        nodesBuilder.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
      }
      TestKitNodes nodes = nodesBuilder
          .setCombined(true)
          .setNumBrokerNodes(1)
          .setNumControllerNodes(1)
          .setBaseDirectory(dir)
          .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
          .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
          .setConfigProp("listeners", nodes.brokerListenerName().value() + "://127.0.0.1:0,"
              + nodes.controllerListenerName().value() + "://127.0.0.1:0")
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("offsets.topic.num.partitions", "4")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("transaction.state.log.num.partitions", "4")
          .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
          .setConfigProp("share.coordinator.state.topic.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("auto.create.topics.enable", "false")
          .setConfigProp("num.partitions", "1");
      Properties clientSecurity = new Properties();
      if (saslUser != null) {
        // The broker's own JAAS section for its client listener: the one user, who is also the
        // listener's inter-broker identity. The controller listener stays PLAINTEXT (ANONYMOUS).
        String jaas = PlainLoginModule.class.getName() + " required username=" + jaasQuote(saslUser)
            + " password=" + jaasQuote(saslPassword) + " user_" + saslUser + "=" + jaasQuote(saslPassword) + ";";
        builder.setConfigProp("listener.name." + nodes.brokerListenerName().value().toLowerCase(Locale.ROOT)
                + ".plain.sasl.jaas.config", jaas)
            .setConfigProp("super.users", "User:" + saslUser + ";User:ANONYMOUS");
        clientSecurity.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        clientSecurity.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        clientSecurity.put(SaslConfigs.SASL_JAAS_CONFIG, PlainLoginModule.class.getName() + " required username="
            + jaasQuote(saslUser) + " password=" + jaasQuote(saslPassword) + ";");
      }
      bindControllerToLoopback(builder);
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KafkaBroker(cluster, dir, clientSecurity, previousJaasConfig);
    } catch (InterruptedException e) {
      abort(cluster, dir);
      restoreJaasConfig(previousJaasConfig);
      throw e;
    } catch (Exception e) {
      abort(cluster, dir);
      restoreJaasConfig(previousJaasConfig);
      throw new IOException("Kafka broker (KRaft, in-JVM) did not start: " + e, e);
    }
  }

  /**
   * Swaps the test kit's socket manager for one that binds the pre-bound controller socket to
   * 127.0.0.1 (the stock one binds it to the wildcard address). Falls back to the stock manager,
   * with a warning, if a future test kit no longer has the field.
   */
  private static void bindControllerToLoopback(KafkaClusterTestKit.Builder builder) {
    try {
      Field f = KafkaClusterTestKit.Builder.class.getDeclaredField("socketFactoryManager");
      f.setAccessible(true);
      PreboundSocketFactoryManager stock = (PreboundSocketFactoryManager) f.get(builder);
      f.set(builder, new LoopbackSocketFactoryManager());
      stock.close(); // it has not opened anything yet
    } catch (Exception | LinkageError e) {
      LOG.warn("Kafka controller listener will bind to all interfaces, not just 127.0.0.1: "
          + "cannot replace KafkaClusterTestKit.Builder.socketFactoryManager ({})", e.toString());
    }
  }

  private static final String JAAS_CONFIG = "java.security.auth.login.config";

  /** A SASL test kit points the JVM-wide JAAS setting at a file it deletes on close: undo that. */
  private static void restoreJaasConfig(String previous) {
    if (Objects.equals(System.getProperty(JAAS_CONFIG), previous)) {
      return;
    }
    if (previous == null) {
      System.clearProperty(JAAS_CONFIG);
    } else {
      System.setProperty(JAAS_CONFIG, previous);
    }
    javax.security.auth.login.Configuration.setConfiguration(null);
  }

  private static void abort(KafkaClusterTestKit cluster, Path dir) {
    if (cluster != null) {
      try {
        cluster.close();
      } catch (Exception e) {
        LOG.warn("closing the half-started Kafka broker failed", e);
      }
    }
    TempDirs.delete(dir);
  }

  /** The broker's client listener, {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The controller listener(s), {@code host:port}, for tools that talk to the KRaft quorum. */
  public String bootstrapControllers() {
    return cluster.bootstrapControllers().replace("localhost:", "127.0.0.1:");
  }

  /** Where the broker keeps its data; deleted by {@link #close()}. */
  public Path directory() {
    return dir;
  }

  /**
   * Creates topics with {@code partitions} partitions each and replication factor 1. Topics that
   * already exist are left as they are (whatever their partition count), so this is idempotent.
   *
   * @throws ExecutionException if the broker rejects a topic for another reason (its cause says why)
   */
  public void createTopics(int partitions, String... names) throws InterruptedException, ExecutionException {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names) {
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    try (Admin admin = Admin.create(adminProps())) {
      for (var result : admin.createTopics(topics).values().entrySet()) {
        try {
          result.getValue().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new ExecutionException("cannot create topic " + result.getKey() + ": " + e.getCause(), e.getCause());
          }
        }
      }
    }
  }

  /**
   * Client properties with {@code bootstrap.servers} (and, for a SASL broker, the login), e.g. for
   * {@link Admin#create(Properties)}.
   */
  public Properties adminProps() {
    Properties p = new Properties();
    p.putAll(clientSecurity);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  private static String jaasQuote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /**
   * Producer properties: this broker, {@code byte[]} keys and values, {@code acks=all}. A fresh
   * copy each call; add or override entries freely.
   */
  public Properties producerProps() {
    Properties p = adminProps();
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  /**
   * Consumer properties: this broker, group {@code groupId}, {@code byte[]} keys and values, and
   * {@code auto.offset.reset=earliest} so a new group reads what was produced before it joined. A
   * fresh copy each call.
   */
  public Properties consumerProps(String groupId) {
    Properties p = adminProps();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return p;
  }

  /** Every record of partition 0 of {@code topic}, from the beginning to the current end (committed records only). */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties p = adminProps();
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    return out;
  }

  /** A record header as UTF-8 text, null when absent. */
  public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * Shuts the broker down (a controlled shutdown, as {@code kafka-server-stop.sh} does): clients lose
   * their connections and get none until {@link #startBroker()}. The node's KRaft controller keeps
   * running, and the log directories stay as they are.
   */
  public synchronized void stopBroker() {
    BrokerServer broker = broker();
    broker.shutdown();
    broker.awaitShutdown();
  }

  /**
   * Starts the broker again after {@link #stopBroker()}, on the same port (the test kit re-binds the
   * listener's port) and the same log directories, and waits until it serves clients again.
   *
   * @throws IOException if it does not come back
   */
  public synchronized void startBroker() throws IOException, InterruptedException {
    try {
      broker().startup();
      cluster.waitForReadyBrokers();
    } catch (ExecutionException | RuntimeException e) {
      throw new IOException("Kafka broker did not restart: " + e, e);
    }
  }

  private BrokerServer broker() {
    return cluster.brokers().values().iterator().next();
  }

  /**
   * Stops the broker and deletes its directory. Idempotent.
   *
   * @throws IllegalStateException if the broker did not shut down cleanly (the directory is still
   *     deleted)
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Kafka broker did not shut down cleanly: " + e, e);
    } finally {
      TempDirs.delete(dir);
      restoreJaasConfig(previousJaasConfig);
    }
  }

  @Override
  public String toString() {
    return "KafkaBroker[" + bootstrapServers + ", " + dir + "]";
  }
}
