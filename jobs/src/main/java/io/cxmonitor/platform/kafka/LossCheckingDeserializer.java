package io.cxmonitor.platform.kafka;

import java.io.IOException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Passes each record's offset to an {@link InputLossCheck}, then to the wrapped deserializer. */
final class LossCheckingDeserializer<T> implements KafkaRecordDeserializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final KafkaRecordDeserializationSchema<T> inner;
  private final InputLossCheck check;

  LossCheckingDeserializer(KafkaRecordDeserializationSchema<T> inner, InputLossCheck check) {
    this.inner = inner;
    this.check = check;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) throws Exception {
    check.open(context.getMetricGroup());
    inner.open(context);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) throws IOException {
    check.observe(record.topic(), record.partition(), record.offset());
    inner.deserialize(record, out);
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return inner.getProducedType();
  }
}
