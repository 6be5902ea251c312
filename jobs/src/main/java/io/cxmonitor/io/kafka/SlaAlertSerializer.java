package io.cxmonitor.io.kafka;

import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes SLA alerts in the wire format, keyed by ticket id so one ticket's alerts stay ordered. */
public final class SlaAlertSerializer implements KafkaRecordSerializationSchema<SlaBreachAlert> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private transient WireFormat.Codec<SlaBreachAlert> codec;

  public SlaAlertSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(SlaBreachAlert alert, KafkaSinkContext context, Long timestamp) {
    if (codec == null) {
      codec = WireFormat.slaAlerts();
    }
    return new ProducerRecord<>(topic, null, alert.getDueAt().toEpochMilli(),
        alert.getTicketId().getBytes(StandardCharsets.UTF_8), codec.encode(alert));
  }
}
