package io.cxmonitor.service;

import static io.cxmonitor.platform.serialization.CompactIo.readText;
import static io.cxmonitor.platform.serialization.CompactIo.readVarInt;
import static io.cxmonitor.platform.serialization.CompactIo.readVarLong;
import static io.cxmonitor.platform.serialization.CompactIo.writeText;
import static io.cxmonitor.platform.serialization.CompactIo.writeVarInt;
import static io.cxmonitor.platform.serialization.CompactIo.writeVarLong;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.stats.DurationValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link ServicePartial} across the service job's shuffle from the pre-aggregator to the
 * rolling windows: the counts as variable-length numbers, and the durations of each kind that holds
 * any: as the values themselves while the partial keeps them as values ({@link DurationValues}, a few
 * per partial), else the histogram in HdrHistogram's uncompressed form. Flink's POJO
 * serializer wrote the histograms in their compressed storage form, so the pre-aggregator
 * deflated and the windows inflated every histogram of every partial (a zlib stream each), with
 * reflection per field besides.
 *
 * <p>Only on the wire between two subtasks of one job, never in state or a savepoint, so the layout
 * may change with any release. {@link #FIELDS} names the fields of {@link ServiceCounts} it carries:
 * a field added there fails {@code ServicePartialSerializerTest} until it is written here.
 */
final class ServicePartialSerializer extends TypeSerializerSingleton<ServicePartial> {
  private static final long serialVersionUID = 1L;

  static final ServicePartialSerializer INSTANCE = new ServicePartialSerializer();

  /** The fields of {@link ServiceCounts} this layout carries (the three histograms by their stored names). */
  static final List<String> FIELDS = List.of("opened", "queued", "abandoned", "resolved", "selfService", "reopened",
      "fcrFinal", "fcrYes", "frtBreaches", "ttrBreaches", "contacts", "repeats", "repeatsSwitched", "backlogDelta",
      "repeatPairs", "frtEncoded", "ttrEncoded", "queueEntered", "queueLeft", "queueAnswered",
      "queueAnsweredInServiceLevel", "queueAbandoned", "queueEncoded", "closed", "closedStale", "resolvedFinal",
      "reopenedFinal", "anonymousContacts", "fwdFollowed", "fwdExpired", "fwdFinal", "fwdFinalFollowed",
      "fcrProvisional", "fcrProvisionalYes", "closedByReason", "frtMedianSum", "frtMedianSumN", "ttrMedianSum",
      "ttrMedianSumN", "queueMedianSum", "queueMedianSumN");

  /** What stands for the durations of one kind: none, a histogram, or the values. */
  private static final int NONE = 0;
  private static final int HISTOGRAM = 1;
  private static final int VALUES = 2;

  /** Per thread: the buffer histograms are encoded into before they are copied out (the serializer is shared). */
  private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(4096));

  private ServicePartialSerializer() {}

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public ServicePartial createInstance() {
    return new ServicePartial();
  }

  @Override
  public ServicePartial copy(ServicePartial from) {
    ServicePartial p = new ServicePartial();
    p.grouping = from.grouping;
    p.value = from.value;
    p.bucket = from.bucket;
    if (from.counts != null) {
      p.counts = new ServiceCounts();
      p.counts.add(from.counts);
    }
    return p;
  }

  @Override
  public ServicePartial copy(ServicePartial from, ServicePartial reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(ServicePartial p, DataOutputView out) throws IOException {
    writeVarInt(out, p.grouping);
    writeText(out, p.value);
    writeVarLong(out, p.bucket);
    ServiceCounts c = p.counts;
    out.writeBoolean(c != null);
    if (c == null) {
      return;
    }
    for (long n : new long[] {c.opened, c.queued, c.abandoned, c.resolved, c.selfService, c.reopened, c.fcrFinal,
        c.fcrYes, c.frtBreaches, c.ttrBreaches, c.contacts, c.repeats, c.repeatsSwitched, c.backlogDelta, c.queueEntered,
        c.queueLeft, c.queueAnswered, c.queueAnsweredInServiceLevel, c.queueAbandoned, c.closed, c.closedStale,
        c.resolvedFinal, c.reopenedFinal, c.anonymousContacts, c.fwdFollowed, c.fwdExpired, c.fwdFinal,
        c.fwdFinalFollowed, c.fcrProvisional, c.fcrProvisionalYes, c.frtMedianSum, c.frtMedianSumN, c.ttrMedianSum,
        c.ttrMedianSumN, c.queueMedianSum, c.queueMedianSumN}) {
      writeVarLong(out, n);
    }
    writeCounts(out, c.repeatPairs);
    writeCounts(out, c.closedByReason);
    if (c.frtValues() != null) {
      writeValues(out, c.frtValues());
    } else {
      writeHistogram(out, c.frtIfAny());
    }
    if (c.ttrValues() != null) {
      writeValues(out, c.ttrValues());
    } else {
      writeHistogram(out, c.ttrIfAny());
    }
    if (c.queueTimeValues() != null) {
      writeValues(out, c.queueTimeValues());
    } else {
      writeHistogram(out, c.queueTimeIfAny());
    }
  }

  @Override
  public ServicePartial deserialize(DataInputView in) throws IOException {
    ServicePartial p = new ServicePartial();
    p.grouping = readVarInt(in);
    p.value = readText(in);
    p.bucket = readVarLong(in);
    if (!in.readBoolean()) {
      return p;
    }
    ServiceCounts c = new ServiceCounts();
    c.opened = readVarLong(in);
    c.queued = readVarLong(in);
    c.abandoned = readVarLong(in);
    c.resolved = readVarLong(in);
    c.selfService = readVarLong(in);
    c.reopened = readVarLong(in);
    c.fcrFinal = readVarLong(in);
    c.fcrYes = readVarLong(in);
    c.frtBreaches = readVarLong(in);
    c.ttrBreaches = readVarLong(in);
    c.contacts = readVarLong(in);
    c.repeats = readVarLong(in);
    c.repeatsSwitched = readVarLong(in);
    c.backlogDelta = readVarLong(in);
    c.queueEntered = readVarLong(in);
    c.queueLeft = readVarLong(in);
    c.queueAnswered = readVarLong(in);
    c.queueAnsweredInServiceLevel = readVarLong(in);
    c.queueAbandoned = readVarLong(in);
    c.closed = readVarLong(in);
    c.closedStale = readVarLong(in);
    c.resolvedFinal = readVarLong(in);
    c.reopenedFinal = readVarLong(in);
    c.anonymousContacts = readVarLong(in);
    c.fwdFollowed = readVarLong(in);
    c.fwdExpired = readVarLong(in);
    c.fwdFinal = readVarLong(in);
    c.fwdFinalFollowed = readVarLong(in);
    c.fcrProvisional = readVarLong(in);
    c.fcrProvisionalYes = readVarLong(in);
    c.frtMedianSum = readVarLong(in);
    c.frtMedianSumN = readVarLong(in);
    c.ttrMedianSum = readVarLong(in);
    c.ttrMedianSumN = readVarLong(in);
    c.queueMedianSum = readVarLong(in);
    c.queueMedianSumN = readVarLong(in);
    c.repeatPairs = readCounts(in);
    c.closedByReason = readCounts(in);
    Histogram[] histograms = new Histogram[3];
    DurationValues[] values = new DurationValues[3];
    for (int i = 0; i < 3; i++) {
      int kind = in.readUnsignedByte();
      if (kind == HISTOGRAM) {
        histograms[i] = readHistogram(in);
      } else if (kind == VALUES) {
        values[i] = readValues(in);
      } else if (kind != NONE) {
        throw new IOException("unknown form " + kind + " of a partial's durations: not written by this serializer");
      }
    }
    c.setHistograms(histograms[0], histograms[1], histograms[2]);
    c.setValues(values[0], values[1], values[2]);
    p.counts = c;
    return p;
  }

  /** A nullable array: its length + 1 (0 for null), then each count. */
  private static void writeCounts(DataOutputView out, long[] counts) throws IOException {
    if (counts == null) {
      writeVarInt(out, 0);
      return;
    }
    writeVarInt(out, counts.length + 1);
    for (long n : counts) {
      writeVarLong(out, n);
    }
  }

  private static long[] readCounts(DataInputView in) throws IOException {
    int header = readVarInt(in);
    if (header == 0) {
      return null;
    }
    long[] counts = new long[header - 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = readVarLong(in);
    }
    return counts;
  }

  /** Durations kept as values: how many, then each. */
  private static void writeValues(DataOutputView out, DurationValues values) throws IOException {
    out.writeByte(VALUES);
    writeVarInt(out, values.size());
    for (int i = 0; i < values.size(); i++) {
      writeVarLong(out, values.get(i));
    }
  }

  private static DurationValues readValues(DataInputView in) throws IOException {
    int n = readVarInt(in);
    DurationValues values = new DurationValues();
    for (int i = 0; i < n; i++) {
      values.add(readVarLong(in));
    }
    return n == 0 ? null : values;
  }

  /**
   * A histogram in HdrHistogram's own uncompressed form (its counts with runs of zeros collapsed),
   * after its length. The compressed form the state keeps adds a zlib stream.
   */
  private static void writeHistogram(DataOutputView out, Histogram h) throws IOException {
    if (h == null) {
      out.writeByte(NONE);
      return;
    }
    out.writeByte(HISTOGRAM);
    ByteBuffer buffer = BUFFER.get();
    int needed = h.getNeededByteBufferCapacity();
    if (buffer.capacity() < needed) {
      buffer = ByteBuffer.allocate(Math.max(needed, 2 * buffer.capacity()));
      BUFFER.set(buffer);
    }
    buffer.clear();
    int length = h.encodeIntoByteBuffer(buffer);
    writeVarInt(out, length);
    out.write(buffer.array(), 0, length);
  }

  private static Histogram readHistogram(DataInputView in) throws IOException {
    int length = readVarInt(in);
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    Histogram h = Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 0);
    h.setAutoResize(true);
    return h;
  }

  @Override
  public ServicePartial deserialize(ServicePartial reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<ServicePartial> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Names this serializer in a snapshot; nothing to configure. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<ServicePartial> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
