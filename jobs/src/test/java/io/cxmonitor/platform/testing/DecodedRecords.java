package io.cxmonitor.platform.testing;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.kafka.DecodingDeserializer;
import io.cxmonitor.schemas.WireFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Builds the {@link Decoded} records one input topic would yield, by handing Kafka records to the
 * job's own {@link DecodingDeserializer}: a test feeds exactly what the Kafka source would emit
 * (decoded value or failure kind and reason, topic, partition, offset, timestamp, original bytes).
 * Offsets count up from 0 on partition 0, in the order the records are built.
 */
public final class DecodedRecords<T extends SpecificRecord> {
  private final String topic;
  private final DecodingDeserializer<T> deserializer;
  private final WireFormat.Codec<T> codec;
  private final Function<T, Instant> eventTime;
  private long nextOffset;

  /**
   * @param codec the codec the deserializer decodes with; used here to encode good and invalid values
   * @param eventTime the record's event time, used as the Kafka timestamp as the producers do
   */
  public DecodedRecords(String topic, DecodingDeserializer<T> deserializer, DecodingDeserializer.CodecFactory<T> codec,
      Function<T, Instant> eventTime) {
    this.topic = topic;
    this.deserializer = deserializer;
    this.codec = codec.get();
    this.eventTime = eventTime;
  }

  public String topic() {
    return topic;
  }

  public TypeInformation<Decoded<T>> type() {
    return deserializer.getProducedType();
  }

  /** The wire bytes of {@code value}, as a producer writes them (to compare with a dead letter's value). */
  public byte[] encode(T value) {
    return codec.encode(value);
  }

  /** A record the job uses. Fails if the job's validation would reject it, so a test cannot feed a bad "good" record. */
  public Decoded<T> good(T value) {
    Decoded<T> d = deserialize(encode(value), timestampOf(value));
    if (!d.ok()) {
      throw new IllegalArgumentException("not a good record, the job rejects it as " + d.failureKind + ": " + d.failureReason);
    }
    return d;
  }

  /** A record that decodes but breaks a validation rule; fails if the job would accept it. */
  public Decoded<T> invalid(T value) {
    Decoded<T> d = deserialize(encode(value), timestampOf(value));
    if (d.failureKind != DeadLetter.Kind.INVALID) {
      throw new IllegalArgumentException("not an invalid record, the job " + (d.ok() ? "accepts it" : "rejects it as " + d.failureKind));
    }
    return d;
  }

  /** Bytes that are not a decodable record, with the Kafka timestamp they carry. */
  public Decoded<T> undecodable(byte[] value, Instant kafkaTimestamp) {
    Decoded<T> d = deserialize(value, kafkaTimestamp.toEpochMilli());
    if (d.failureKind != DeadLetter.Kind.UNDECODABLE) {
      throw new IllegalArgumentException("the bytes decode (" + (d.ok() ? "as a good record" : d.failureKind) + ")");
    }
    return d;
  }

  private long timestampOf(T value) {
    return Optional.ofNullable(eventTime.apply(value)).map(Instant::toEpochMilli).orElse(ConsumerRecord.NO_TIMESTAMP);
  }

  private Decoded<T> deserialize(byte[] value, long timestamp) {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(topic, 0, nextOffset++, timestamp, TimestampType.CREATE_TIME,
        0, value.length, null, value, new RecordHeaders(), Optional.empty());
    List<Decoded<T>> out = new ArrayList<>(1);
    try {
      deserializer.deserialize(record, new ListCollector<>(out));
    } catch (java.io.IOException e) { // only from a schema registry, which these tests do not use
      throw new java.io.UncheckedIOException(e);
    }
    if (out.size() != 1) {
      throw new IllegalStateException("the deserializer emitted " + out.size() + " records for one Kafka record");
    }
    return out.get(0);
  }
}
