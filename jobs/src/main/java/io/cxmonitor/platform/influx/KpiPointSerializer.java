package io.cxmonitor.platform.influx;

import io.cxmonitor.platform.serialization.CompactIo;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer of {@link KpiPoint}, which crosses a network boundary on its way to the
 * sink: without it Flink made the record a POJO with a Kryo round trip per field value, a large
 * share of the service job's CPU. Layout: measurement, tag count, (key, value)…, field count, (key, kind byte, long or
 * double)…, time. Tags come back sorted, fields in the order they were built. A string is a
 * variable-length header (0 for null, else 1 + length × 2 + 1 if any character is beyond Latin-1)
 * and its bytes, or its UTF-16 chars: names and most tag values are ASCII, and Flink's
 * {@code StringValue}, a thread-local lookup and a call per character, was most of this
 * serializer's cost.
 *
 * <p>Points are stream records only, never state (the sink buffers lines, not points, and keeps no
 * state), and savepoints and the jobs' aligned checkpoints hold no records in flight, so the layout
 * may change between releases. Were unaligned checkpoints enabled, a changed layout could not
 * read the points in flight of a checkpoint taken by the previous release: resume from a savepoint.
 */
public final class KpiPointSerializer extends TypeSerializerSingleton<KpiPoint> {
  private static final long serialVersionUID = 1L;

  public static final KpiPointSerializer INSTANCE = new KpiPointSerializer();

  private static final byte LONG = 0;
  private static final byte DOUBLE = 1;

  private KpiPointSerializer() {}

  @Override
  public boolean isImmutableType() {
    return false; // its maps are not
  }

  /** No point without a field exists: Flink's non-reusing paths never ask for one. */
  @Override
  public KpiPoint createInstance() {
    return null;
  }

  @Override
  public KpiPoint copy(KpiPoint from) {
    // the tags, keys and field values are immutable: only the fields map is copied
    return new KpiPoint(from.measurement(), from.tags(), new LinkedHashMap<>(from.fields()), from.timeMillis());
  }

  @Override
  public KpiPoint copy(KpiPoint from, KpiPoint reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(KpiPoint p, DataOutputView out) throws IOException {
    CompactIo.writeText(out, p.measurement());
    SortedTags tags = (SortedTags) p.tags(); // what the point's constructor makes of any map
    out.writeInt(tags.size());
    for (int i = 0; i < tags.size(); i++) {
      CompactIo.writeText(out, tags.key(i));
      CompactIo.writeText(out, tags.value(i));
    }
    out.writeInt(p.fields().size());
    for (Map.Entry<String, Object> field : p.fields().entrySet()) {
      CompactIo.writeText(out, field.getKey());
      if (field.getValue() instanceof Long l) {
        out.writeByte(LONG);
        out.writeLong(l);
      } else {
        out.writeByte(DOUBLE);
        out.writeDouble((Double) field.getValue());
      }
    }
    out.writeLong(p.timeMillis());
  }

  @Override
  public KpiPoint deserialize(DataInputView in) throws IOException {
    String measurement = CompactIo.readText(in);
    int tagCount = in.readInt();
    String[] keys = new String[tagCount];
    String[] values = new String[tagCount];
    for (int i = 0; i < tagCount; i++) {
      keys[i] = CompactIo.readText(in);
      values[i] = CompactIo.readText(in);
    }
    SortedTags tags;
    try {
      tags = SortedTags.ofSorted(keys, values);
    } catch (IllegalArgumentException e) {
      throw new IOException("a " + measurement + " point's " + e.getMessage() + ": the data was not written by this serializer", e);
    }
    int fieldCount = in.readInt();
    Map<String, Object> fields = new LinkedHashMap<>(2 * fieldCount);
    for (int i = 0; i < fieldCount; i++) {
      String key = CompactIo.readText(in);
      byte kind = in.readByte();
      switch (kind) {
        case LONG -> fields.put(key, in.readLong());
        case DOUBLE -> fields.put(key, in.readDouble());
        default -> throw new IOException("field " + key + " of a " + measurement + " point has the unknown kind "
            + kind + ": the data was not written by this serializer");
      }
    }
    return new KpiPoint(measurement, tags, fields, in.readLong());
  }

  @Override
  public KpiPoint deserialize(KpiPoint reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    CompactIo.copyText(in, out);
    int tagCount = in.readInt();
    out.writeInt(tagCount);
    for (int i = 0; i < 2 * tagCount; i++) {
      CompactIo.copyText(in, out);
    }
    int fieldCount = in.readInt();
    out.writeInt(fieldCount);
    for (int i = 0; i < fieldCount; i++) {
      CompactIo.copyText(in, out);
      byte kind = in.readByte();
      if (kind != LONG && kind != DOUBLE) {
        throw new IOException("a field has the unknown kind " + kind + ": the data was not written by this serializer");
      }
      out.writeByte(kind);
      out.writeLong(in.readLong()); // a double travels as its 8 bytes too
    }
    out.writeLong(in.readLong());
  }

  @Override
  public TypeSerializerSnapshot<KpiPoint> snapshotConfiguration() {
    return new Snapshot();
  }

  private Object readResolve() {
    return INSTANCE;
  }

  /** The serializer has no configuration: the snapshot only names it (and its layout, by version). */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<KpiPoint> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
