package io.cxmonitor.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a {@link DeadLetter} as the original key and value, with reason and origin as headers. A
 * record too large to be written again (its copy plus headers would exceed the producer's
 * {@code max.request.size}, fail the write and restart the job onto the same record) is cut to
 * {@link #maxPayloadBytes} and flagged, so the dead letter is written and the job goes on.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;

  /** Key plus value bytes kept by default: a quarter of Kafka's default 1 MiB request, room for headers. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 262_144;
  /** Reasons quote ids from the record; a hostile id must not make the headers too large either. */
  static final int MAX_REASON_CHARS = 1_000;

  private final String topic;
  private final int maxPayloadBytes;

  public DeadLetterSerializer(String topic) {
    this(topic, DEFAULT_MAX_PAYLOAD_BYTES);
  }

  public DeadLetterSerializer(String topic, int maxPayloadBytes) {
    if (maxPayloadBytes < 2) {
      throw new IllegalArgumentException("maxPayloadBytes must be at least 2, got " + maxPayloadBytes);
    }
    this.topic = topic;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    header(headers, DeadLetter.HEADER_KIND, d.kind.name());
    header(headers, DeadLetter.HEADER_REASON, shortened(d.reason));
    header(headers, DeadLetter.HEADER_JOB, d.job);
    header(headers, DeadLetter.HEADER_TOPIC, d.topic);
    header(headers, DeadLetter.HEADER_PARTITION, Integer.toString(d.partition));
    header(headers, DeadLetter.HEADER_OFFSET, Long.toString(d.offset));
    header(headers, DeadLetter.HEADER_TIMESTAMP, Long.toString(d.timestamp));
    byte[] key = d.key;
    byte[] value = d.value;
    int keySize = key == null ? 0 : key.length;
    int valueSize = value == null ? 0 : value.length;
    if ((long) keySize + valueSize > maxPayloadBytes) {
      // The value is cut first; the key only where it alone takes more than half the budget.
      int keptKey = Math.min(keySize, maxPayloadBytes / 2);
      key = key == null ? null : Arrays.copyOf(key, keptKey);
      value = value == null ? null : Arrays.copyOf(value, Math.min(valueSize, maxPayloadBytes - keptKey));
      header(headers, DeadLetter.HEADER_TRUNCATED, "true");
      header(headers, DeadLetter.HEADER_ORIGINAL_KEY_SIZE, Integer.toString(keySize));
      header(headers, DeadLetter.HEADER_ORIGINAL_VALUE_SIZE, Integer.toString(valueSize));
    }
    return new ProducerRecord<>(topic, null, null, key, value, headers);
  }

  private static String shortened(String reason) {
    if (reason == null || reason.length() <= MAX_REASON_CHARS) {
      return reason;
    }
    return reason.substring(0, MAX_REASON_CHARS) + "... (" + reason.length() + " characters)";
  }

  private static void header(RecordHeaders headers, String name, String value) {
    if (value != null) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
