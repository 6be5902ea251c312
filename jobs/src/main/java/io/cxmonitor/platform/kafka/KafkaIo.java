package io.cxmonitor.platform.kafka;

import io.cxmonitor.schemas.SlaBreachAlert;
import org.apache.avro.specific.SpecificRecord;
import io.cxmonitor.schemas.WireFormat;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Builds Kafka sources and sinks for any cx-monitor record type. */
public final class KafkaIo {
  private KafkaIo() {}

  /** Where a job starts reading when it has no checkpoint or savepoint. */
  public enum StartFrom {
    /** Committed group offsets, else earliest: the normal production start. */
    COMMITTED,
    EARLIEST,
    LATEST
  }

  /** Properties of a plain producer of bytes (the CLIs): every write acknowledged by all replicas, no duplicates from retries. */
  public static Properties byteProducerProps(String bootstrapServers) {
    return byteProducerProps(bootstrapServers, new Properties());
  }

  /**
   * Like {@link #byteProducerProps(String)}, with {@code extra} client properties (security and the like) over the
   * defaults; the address and the serializers cannot be overridden.
   */
  public static Properties byteProducerProps(String bootstrapServers, Properties extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.putAll(extra);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /**
   * Avro records of any cx-monitor type in {@code format}, keyed by {@code key}; {@code extra} are the job's
   * client properties (security and the like).
   */
  public static <T extends SpecificRecord> KafkaSink<T> avroSink(String bootstrapServers, String topic,
      DecodingDeserializer.CodecFactory<T> codec, KeyOf<T> key, ValueFormat format, Properties extra) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(bootstrapServers)
        .setRecordSerializer(new AvroRecordSerializer<>(topic, codec, key, format))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setKafkaProducerConfig(extra)
        .build();
  }

  /** The Kafka key of a record. */
  @FunctionalInterface
  public interface KeyOf<T> extends java.io.Serializable {
    String key(T record);
  }

  /**
   * A Kafka source of one topic that decodes and validates with {@code deserializer}, and checks
   * that no input was deleted before it was read ({@link InputLossCheck}: counted and logged; a
   * bounded run fails).
   */
  public static <T extends SpecificRecord> KafkaSource<Decoded<T>> source(String bootstrapServers, String topic,
      String groupId, StartFrom startFrom, boolean bounded, Properties extra, DecodingDeserializer<T> deserializer) {
    KafkaSourceBuilder<Decoded<T>> b = KafkaSource.<Decoded<T>>builder()
        .setBootstrapServers(bootstrapServers)
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(switch (startFrom) {
          case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
          case EARLIEST -> OffsetsInitializer.earliest();
          case LATEST -> OffsetsInitializer.latest();
        })
        .setDeserializer(new LossCheckingDeserializer<>(deserializer,
            InputLossCheck.onBrokers(bootstrapServers, extra, groupId, startFrom, bounded)))
        .setProperty("commit.offsets.on.checkpoint", "true")
        .setProperty("partition.discovery.interval.ms", "60000")
        .setProperties(extra);
    if (bounded) {
      b.setBounded(OffsetsInitializer.latest());
      if (startFrom == StartFrom.COMMITTED) {
        InputLossCheck.checkBoundedStart(bootstrapServers, extra, topic, groupId);
      }
    }
    return b.build();
  }

  /** Avro single-object-encoded SLA alerts, keyed by ticket id. */
  public static KafkaSink<SlaBreachAlert> slaAlertSink(String bootstrapServers, String topic, ValueFormat format,
      Properties extra) {
    return avroSink(bootstrapServers, topic, WireFormat::slaAlerts, SlaBreachAlert::getTicketId, format, extra);
  }

  public static KafkaSink<DeadLetter> deadLetterSink(String bootstrapServers, String topic, Properties extra) {
    return deadLetterSink(bootstrapServers, topic, DeadLetterSerializer.DEFAULT_MAX_PAYLOAD_BYTES, extra);
  }

  /** Dead letters with key and value cut to {@code maxPayloadBytes} (see {@link DeadLetterSerializer}). */
  public static KafkaSink<DeadLetter> deadLetterSink(String bootstrapServers, String topic, int maxPayloadBytes,
      Properties extra) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(bootstrapServers)
        .setRecordSerializer(new DeadLetterSerializer(topic, maxPayloadBytes))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setKafkaProducerConfig(extra)
        .build();
  }
}
