package io.cxmonitor.platform.kafka;

import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.WireFormat;
import java.io.IOException;
import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes Avro records (single-object encoding, or Confluent framing with the writer schema from a
 * registry: {@link ValueFormat}) and validates them at the source, so that the watermark only ever
 * sees valid event times. A bad record becomes a {@link Decoded} failure that the job
 * dead-letters; the only exception is a schema registry that stays unreachable
 * ({@link SchemaRegistryClient.RegistryUnavailableException}), which fails the source so that the
 * record is read again after the restart instead of being lost.
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
  private final ValueFormat format;
  private final Validator<T> validator;
  private final TypeInformation<Decoded<T>> producedType;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DecodingDeserializer.class);
  /** Distinct unknown enum symbols logged per subtask; beyond this they are only counted. */
  private static final int MAX_LOGGED_SYMBOLS = 100;

  private transient WireFormat.Codec<T> codec;
  private transient SchemaRegistryClient registry;
  private transient org.apache.flink.metrics.Counter unknownSymbolRecords;
  private transient java.util.Set<String> loggedSymbols;
  private transient String lastTopic;
  private transient ValueFormat.Kind lastKind;

  public DecodingDeserializer(CodecFactory<T> codecFactory, Validator<T> validator, TypeInformation<Decoded<T>> producedType) {
    this(codecFactory, ValueFormat.SINGLE_OBJECT, validator, producedType);
  }

  public DecodingDeserializer(CodecFactory<T> codecFactory, ValueFormat format, Validator<T> validator,
      TypeInformation<Decoded<T>> producedType) {
    this.codecFactory = codecFactory;
    this.format = format;
    this.validator = validator;
    this.producedType = producedType;
  }

  @Override
  public void open(org.apache.flink.api.common.serialization.DeserializationSchema.InitializationContext context)
      throws Exception {
    codec = codecFactory.get();
    registry = format.registry() == null ? null : format.registry().connect();
    unknownSymbolRecords = context.getMetricGroup().counter("unknownEnumSymbolRecords");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<T>> out) throws IOException {
    if (codec == null) {
      codec = codecFactory.get();
    }
    if (registry == null && format.registry() != null) {
      registry = format.registry().connect();
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
      T value = kindOf(record.topic()) == ValueFormat.Kind.CONFLUENT && !singleObject(bytes)
          ? decodeConfluent(bytes) : codec.decode(bytes, null);
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

  /** The topic's format, looked up again only when the topic changes (its name is hashed anew for every record otherwise). */
  private ValueFormat.Kind kindOf(String topic) {
    if (!topic.equals(lastTopic)) {
      lastKind = format.kindOf(topic);
      lastTopic = topic;
    }
    return lastKind;
  }

  /**
   * Whether a record on a Confluent-framed topic is in single-object encoding all the same: its
   * first bytes ({@code C3 01}) cannot start Confluent framing ({@code 00}), so the records a topic
   * held before it switched to Confluent framing stay readable (README "Switching a topic").
   */
  private static boolean singleObject(byte[] bytes) {
    return bytes != null && bytes.length >= 2 && bytes[0] == (byte) 0xC3 && bytes[1] == 0x01;
  }

  private T decodeConfluent(byte[] bytes) throws WireFormat.DecodeException, IOException {
    int id = ConfluentFraming.schemaId(bytes);
    Schema writer;
    try {
      writer = registry.writerSchema(id);
    } catch (SchemaRegistryClient.UnusableSchemaException e) {
      throw new WireFormat.DecodeException(e.getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while asking the schema registry for schema id " + id);
    }
    return codec.decodeBody(bytes, ConfluentFraming.HEADER, writer, "schema id " + id, null);
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
