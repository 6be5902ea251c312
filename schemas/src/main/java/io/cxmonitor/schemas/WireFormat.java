package io.cxmonitor.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The wire format of every cx-monitor topic: Avro single-object encoding (2-byte marker
 * {@code C3 01}, 8-byte CRC-64-AVRO schema fingerprint, Avro binary body).
 *
 * <p>Decoders resolve the writer's fingerprint against every schema version this module ships
 * (resources {@code history/<Record>/v<N>.avsc}), so data written by an older producer is read
 * with the current classes through Avro schema resolution.
 */
public final class WireFormat {

  private static final String HISTORY_ROOT = "/io/cxmonitor/schemas/history/";

  private WireFormat() {}

  /** All shipped versions of a record schema, oldest first. */
  public static List<Schema> history(String recordName) {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      String path = HISTORY_ROOT + recordName + "/v" + v + ".avsc";
      try (InputStream in = WireFormat.class.getResourceAsStream(path)) {
        if (in == null) {
          break;
        }
        versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read schema history " + path, e);
      }
    }
    return Collections.unmodifiableList(versions);
  }

  /** A schema store holding every shipped version of the given record. */
  public static SchemaStore.Cache storeFor(String recordName) {
    SchemaStore.Cache store = new SchemaStore.Cache();
    history(recordName).forEach(store::addSchema);
    return store;
  }

  public static Codec<SurveyResponse> surveys() {
    return new Codec<>(SurveyResponse.class, SurveyResponse.getClassSchema());
  }

  public static Codec<InteractionEvent> interactions() {
    return new Codec<>(InteractionEvent.class, InteractionEvent.getClassSchema());
  }

  public static Codec<CustomerLifecycleEvent> lifecycle() {
    return new Codec<>(CustomerLifecycleEvent.class, CustomerLifecycleEvent.getClassSchema());
  }

  public static Codec<SlaBreachAlert> slaAlerts() {
    return new Codec<>(SlaBreachAlert.class, SlaBreachAlert.getClassSchema());
  }

  public static Codec<AtRiskEvent> atRisk() {
    return new Codec<>(AtRiskEvent.class, AtRiskEvent.getClassSchema());
  }

  public static Codec<FollowUpAction> followUps() {
    return new Codec<>(FollowUpAction.class, FollowUpAction.getClassSchema());
  }

  public static Codec<FollowUpDone> followUpsDone() {
    return new Codec<>(FollowUpDone.class, FollowUpDone.getClassSchema());
  }

  /** Thrown when bytes are not a decodable single-object-encoded record; the message says why. */
  public static final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public DecodeException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Encoder and decoder of one record type. Not thread-safe for decoding into a reused instance;
   * create one per task.
   */
  public static final class Codec<T extends SpecificRecord> {
    private static final int HEADER = 10;
    /** Writer schemas {@link #decodeBody} keeps a resolved reader for; more are resolved again when met. */
    private static final int MAX_WRITERS = 64;

    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final SchemaStore store;
    private final Schema schema;
    private final Class<T> type;
    private final Map<String, Set<String>> readerEnums;
    private List<String> unknownSymbols = List.of();
    /** The writer schema of the last record decoded, and its resolved reader: almost every record has the same. */
    private long lastFingerprint;
    private Schema lastWriter;
    private org.apache.avro.specific.SpecificDatumReader<T> lastReader;
    private org.apache.avro.io.BinaryDecoder bodyDecoder;

    Codec(Class<T> type, Schema schema) {
      this(type, schema, storeFor(schema.getName()));
    }

    /** With a store of writer schemas other than the shipped history (tests of schema resolution). */
    Codec(Class<T> type, Schema schema, SchemaStore store) {
      this.schema = schema;
      this.type = type;
      SpecificData model = SpecificData.getForClass(type);
      this.store = store;
      this.readerEnums = BodyWalk.enumsOf(schema);
      this.encoder = new BinaryMessageEncoder<>(model, schema);
      this.decoder = new BinaryMessageDecoder<>(model, schema, store);
    }

    public Schema schema() {
      return schema;
    }

    /**
     * A codec that also reads records written with {@code writerSchemas} (Avro schema JSON) — a
     * producer's newer schema the jobs do not ship yet, e.g. with a symbol appended to an enum,
     * which is then read as the enum's default and reported in {@link #unknownSymbols()}.
     *
     * @throws IllegalArgumentException if a schema is not this record type or cannot be read by the current one
     */
    public Codec<T> alsoReading(List<String> writerSchemas) {
      if (writerSchemas.isEmpty()) {
        return this;
      }
      SchemaStore.Cache extended = storeFor(schema.getName());
      for (String json : writerSchemas) {
        Schema writer = new Schema.Parser().parse(json);
        if (!writer.getFullName().equals(schema.getFullName())) {
          throw new IllegalArgumentException("writer schema " + writer.getFullName() + " is not a " + schema.getFullName());
        }
        var compatibility = org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(schema, writer);
        if (compatibility.getType() != org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          throw new IllegalArgumentException("the current " + schema.getName() + " cannot read writer schema with fingerprint "
              + Fingerprints.headerHex(org.apache.avro.SchemaNormalization.parsingFingerprint64(writer)) + ": "
              + compatibility.getResult().getIncompatibilities());
        }
        extended.addSchema(writer);
      }
      return new Codec<>(type, schema, extended);
    }

    public byte[] encode(T record) {
      try {
        ByteBuffer buffer = encoder.encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot encode " + schema.getName(), e);
      }
    }

    /** The Avro binary body alone, without any header: what Confluent framing carries after its 5 bytes. */
    public byte[] encodeBody(T record) {
      try {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(128);
        org.apache.avro.io.BinaryEncoder e = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<T>(schema, SpecificData.getForClass(type)).write(record, e);
        e.flush();
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot encode " + schema.getName(), e);
      }
    }

    /**
     * Decodes the Avro binary body that starts at {@code offset} and was written with {@code writer}
     * (a schema the caller looked up, e.g. by a registry id), resolved to this reader's schema. The
     * body is checked as in {@link #decode} before Avro allocates anything.
     *
     * @param writerName how a reason names the writer schema, e.g. "schema id 7"
     * @throws DecodeException if this reader cannot read {@code writer} or the body is not one record of it
     */
    public T decodeBody(byte[] bytes, int offset, Schema writer, String writerName, T reuse) throws DecodeException {
      unknownSymbols = List.of();
      return walkAndRead(bytes, offset, writer, readerFor(writer, writerName), writerName, reuse);
    }

    /**
     * Walks the body that starts at {@code offset} ({@link BodyWalk}) and decodes it if it is one
     * whole record of {@code writer}. Avro reads it from the array with a buffered decoder (its own
     * message decoder reads byte by byte from a stream).
     *
     * @param writerName how a reason names the writer schema
     */
    private T walkAndRead(byte[] bytes, int offset, Schema writer, org.apache.avro.specific.SpecificDatumReader<T> reader,
        String writerName, T reuse) throws DecodeException {
      BodyWalk.Outcome walk = BodyWalk.walk(writer, bytes, offset, readerEnums);
      if (walk.status() != BodyWalk.Status.COMPLETE) {
        throw new DecodeException("corrupt " + schema.getName() + " body: " + walk.detail(), null);
      }
      if (walk.end() < bytes.length) {
        throw new DecodeException("corrupt " + schema.getName() + " body: " + (bytes.length - walk.end())
            + " trailing bytes after the record, which ends at byte " + walk.end() + " of " + bytes.length
            + ": two records in one value, or a writer schema other than " + writerName, null);
      }
      try {
        bodyDecoder = org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, bodyDecoder);
        T value = reader.read(reuse, bodyDecoder);
        unknownSymbols = walk.unknownSymbols();
        return value;
      } catch (IOException | RuntimeException e) {
        throw new DecodeException("corrupt " + schema.getName() + " body: " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
      }
    }

    /** Readers per writer schema, with the verdict of Avro's compatibility check; bounded (LRU). */
    private final Map<Schema, Object> resolved = new java.util.LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Schema, Object> eldest) {
        return size() > MAX_WRITERS;
      }
    };

    @SuppressWarnings("unchecked")
    private org.apache.avro.specific.SpecificDatumReader<T> readerFor(Schema writer, String writerName)
        throws DecodeException {
      Object r = resolved.computeIfAbsent(writer, w -> {
        if (w.getType() != Schema.Type.RECORD || !w.getFullName().equals(schema.getFullName())) {
          return writerName + " is " + (w.getType() == Schema.Type.RECORD ? w.getFullName() : "a " + w.getType())
              + ", not " + schema.getFullName() + ": a record of another type on this topic";
        }
        var compatibility = org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(schema, w);
        if (compatibility.getType() != org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          return writerName + " cannot be read as the current " + schema.getName() + ": "
              + compatibility.getResult().getIncompatibilities().stream()
                  .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")").toList();
        }
        return new org.apache.avro.specific.SpecificDatumReader<T>(w, schema, SpecificData.getForClass(type));
      });
      if (r instanceof String problem) {
        throw new DecodeException(problem, null);
      }
      return (org.apache.avro.specific.SpecificDatumReader<T>) r;
    }

    /**
     * Enum symbols of the last decoded record that this reader does not know, as
     * {@code Record.field = SYMBOL}: Avro read each as the enum's default. Empty almost always.
     */
    public List<String> unknownSymbols() {
      return unknownSymbols;
    }

    /** Decodes into {@code reuse} when not null; errors carry a reason fit for a dead-letter header. */
    public T decode(byte[] bytes, T reuse) throws DecodeException {
      unknownSymbols = List.of();
      if (bytes == null) {
        throw new DecodeException("empty record value (null): a tombstone or a producer that sent no value", null);
      }
      if (bytes.length == 0) {
        throw new DecodeException("empty record value (0 bytes)", null);
      }
      Schema writer = writerOf(bytes);
      if (writer != null) {
        return decodeShipped(bytes, writer, reuse);
      }
      try {
        return decoder.decode(bytes, reuse);
      } catch (MissingSchemaException e) {
        String other = bytes.length < HEADER ? null : Fingerprints.shippedAs(fingerprintOf(bytes));
        throw new DecodeException("unknown schema fingerprint: not a " + schema.getName() + " version this job ships"
            + (other == null ? " (schemas CLI: check a sample against the shipped fingerprints)"
                : "; it is the fingerprint of " + other + ": a record of another type on this topic"), e);
      } catch (BadHeaderException e) {
        throw new DecodeException(
            "not Avro single-object encoding (" + e.getMessage() + ")", e);
      } catch (IOException | RuntimeException e) {
        throw new DecodeException(
            "corrupt " + schema.getName() + " body: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
      }
    }

    /** The writer schema a single-object header names, if this store has it; null otherwise (Avro then reports why in its own words). */
    private Schema writerOf(byte[] bytes) {
      if (bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
        return null;
      }
      long fingerprint = fingerprintOf(bytes);
      if (lastWriter != null && fingerprint == lastFingerprint) {
        return lastWriter;
      }
      Schema writer = store.findByFingerprint(fingerprint);
      if (writer != null) {
        lastFingerprint = fingerprint;
        lastWriter = writer;
        lastReader = null;
      }
      return writer;
    }

    /** Decodes a record whose header names {@code writer}, a schema of this store, with the reader resolved once for it. */
    private T decodeShipped(byte[] bytes, Schema writer, T reuse) throws DecodeException {
      if (lastReader == null) {
        lastReader = readerFor(writer, "the schema of fingerprint " + Fingerprints.headerHex(lastFingerprint));
      }
      return walkAndRead(bytes, HEADER, writer, lastReader, "its fingerprint names", reuse);
    }
  }

  /** The CRC-64-AVRO fingerprint in a single-object header (bytes 2..9, little-endian). */
  static long fingerprintOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** The current schema of every record type this module ships, by record name. */
  public static Map<String, Schema> currentSchemas() {
    return Map.of(
        SurveyResponse.getClassSchema().getName(), SurveyResponse.getClassSchema(),
        InteractionEvent.getClassSchema().getName(), InteractionEvent.getClassSchema(),
        CustomerLifecycleEvent.getClassSchema().getName(), CustomerLifecycleEvent.getClassSchema(),
        SlaBreachAlert.getClassSchema().getName(), SlaBreachAlert.getClassSchema(),
        AtRiskEvent.getClassSchema().getName(), AtRiskEvent.getClassSchema(),
        FollowUpAction.getClassSchema().getName(), FollowUpAction.getClassSchema(),
        FollowUpDone.getClassSchema().getName(), FollowUpDone.getClassSchema());
  }
}
