package io.cxmonitor.tools.generator;

import io.cxmonitor.platform.kafka.KafkaIo;
import io.cxmonitor.platform.kafka.SchemaRegistryClient;
import io.cxmonitor.platform.kafka.ValueFormat;
import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Encodes generated records in the wire format — single-object encoding, or Confluent framing with
 * each topic's schema registered under {@code <topic>-value} — and sends them to Kafka, counting
 * failures.
 */
public final class KafkaPublisher implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final WireFormat.Codec<SurveyResponse> surveys = WireFormat.surveys();
  private final WireFormat.Codec<InteractionEvent> interactions = WireFormat.interactions();
  private final WireFormat.Codec<CustomerLifecycleEvent> lifecycle = WireFormat.lifecycle();
  private final WireFormat.Codec<io.cxmonitor.schemas.FollowUpDone> followUpsDone = WireFormat.followUpsDone();
  private final ValueFormat format;
  /** In Confluent framing: a client of the registry and the id of each topic's schema. */
  private final SchemaRegistryClient registry;
  private final Map<String, Integer> schemaIds = new HashMap<>();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> firstError = new AtomicReference<>();

  public KafkaPublisher(String bootstrapServers) {
    this(bootstrapServers, new Properties());
  }

  /** @param clientProperties Kafka client properties (security and the like) over this publisher's defaults */
  public KafkaPublisher(String bootstrapServers, Properties clientProperties) {
    this(bootstrapServers, clientProperties, ValueFormat.SINGLE_OBJECT);
  }

  /**
   * @param format Confluent framing registers each topic's schema when the topic's first record is
   *     sent (a refused schema is an {@link java.io.UncheckedIOException} with the registry's reason)
   */
  public KafkaPublisher(String bootstrapServers, Properties clientProperties, ValueFormat format) {
    this.format = format;
    try {
      this.registry = format.registry() == null ? null : format.registry().connect();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    p.putAll(KafkaIo.byteProducerProps(bootstrapServers, clientProperties));
    this.producer = new KafkaProducer<>(p);
  }

  /**
   * Publishes a generated record stamped with the publish time; its event time stays in the
   * record, where the jobs read it. A historic simulation stamped with its event times would be
   * deleted by the broker's retention (7 days by default) before the jobs read it.
   */
  public void send(GeneratedRecord r) {
    sendRaw(r.topic(), r.key(), encode(r.topic(), r.record()));
  }

  /** {@code record} as written to {@code topic} in this publisher's format. */
  public byte[] encode(String topic, SpecificRecord record) {
    if (format.kindOf(topic) != ValueFormat.Kind.CONFLUENT) {
      return encode(record);
    }
    Integer id = schemaIds.get(topic);
    if (id == null) {
      try {
        id = registry.register(topic + "-value", record.getSchema());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while registering the schema of " + topic, e);
      }
      schemaIds.put(topic, id);
    }
    return ConfluentFraming.frame(id, codecOf(record).encodeBody(record));
  }

  /** Sends arbitrary bytes (e.g. a deliberately undecodable record), stamped with the publish time. */
  public void sendRaw(String topic, String key, byte[] value) {
    sendRaw(topic, key, value, System.currentTimeMillis());
  }

  /** Sends arbitrary bytes with an explicit Kafka timestamp. */
  public void sendRaw(String topic, String key, byte[] value, long timestamp) {
    producer.send(new ProducerRecord<>(topic, null, timestamp,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8), value), (meta, error) -> {
          if (error != null) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, error);
          }
        });
  }

  /** {@code record} in single-object encoding. */
  public byte[] encode(SpecificRecord record) {
    return codecOf(record).encode(record);
  }

  @SuppressWarnings("unchecked")
  private <T extends SpecificRecord> WireFormat.Codec<T> codecOf(T record) {
    WireFormat.Codec<?> codec;
    if (record instanceof SurveyResponse) {
      codec = surveys;
    } else if (record instanceof InteractionEvent) {
      codec = interactions;
    } else if (record instanceof CustomerLifecycleEvent) {
      codec = lifecycle;
    } else if (record instanceof io.cxmonitor.schemas.FollowUpDone) {
      codec = followUpsDone;
    } else {
      throw new IllegalArgumentException("no codec for " + record.getClass());
    }
    return (WireFormat.Codec<T>) codec;
  }

  public void flush() {
    producer.flush();
  }

  public long failed() {
    return failed.get();
  }

  public Exception firstError() {
    return firstError.get();
  }

  @Override
  /**
   * Flushes and closes the producer. When the publishing thread was interrupted (Ctrl-C in the
   * demo), what is still buffered is dropped without waiting and the interrupt is kept for the
   * caller, instead of the producer's close throwing an InterruptException with a stack trace.
   */
  public void close() {
    if (Thread.interrupted()) {
      producer.close(Duration.ZERO);
      Thread.currentThread().interrupt();
    } else {
      producer.close();
    }
  }
}
