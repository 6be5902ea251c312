package io.cxmonitor.platform.kafka;

import io.cxmonitor.platform.influx.RejectedPoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Points InfluxDB refused, written to the dead-letter topic as {@link DeadLetter.Kind#REJECTED}
 * records: the point's line protocol as value, the server's message as reason. At least once: the
 * sink flushes this producer (idempotent, {@code acks=all}) before its checkpoint completes, and a
 * failed send fails the checkpoint, so a replay may write a dead letter twice but never loses one.
 */
public final class RejectedPointsToDeadLetters implements RejectedPoints {
  private static final long serialVersionUID = 1L;
  /** {@code cx.source.topic} of these dead letters: they come from the InfluxDB sink, not from a topic. */
  public static final String ORIGIN = "influxdb";

  private final String bootstrapServers;
  private final String topic;
  private final int maxPayloadBytes;
  private final Properties extra;

  public RejectedPointsToDeadLetters(String bootstrapServers, String topic, int maxPayloadBytes, Properties extra) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.maxPayloadBytes = maxPayloadBytes;
    this.extra = extra;
  }

  @Override
  public Output open(String job, int subtask) {
    Properties props = new Properties();
    props.putAll(extra);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "cx-" + job + "-influx-rejected-" + subtask);
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    DeadLetterSerializer serializer = new DeadLetterSerializer(topic, maxPayloadBytes);
    List<Future<RecordMetadata>> pending = new ArrayList<>();
    return new Output() {
      @Override
      public void rejected(String lineProtocol, long timeMillis, String serverMessage) {
        DeadLetter d = new DeadLetter();
        d.kind = DeadLetter.Kind.REJECTED;
        d.reason = "InfluxDB refused the point: " + serverMessage;
        d.job = job;
        d.topic = ORIGIN;
        d.partition = -1;
        d.offset = -1;
        d.timestamp = timeMillis;
        d.value = lineProtocol.getBytes(StandardCharsets.UTF_8);
        pending.add(producer.send(serializer.serialize(d, null, null)));
      }

      @Override
      public void flush() throws IOException {
        producer.flush();
        try {
          for (Future<RecordMetadata> f : pending) {
            f.get();
          }
        } catch (ExecutionException e) {
          throw new IOException("cannot write a rejected InfluxDB point to dead-letter topic " + topic + " at "
              + bootstrapServers + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while writing dead letters", e);
        } finally {
          pending.clear();
        }
      }

      @Override
      public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
      }
    };
  }
}
