package io.cxmonitor.platform.kafka;

import io.cxmonitor.schemas.WireFormat;
import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes single-object-encoded Avro records and validates them at the source, so that the
 * watermark only ever sees valid event times. Never throws: a bad record becomes a
 * {@link Decoded} failure that the job dead-letters.
 */
public final class DecodingDeserializer<T extends SpecificRecord> implements KafkaRecordDeserializationSchema<Decoded<T>> {
  private static final long serialVersionUID = 1L;

  /** A validation rule: returns the reason a record is unusable, or null. */
  @FunctionalInterface
  public interface Validator<T> extends Serializable {
    String problem(T value, long nowMillis);
  }

  /** Creates the codec on the task (codecs are not serializable). */
  @FunctionalInterface
  public interface CodecFactory<T extends SpecificRecord> extends Serializable, Supplier<WireFormat.Codec<T>> {}

  private final CodecFactory<T> codecFactory;
  private final Validator<T> validator;
  private final TypeInformation<Decoded<T>> producedType;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DecodingDeserializer.class);
  /** Distinct unknown enum symbols logged per subtask; beyond this they are only counted. */
  private static final int MAX_LOGGED_SYMBOLS = 100;

  private transient WireFormat.Codec<T> codec;
  private transient org.apache.flink.metrics.Counter unknownSymbolRecords;
  private transient java.util.Set<String> loggedSymbols;

  public DecodingDeserializer(CodecFactory<T> codecFactory, Validator<T> validator, TypeInformation<Decoded<T>> producedType) {
    this.codecFactory = codecFactory;
    this.validator = validator;
    this.producedType = producedType;
  }

  @Override
  public void open(org.apache.flink.api.common.serialization.DeserializationSchema.InitializationContext context) {
    codec = codecFactory.get();
    unknownSymbolRecords = context.getMetricGroup().counter("unknownEnumSymbolRecords");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<T>> out) {
    if (codec == null) {
      codec = codecFactory.get();
    }
    Decoded<T> d = new Decoded<>();
    d.topic = record.topic();
    d.partition = record.partition();
    d.offset = record.offset();
    d.timestamp = record.timestamp();
    d.rawKey = record.key();
    byte[] bytes = record.value();
    d.rawValue = bytes;
    try {
      T value = codec.decode(bytes, null);
      String problem = validator.problem(value, System.currentTimeMillis());
      if (problem == null) {
        d.value = value;
        if (!codec.unknownSymbols().isEmpty()) {
          onUnknownSymbols(d, codec.unknownSymbols());
        }
      } else {
        d.failureKind = DeadLetter.Kind.INVALID;
        d.failureReason = problem;
      }
    } catch (WireFormat.DecodeException e) {
      d.failureKind = DeadLetter.Kind.UNDECODABLE;
      d.failureReason = e.getMessage();
    }
    out.collect(d);
  }

  /** Avro read each symbol as its enum's default; the record is used, counted and the symbol logged once. */
  private void onUnknownSymbols(Decoded<T> d, java.util.List<String> symbols) {
    d.unknownSymbols = String.join(", ", symbols);
    if (unknownSymbolRecords != null) {
      unknownSymbolRecords.inc();
    }
    if (loggedSymbols == null) {
      loggedSymbols = new java.util.HashSet<>();
    }
    for (String s : symbols) {
      if (loggedSymbols.size() < MAX_LOGGED_SYMBOLS && loggedSymbols.add(s)) {
        LOG.warn("{}/{}/{}: enum symbol {} is unknown to this job and read as the enum's default; further records "
            + "with it are only counted (unknown_symbols_total). Upgrade the jobs' schemas to keep it.",
            d.topic, d.partition, d.offset, s);
      }
    }
  }

  @Override
  public TypeInformation<Decoded<T>> getProducedType() {
    return producedType;
  }
}
