package io.cxmonitor.platform.influx;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink's serializer of {@link KpiPoint}, which crosses a network boundary on its way to the
 * sink: without it Flink falls back to Kryo for the maps, which was a large share of the service
 * job's CPU. Layout: measurement, tag count, (key, value)…, field count, (key, kind byte, long or
 * double)…, time. Tags come back sorted, fields in the order they were built.
 *
 * <p>Points are stream records only, never state (the sink buffers lines, not points, and keeps no
 * state), so the layout may change freely between releases as long as the snapshot's version
 * changes with it.
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
    StringValue.writeString(p.measurement(), out);
    SortedTags tags = (SortedTags) p.tags(); // what the point's constructor makes of any map
    out.writeInt(tags.size());
    for (int i = 0; i < tags.size(); i++) {
      StringValue.writeString(tags.key(i), out);
      StringValue.writeString(tags.value(i), out);
    }
    out.writeInt(p.fields().size());
    for (Map.Entry<String, Object> field : p.fields().entrySet()) {
      StringValue.writeString(field.getKey(), out);
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
    String measurement = StringValue.readString(in);
    int tagCount = in.readInt();
    String[] keys = new String[tagCount];
    String[] values = new String[tagCount];
    for (int i = 0; i < tagCount; i++) {
      keys[i] = StringValue.readString(in);
      values[i] = StringValue.readString(in);
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
      String key = StringValue.readString(in);
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
    StringValue.copyString(in, out);
    int tagCount = in.readInt();
    out.writeInt(tagCount);
    for (int i = 0; i < 2 * tagCount; i++) {
      StringValue.copyString(in, out);
    }
    int fieldCount = in.readInt();
    out.writeInt(fieldCount);
    for (int i = 0; i < fieldCount; i++) {
      StringValue.copyString(in, out);
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
