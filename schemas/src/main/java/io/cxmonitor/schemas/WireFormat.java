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
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final SchemaStore store;
    private final Schema schema;

    Codec(Class<T> type, Schema schema) {
      this.schema = schema;
      SpecificData model = SpecificData.getForClass(type);
      this.store = storeFor(schema.getName());
      this.encoder = new BinaryMessageEncoder<>(model, schema);
      this.decoder = new BinaryMessageDecoder<>(model, schema, store);
    }

    public Schema schema() {
      return schema;
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

    /** Decodes into {@code reuse} when not null; errors carry a reason fit for a dead-letter header. */
    public T decode(byte[] bytes, T reuse) throws DecodeException {
      if (bytes == null) {
        throw new DecodeException("empty record value (null)", null);
      }
      String oversized = LengthCheck.problem(store, bytes);
      if (oversized != null) {
        throw new DecodeException("corrupt " + schema.getName() + " body: " + oversized, null);
      }
      try {
        return decoder.decode(bytes, reuse);
      } catch (MissingSchemaException e) {
        throw new DecodeException(
            "unknown schema fingerprint: not a " + schema.getName() + " version this job ships", e);
      } catch (BadHeaderException e) {
        throw new DecodeException(
            "not Avro single-object encoding (" + e.getMessage() + ")", e);
      } catch (IOException | RuntimeException e) {
        throw new DecodeException(
            "corrupt " + schema.getName() + " body: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
      }
    }
  }

  /**
   * Finds length prefixes that claim more bytes than the record holds, before Avro sees them: Avro
   * allocates a string's or a collection's buffer from its prefix, so 18 bytes claiming a 1.5 GB
   * string end in {@code OutOfMemoryError} — on every restart, as the record is read again. Walks
   * the writer's schema over the body without building values. Everything else (bad header,
   * unknown fingerprint, truncation) is left to Avro, which reports it in its own words.
   */
  static final class LengthCheck {
    private static final int HEADER = 10;
    private static final int MAX_DEPTH = 64;

    private final byte[] bytes;
    private int pos = HEADER;

    private LengthCheck(byte[] bytes) {
      this.bytes = bytes;
    }

    /** Why {@code bytes} cannot be what it claims, or null if its lengths fit (or Avro will refuse it anyway). */
    static String problem(SchemaStore store, byte[] bytes) {
      if (bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
        return null;
      }
      Schema writer = store.findByFingerprint(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
      if (writer == null) {
        return null;
      }
      try {
        new LengthCheck(bytes).skip(writer, writer.getName(), 0);
        return null;
      } catch (Oversized e) {
        return e.getMessage();
      } catch (EndOfRecord e) {
        return null;
      }
    }

    private void skip(Schema s, String path, int depth) throws Oversized, EndOfRecord {
      if (depth > MAX_DEPTH) {
        throw new Oversized(path + " is nested more than " + MAX_DEPTH + " levels deep");
      }
      switch (s.getType()) {
        case NULL -> { }
        case BOOLEAN -> advance(1);
        case INT, LONG, ENUM -> varLong();
        case FLOAT -> advance(4);
        case DOUBLE -> advance(8);
        case FIXED -> advance(s.getFixedSize());
        case STRING, BYTES -> advance(claimed(varLong(), "bytes", path));
        case RECORD -> {
          for (Schema.Field f : s.getFields()) {
            skip(f.schema(), path + "." + f.name(), depth + 1);
          }
        }
        case UNION -> {
          long branch = varLong();
          if (branch < 0 || branch >= s.getTypes().size()) {
            throw new EndOfRecord(); // Avro reports the bad branch
          }
          skip(s.getTypes().get((int) branch), path, depth + 1);
        }
        case ARRAY, MAP -> {
          for (long n = varLong(); n != 0; n = varLong()) {
            if (n < 0) { // a block that states its byte size, which must fit too
              n = -n;
              claimed(varLong(), "bytes", path);
            }
            // Every item takes at least a byte in our schemas; Avro sizes its list by this count.
            long items = claimed(n, "items", path);
            for (long i = 0; i < items; i++) {
              if (s.getType() == Schema.Type.MAP) {
                advance(claimed(varLong(), "bytes", path + "<key>"));
                skip(s.getValueType(), path + "[]", depth + 1);
              } else {
                skip(s.getElementType(), path + "[]", depth + 1);
              }
            }
          }
        }
        default -> throw new EndOfRecord();
      }
    }

    private long claimed(long n, String unit, String path) throws Oversized {
      int left = bytes.length - pos;
      if (n < 0 || n > left) {
        throw new Oversized(path + " claims " + n + " " + unit + " where only " + left + " of the record's "
            + bytes.length + " bytes are left: refused before allocating it");
      }
      return n;
    }

    private void advance(long n) throws EndOfRecord {
      if (n > bytes.length - pos) {
        throw new EndOfRecord();
      }
      pos += (int) n;
    }

    /** Avro's zig-zag variable-length long. */
    private long varLong() throws EndOfRecord {
      long raw = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        if (pos >= bytes.length) {
          throw new EndOfRecord();
        }
        int b = bytes[pos++] & 0xff;
        raw |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return (raw >>> 1) ^ -(raw & 1);
        }
      }
      throw new EndOfRecord();
    }

    private static final class Oversized extends Exception {
      private static final long serialVersionUID = 1L;

      Oversized(String message) {
        super(message, null, false, false);
      }
    }

    /** The body ends early or is malformed otherwise: Avro's decoder says how. */
    private static final class EndOfRecord extends Exception {
      private static final long serialVersionUID = 1L;

      EndOfRecord() {
        super(null, null, false, false);
      }
    }
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
