package io.cxmonitor.platform.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Writes a {@link DeadLetter} as the original key and value, with reason and origin as headers. */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;

  private final String topic;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    header(headers, DeadLetter.HEADER_KIND, d.kind.name());
    header(headers, DeadLetter.HEADER_REASON, d.reason);
    header(headers, DeadLetter.HEADER_JOB, d.job);
    header(headers, DeadLetter.HEADER_TOPIC, d.topic);
    header(headers, DeadLetter.HEADER_PARTITION, Integer.toString(d.partition));
    header(headers, DeadLetter.HEADER_OFFSET, Long.toString(d.offset));
    header(headers, DeadLetter.HEADER_TIMESTAMP, Long.toString(d.timestamp));
    return new ProducerRecord<>(topic, null, null, d.key, d.value, headers);
  }

  private static void header(RecordHeaders headers, String name, String value) {
    if (value != null) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
