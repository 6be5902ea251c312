package io.cxmonitor.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
    private final Schema schema;

    Codec(Class<T> type, Schema schema) {
      this.schema = schema;
      SpecificData model = SpecificData.getForClass(type);
      this.encoder = new BinaryMessageEncoder<>(model, schema);
      this.decoder = new BinaryMessageDecoder<>(model, schema, storeFor(schema.getName()));
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
