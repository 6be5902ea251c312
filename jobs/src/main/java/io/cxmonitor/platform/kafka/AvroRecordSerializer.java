package io.cxmonitor.platform.kafka;

import io.cxmonitor.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes records in the wire format (Avro single-object encoding) with a string key, stamped with the time they are written. */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private final DecodingDeserializer.CodecFactory<T> codecFactory;
  private final KafkaIo.KeyOf<T> key;
  private transient WireFormat.Codec<T> codec;

  public AvroRecordSerializer(String topic, DecodingDeserializer.CodecFactory<T> codecFactory, KafkaIo.KeyOf<T> key) {
    this.topic = topic;
    this.codecFactory = codecFactory;
    this.key = key;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
    if (codec == null) {
      codec = codecFactory.get();
    }
    // No Kafka timestamp (the producer's clock): the record's own time fields carry the event time.
    // With the event time as Kafka timestamp, a backfill's outputs (alerts of 2011) were deleted
    // by the next retention pass soon after they were written.
    return new ProducerRecord<>(topic, null, null, key.key(record).getBytes(StandardCharsets.UTF_8), codec.encode(record));
  }
}
