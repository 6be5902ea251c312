package io.cxmonitor.platform.kafka;

import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes records in the topic's {@link ValueFormat} (Avro single-object encoding, or Confluent framing
 * with the schema registered under {@code <topic>-value} when the writer opens) with a string key,
 * stamped with the time they are written.
 */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private final DecodingDeserializer.CodecFactory<T> codecFactory;
  private final KafkaIo.KeyOf<T> key;
  private final ValueFormat format;
  private transient WireFormat.Codec<T> codec;
  /** The registry id of the schema, in Confluent framing; -1 for single-object encoding. */
  private transient int schemaId = -1;

  public AvroRecordSerializer(String topic, DecodingDeserializer.CodecFactory<T> codecFactory, KafkaIo.KeyOf<T> key) {
    this(topic, codecFactory, key, ValueFormat.SINGLE_OBJECT);
  }

  public AvroRecordSerializer(String topic, DecodingDeserializer.CodecFactory<T> codecFactory, KafkaIo.KeyOf<T> key,
      ValueFormat format) {
    this.topic = topic;
    this.codecFactory = codecFactory;
    this.key = key;
    this.format = format.forTopic(topic);
  }

  /**
   * In Confluent framing, registers the schema under the topic's subject (TopicNameStrategy), so the
   * registry's compatibility rule for the subject applies: a refused schema fails the job at start
   * with the registry's reason instead of writing records its consumers cannot read.
   */
  @Override
  public void open(org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext context,
      KafkaSinkContext sinkContext) throws Exception {
    codec = codecFactory.get();
    if (format.registry() != null) {
      schemaId = format.registry().connect().register(topic + "-value", codec.schema());
    }
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
    if (codec == null) {
      codec = codecFactory.get();
    }
    // No Kafka timestamp (the producer's clock): the record's own time fields carry the event time.
    // With the event time as Kafka timestamp, a backfill's outputs (alerts of 2011) were deleted
    // by the next retention pass soon after they were written.
    byte[] value = format.registry() == null ? codec.encode(record)
        : ConfluentFraming.frame(registeredId(), codec.encodeBody(record));
    return new ProducerRecord<>(topic, null, null, key.key(record).getBytes(StandardCharsets.UTF_8), value);
  }

  private int registeredId() {
    if (schemaId < 0) {
      throw new IllegalStateException("the serializer of " + topic + " was not opened: no schema id to frame with");
    }
    return schemaId;
  }
}
