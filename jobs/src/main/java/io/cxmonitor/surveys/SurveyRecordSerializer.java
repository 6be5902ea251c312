package io.cxmonitor.surveys;

import static io.cxmonitor.platform.serialization.CompactIo.readText;
import static io.cxmonitor.platform.serialization.CompactIo.readVarInt;
import static io.cxmonitor.platform.serialization.CompactIo.readVarLong;
import static io.cxmonitor.platform.serialization.CompactIo.writeText;
import static io.cxmonitor.platform.serialization.CompactIo.writeVarInt;
import static io.cxmonitor.platform.serialization.CompactIo.writeVarLong;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a consumed survey record across the survey job's one shuffle of single records (to the
 * deduplicator): the Kafka origin, the failure if any, and the response field by field. Flink's
 * POJO serializer around Avro's datum writer cost about a tenth of the job's CPU for the same
 * bytes: reflection per field, and Avro resolving each nullable field's union branch by name.
 *
 * <p>Only on the wire between two subtasks of one job, never in state or a savepoint, so the
 * layout may change with any release. {@link #FIELDS} names the schema fields it writes: a field
 * added to {@code SurveyResponse} fails {@code SurveyRecordSerializerTest} until it is written here.
 */
final class SurveyRecordSerializer extends TypeSerializerSingleton<Decoded<SurveyResponse>> {
  private static final long serialVersionUID = 1L;

  static final SurveyRecordSerializer INSTANCE = new SurveyRecordSerializer();

  /** The fields of {@code SurveyResponse} this layout carries, in the schema's order. */
  static final List<String> FIELDS = List.of("response_id", "customer_id", "ticket_id", "event_time", "channel", "region",
      "team", "product", "nps", "csat", "ces", "comment");

  private static final Channel[] CHANNELS = Channel.values();
  private static final DeadLetter.Kind[] KINDS = DeadLetter.Kind.values();

  private static final int VALUE = 1;
  private static final int DUPLICATE = 1 << 1;
  private static final int FAILURE = 1 << 2;
  private static final int UNKNOWN_SYMBOLS = 1 << 3;
  private static final int RAW_KEY = 1 << 4;
  private static final int RAW_VALUE = 1 << 5;

  private SurveyRecordSerializer() {}

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public Decoded<SurveyResponse> createInstance() {
    return new Decoded<>();
  }

  @Override
  public Decoded<SurveyResponse> copy(Decoded<SurveyResponse> from) {
    Decoded<SurveyResponse> to = new Decoded<>();
    to.topic = from.topic;
    to.partition = from.partition;
    to.offset = from.offset;
    to.timestamp = from.timestamp;
    to.rawKey = from.rawKey == null ? null : from.rawKey.clone();
    to.rawValue = from.rawValue == null ? null : from.rawValue.clone();
    to.value = from.value == null ? null : SurveyResponse.newBuilder(from.value).build();
    to.failureKind = from.failureKind;
    to.failureReason = from.failureReason;
    to.duplicate = from.duplicate;
    to.unknownSymbols = from.unknownSymbols;
    return to;
  }

  @Override
  public Decoded<SurveyResponse> copy(Decoded<SurveyResponse> from, Decoded<SurveyResponse> reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(Decoded<SurveyResponse> d, DataOutputView out) throws IOException {
    int flags = (d.value != null ? VALUE : 0) | (d.duplicate ? DUPLICATE : 0) | (d.failureKind != null ? FAILURE : 0)
        | (d.unknownSymbols != null ? UNKNOWN_SYMBOLS : 0) | (d.rawKey != null ? RAW_KEY : 0)
        | (d.rawValue != null ? RAW_VALUE : 0);
    out.writeByte(flags);
    writeText(out, d.topic);
    writeVarLong(out, d.partition);
    writeVarLong(out, d.offset);
    out.writeLong(d.timestamp);
    if (d.rawKey != null) {
      writeBytes(out, d.rawKey);
    }
    if (d.rawValue != null) {
      writeBytes(out, d.rawValue);
    }
    if (d.failureKind != null) {
      out.writeByte(d.failureKind.ordinal());
      writeText(out, d.failureReason);
    }
    if (d.unknownSymbols != null) {
      writeText(out, d.unknownSymbols);
    }
    if (d.value != null) {
      writeResponse(d.value, out);
    }
  }

  private static void writeResponse(SurveyResponse r, DataOutputView out) throws IOException {
    writeText(out, r.getResponseId());
    writeText(out, r.getCustomerId());
    writeText(out, r.getTicketId());
    out.writeLong(r.getEventTime().toEpochMilli()); // one call: a varint of a timestamp is six
    out.writeByte(r.getChannel().ordinal());
    writeText(out, r.getRegion());
    writeText(out, r.getTeam());
    writeText(out, r.getProduct());
    writeScore(out, r.getNps());
    writeScore(out, r.getCsat());
    writeScore(out, r.getCes());
    writeText(out, r.getComment());
  }

  /** A nullable score: 0 for null, a score ≥ 0 as itself + 1, a negative one (never valid) as itself. */
  private static void writeScore(DataOutputView out, Integer score) throws IOException {
    writeVarLong(out, score == null ? 0 : score >= 0 ? score.longValue() + 1 : score.longValue());
  }

  private static Integer readScore(DataInputView in) throws IOException {
    long v = readVarLong(in);
    return v == 0 ? null : (int) (v > 0 ? v - 1 : v);
  }

  private static void writeBytes(DataOutputView out, byte[] bytes) throws IOException {
    writeVarInt(out, bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputView in) throws IOException {
    byte[] bytes = new byte[readVarInt(in)];
    in.readFully(bytes);
    return bytes;
  }

  @Override
  public Decoded<SurveyResponse> deserialize(DataInputView in) throws IOException {
    int flags = in.readUnsignedByte();
    Decoded<SurveyResponse> d = new Decoded<>();
    d.topic = readText(in);
    d.partition = (int) readVarLong(in);
    d.offset = readVarLong(in);
    d.timestamp = in.readLong();
    if ((flags & RAW_KEY) != 0) {
      d.rawKey = readBytes(in);
    }
    if ((flags & RAW_VALUE) != 0) {
      d.rawValue = readBytes(in);
    }
    if ((flags & FAILURE) != 0) {
      d.failureKind = KINDS[in.readUnsignedByte()];
      d.failureReason = readText(in);
    }
    if ((flags & UNKNOWN_SYMBOLS) != 0) {
      d.unknownSymbols = readText(in);
    }
    d.duplicate = (flags & DUPLICATE) != 0;
    if ((flags & VALUE) != 0) {
      SurveyResponse r = new SurveyResponse();
      r.setResponseId(readText(in));
      r.setCustomerId(readText(in));
      r.setTicketId(readText(in));
      r.setEventTime(Instant.ofEpochMilli(in.readLong()));
      r.setChannel(CHANNELS[in.readUnsignedByte()]);
      r.setRegion(readText(in));
      r.setTeam(readText(in));
      r.setProduct(readText(in));
      r.setNps(readScore(in));
      r.setCsat(readScore(in));
      r.setCes(readScore(in));
      r.setComment(readText(in));
      d.value = r;
    }
    return d;
  }

  @Override
  public Decoded<SurveyResponse> deserialize(Decoded<SurveyResponse> reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  /** The schema fields of {@code SurveyResponse} as {@link #FIELDS} should list them. */
  static List<String> schemaFields() {
    return SurveyResponse.getClassSchema().getFields().stream().map(Schema.Field::name).toList();
  }

  @Override
  public TypeSerializerSnapshot<Decoded<SurveyResponse>> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Names this serializer in a snapshot; nothing to configure. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Decoded<SurveyResponse>> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
