package io.cxmonitor.platform.windows;

import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.platform.influx.KpiPoint;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.heap.AbstractHeapState;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Second phase of a two-phase aggregation, keyed by group (e.g. {@code channel=chat}): merges
 * per-minute partials and, at the end of every event-time minute, emits the 1-minute value and
 * the rolling 1-hour and 24-hour values.
 *
 * <p>Design: per-minute aggregates in MapState plus running 1 h / 24 h sums. Each minute tick
 * adds the minute that enters and subtracts the ones that leave (exact: aggregates are counts
 * or histograms), so the cost per tick is constant and the cost per event is zero here (events
 * were pre-aggregated upstream) — nothing grows with window length or slide. A group keeps
 * ticking while its 24-hour window holds data (or {@link #keepTicking} says so); a window is
 * written while it holds data and once more, with n = 0, when it empties; the tick that empties
 * the 24-hour window clears all state.
 *
 * <p>A partial for a bucket that has already ticked is a <em>correction</em> (e.g. a queue
 * outcome or a forward repeat, dated by its cohort but known later). Its record timestamp says
 * when it became known, and it waits in state for the tick of that bucket. That tick, before it
 * advances, merges it into the cohort bucket and the running sums and writes again what it
 * changes: the cohort bucket's own point and the 1 h and 24 h points of the previous tick. So the
 * points of a bucket hold what became known until the end of the next bucket, and what is
 * written never depends on when a correction reached this operator relative to the other
 * subtasks' watermarks. A partial whose bucket and whose known bucket have both ticked here (an
 * idle source partition that resumed behind the others) is merged at once in the same way; when
 * the group has stopped ticking it is dropped and counted, because the history it would need is
 * gone.
 *
 * <p><b>Provisional points.</b> With {@code --provisional-interval} ({@link Provisional}), a partial
 * for a bucket that has not ticked schedules a processing-time timer (one per key and interval, so
 * nothing is done for a group that received nothing). It writes, marked provisional, each open
 * bucket's own window and the 1 h and 24 h values as they will be at the latest open bucket (the
 * running sums, plus the open buckets, minus the buckets that will have left), with the times the
 * final points of those buckets will have. Every final point is marked final, so it overwrites the
 * marker with the value. A provisional point is written only for a value that {@link
 * #hasData} says holds counted events: more partials only add to it, so the tick that follows
 * writes the same series and time (its own window always, the 1 h and 24 h ones because they are
 * not empty), and a subclass's points of that value are a subset of the final ones. Corrections
 * waiting for a later tick are not in the provisional values.
 *
 * <p><b>Serialised form.</b> An aggregate keeps parts of itself (e.g. duration histograms) in a
 * live form and brings its serialised fields up to date in {@link Rollable#prepareForStorage()}.
 * A state backend that serialises on every write (RocksDB) needs that before each update. The heap
 * backend serialises only in a snapshot, and copies an entry before it is changed while a snapshot
 * holds it; so with it the aggregates changed since the last snapshot are prepared once, in
 * {@link #snapshotState}, instead of at every change (it was a tenth of the service job's CPU).
 *
 * @param <P> partial: one group's aggregate of one minute
 * @param <A> the aggregate
 */
public abstract class RollingWindows<P, A extends Rollable<A>> extends KeyedProcessFunction<String, P, KpiPoint>
    implements CheckpointedFunction {
  /** Aggregates changed since the last snapshot are prepared at the latest when this many are waiting. */
  static final int MAX_UNPREPARED = 50_000;
  private static final long serialVersionUID = 1L;
  private final Class<A> type;
  /** Time resolution: the windows tick once per bucket (one minute by default). */
  protected final long bucketMillis;
  private final int hourBuckets;
  private final int dayBuckets;
  /** Label of the one-bucket window ("1m"), or null when the bucket is an hour (then it is the 1h window). */
  private final String bucketWindow;
  private transient MapState<Long, A> minutes;
  private transient ValueState<A> hour;
  private transient ValueState<A> day;
  private transient ValueState<Long> lastTick;
  /** Corrections waiting for the tick of the bucket they became known in: (known bucket, cohort bucket) → aggregate. */
  private transient MapState<Tuple2<Long, Long>, A> corrections;
  private transient Counter latePartialsMerged;
  private transient Counter latePartialsDropped;
  /** Heap state: aggregates changed since the last snapshot, prepared for storage in the next one. Else null. */
  private transient java.util.Set<A> unprepared;
  /** {@code --provisional-interval} in ms; 0 = no provisional points. */
  private transient long provisionalMillis;
  /** The latest bucket a partial arrived for while it was open (only with provisional points). */
  private transient ValueState<Long> latestOpen;

  protected RollingWindows(Class<A> type, long bucketMillis) {
    if (bucketMillis <= 0 || 3_600_000L % bucketMillis != 0) {
      throw new IllegalArgumentException("bucket must divide one hour, got " + bucketMillis + " ms");
    }
    this.type = type;
    this.bucketMillis = bucketMillis;
    this.hourBuckets = (int) (3_600_000L / bucketMillis);
    this.dayBuckets = (int) (86_400_000L / bucketMillis);
    this.bucketWindow = hourBuckets == 1 ? null : InfluxSchema.windowLabel(bucketMillis);
  }

  protected abstract long minuteOf(P partial);

  protected abstract A aggregateOf(P partial);

  protected abstract A empty();

  protected abstract A copy(A aggregate);

  /** Writes the points of one group, window and bucket (window end = (bucket + 1) × bucket length). */
  protected abstract void emit(String key, String window, long minute, A aggregate, Collector<KpiPoint> out) throws Exception;

  /**
   * Like {@link #emit}, knowing what changed the window since its point was last written: it gained
   * {@code added} and lost {@code removed} (each null when nothing). A subclass may leave out of the
   * points what is zero now and was zero then: the last point written of each series still holds its
   * value. The bucket's own window (1m; 1h when the bucket is an hour) gets null and null: each of its
   * points is one bucket, which later corrections can change, so a zero there says nothing about the
   * buckets after it. By default, {@link #emit}.
   */
  protected void emitChange(String key, String window, long minute, A aggregate, A added, A removed,
      Collector<KpiPoint> out) throws Exception {
    emit(key, window, minute, aggregate, out);
  }

  /**
   * Writes again a point of a window already written at this time (by its tick or an earlier
   * correction), now that corrections merged into the window made it gain {@code gained}: null
   * when nothing known here says what was written before (the window was empty then; then the
   * whole point is written). A subclass may leave out what {@code gained} cannot have changed:
   * InfluxDB keeps the earlier write of each series and time, which holds the same values. By
   * default, {@link #emitChange} with {@code gained} as what the window gained (null for the
   * bucket's own window, see there).
   */
  protected void emitCorrected(String key, String window, long minute, A aggregate, A gained,
      Collector<KpiPoint> out) throws Exception {
    emitChange(key, window, minute, aggregate, window.equals(ownWindow()) ? null : gained, null, out);
  }

  /** The label of the bucket's own window: "1m" (the bucket length's label), or "1h" when the bucket is an hour. */
  protected final String ownWindow() {
    return bucketWindow != null ? bucketWindow : InfluxSchema.WINDOW_1H;
  }

  /**
   * Whether a provisional point of this value is certain to be overwritten: it holds counted events,
   * which later partials of its buckets can only add to, so the final value is not empty either and
   * the final point has every field the provisional one has. By default, not {@link Rollable#isEmpty}
   * (right where the counts in it only grow); a subclass whose emptiness includes gauge changes (which
   * can cancel out) says which counts.
   */
  protected boolean hasData(A aggregate) {
    return !aggregate.isEmpty();
  }

  /**
   * Called once per tick with the minute's aggregate (null if none) before the windows are
   * emitted; returns whether the group must keep ticking even with an empty 24 h window (e.g. a
   * backlog gauge that is still non-zero).
   */
  protected boolean keepTicking(String key, long minute, A entering, Collector<KpiPoint> out) throws Exception {
    return false;
  }

  /** How many buckets a window label spans. */
  protected final int bucketsOf(String window) {
    return switch (window) {
      case InfluxSchema.WINDOW_1H -> hourBuckets;
      case InfluxSchema.WINDOW_24H -> dayBuckets;
      default -> 1;
    };
  }

  protected final int dayBuckets() {
    return dayBuckets;
  }

  /** Clears subclass state when the group stops ticking. */
  protected void clearExtra() throws Exception {}

  @Override
  public void open(OpenContext openContext) throws Exception {
    minutes = getRuntimeContext().getMapState(new MapStateDescriptor<>("minutes", Long.class, type));
    hour = getRuntimeContext().getState(new ValueStateDescriptor<>("rolling-1h", type));
    day = getRuntimeContext().getState(new ValueStateDescriptor<>("rolling-24h", type));
    lastTick = getRuntimeContext().getState(new ValueStateDescriptor<>("last-tick-minute", Long.class));
    corrections = getRuntimeContext().getMapState(new MapStateDescriptor<>("corrections",
        Types.TUPLE(Types.LONG, Types.LONG), TypeInformation.of(type)));
    latePartialsMerged = getRuntimeContext().getMetricGroup().counter("latePartialsMerged");
    latePartialsDropped = getRuntimeContext().getMetricGroup().counter("latePartialsDropped");
    provisionalMillis = Provisional.intervalMillis(getRuntimeContext().getGlobalJobParameters());
    latestOpen = getRuntimeContext().getState(new ValueStateDescriptor<>("provisional-latest-open", Long.class));
    // Another backend, or the heap one behind a decorator (e.g. latency tracking), prepares at every change.
    unprepared = hour instanceof AbstractHeapState<?, ?, ?> && day instanceof AbstractHeapState<?, ?, ?>
        ? java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()) : null;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {}

  /** Before the backend's snapshot: every aggregate changed since the last one gets its serialised form. */
  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    prepareWaiting();
  }

  private void prepareWaiting() {
    if (unprepared != null) {
      unprepared.forEach(Rollable::prepareForStorage);
      unprepared.clear();
    }
  }

  /** Brings the aggregate's serialised form up to date now, or (heap state) in the next snapshot. */
  private void prepare(A aggregate) {
    if (unprepared == null) {
      aggregate.prepareForStorage();
      return;
    }
    unprepared.add(aggregate);
    if (unprepared.size() >= MAX_UNPREPARED) {
      prepareWaiting(); // e.g. checkpoints disabled: keeps the set bounded
    }
  }

  @Override
  public void processElement(P p, Context ctx, Collector<KpiPoint> out) throws Exception {
    long minute = minuteOf(p);
    A counts = aggregateOf(p);
    Long last = lastTick.value();
    long minuteEnd = (minute + 1) * bucketMillis - 1;
    long watermark = ctx.timerService().currentWatermark();
    long known = ctx.timestamp() == null ? minute : Math.floorDiv(ctx.timestamp(), bucketMillis);
    long knownEnd = (known + 1) * bucketMillis - 1;
    if (known > minute && knownEnd > watermark && (last == null || known > last)) {
      // a correction (stamped later than its bucket): applied at the end of the bucket it became known in
      defer(known, minute, counts);
      ctx.timerService().registerEventTimeTimer(knownEnd);
      return;
    }
    if (minuteEnd <= watermark || (last != null && minute <= last)) {
      if (last == null || minute <= last - dayBuckets) {
        latePartialsDropped.inc();
        return;
      }
      latePartialsMerged.inc();
      mergeLate(ctx.getCurrentKey(), minute, last, counts, Provisional.marking(out, 0));
      return;
    }
    merge(minute, counts);
    ctx.timerService().registerEventTimeTimer(minuteEnd);
    if (provisionalMillis > 0) {
      Long latest = latestOpen.value();
      if (latest == null || minute > latest) {
        latestOpen.update(minute);
      }
      // one timer per key and time: the partials of one interval are written together
      ctx.timerService().registerProcessingTimeTimer(
          Provisional.nextWrite(ctx.timerService().currentProcessingTime(), provisionalMillis));
    }
  }

  /** Keeps a correction for the tick of bucket {@code known}, summed with others of the same two buckets. */
  private void defer(long known, long bucket, A counts) throws Exception {
    Tuple2<Long, Long> key = Tuple2.of(known, bucket);
    A pending = corrections.get(key);
    if (pending == null) {
      pending = copy(counts);
    } else {
      pending.add(counts);
    }
    prepare(pending);
    corrections.put(key, pending);
  }

  /**
   * At the tick of bucket {@code m}, before it advances: merges the corrections known by the end of
   * {@code m} into their cohort buckets and into the running sums of the last tick, and writes again
   * what they change — each cohort bucket's own point and the 1 h and 24 h points of the last tick
   * (which is the bucket before {@code m} while the group ticks). So the points of a bucket are
   * complete with what became known until the next bucket's end, whenever it reached this operator.
   */
  private void applyCorrections(String key, long m, long last, Collector<KpiPoint> out) throws Exception {
    if (corrections.isEmpty()) {
      return;
    }
    A h = hour.value() == null ? empty() : hour.value();
    A d = day.value() == null ? empty() : day.value();
    boolean hourWasEmpty = h.isEmpty();
    boolean dayWasEmpty = d.isEmpty();
    // bucket → what its own point gained, or null where it held nothing before (written whole)
    java.util.TreeMap<Long, A> rewritten = new java.util.TreeMap<>();
    A hourGained = null;
    A dayGained = null;
    var it = corrections.entries().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getKey().f0 > m) {
        continue;
      }
      long bucket = e.getKey().f1;
      A counts = e.getValue();
      it.remove();
      if (bucket <= last - dayBuckets || bucket > last) {
        latePartialsDropped.inc();
        continue;
      }
      latePartialsMerged.inc();
      gain(rewritten, bucket, counts);
      merge(bucket, counts);
      dayGained = plus(dayGained, counts);
      d.add(counts);
      if (bucket > last - hourBuckets) {
        hourGained = plus(hourGained, counts);
        h.add(counts);
      }
    }
    if (rewritten.isEmpty()) {
      return;
    }
    store(day, d);
    if (hourGained != null) {
      store(hour, h);
    }
    emitBehind(key, rewritten, last, hourGained == null ? null : h, hourWasEmpty ? null : hourGained, d,
        dayWasEmpty ? null : dayGained, out);
  }

  /** Notes that {@code bucket}'s own point gains {@code counts}; before the first gain, whether it held anything. */
  private void gain(java.util.SortedMap<Long, A> rewritten, long bucket, A counts) throws Exception {
    if (!rewritten.containsKey(bucket)) {
      rewritten.put(bucket, minutes.contains(bucket) ? plus(null, counts) : null);
    } else if (rewritten.get(bucket) != null) {
      rewritten.get(bucket).add(counts);
    }
  }

  /** {@code sum + counts} in a new aggregate when {@code sum} is null (never stored, so never prepared). */
  private A plus(A sum, A counts) {
    if (sum == null) {
      sum = empty();
    }
    sum.add(counts);
    return sum;
  }

  /**
   * Writes again what merging partials into already written buckets changed: each bucket's own
   * point (the 1 h point when the bucket is an hour) and the 1 h (when {@code h} is not null) and
   * 24 h points of the last tick, each with what it gained ({@link #emitCorrected}; a null gain:
   * the point is written whole).
   */
  private void emitBehind(String key, java.util.SortedMap<Long, A> buckets, long last, A h, A hourGained, A d,
      A dayGained, Collector<KpiPoint> out) throws Exception {
    for (var b : buckets.entrySet()) {
      long bucket = b.getKey();
      if (bucketWindow != null || bucket < last) {
        emitCorrected(key, ownWindow(), bucket, minutes.get(bucket), b.getValue(), out);
      }
    }
    if (h != null) {
      emitCorrected(key, InfluxSchema.WINDOW_1H, last, h, bucketWindow != null ? hourGained : buckets.get(last), out);
    }
    emitCorrected(key, InfluxSchema.WINDOW_24H, last, d, dayGained, out);
  }

  /**
   * A partial for a bucket already written and known only after the bucket it became known in
   * ticked here (an idle partition catching up): merged into that bucket and the running sums,
   * and every point it changes is written again — the bucket's own window (which is the 1 h window when the bucket is an hour) and the
   * current 1 h and 24 h values — so no already-written figure stays short of it.
   */
  private void mergeLate(String key, long minute, long last, A counts, Collector<KpiPoint> out) throws Exception {
    java.util.TreeMap<Long, A> rewritten = new java.util.TreeMap<>();
    gain(rewritten, minute, counts);
    merge(minute, counts);
    A d = day.value();
    boolean dayWasEmpty = d.isEmpty();
    d.add(counts);
    store(day, d);
    A h = null;
    boolean hourWasEmpty = false;
    if (minute > last - hourBuckets) {
      h = hour.value();
      hourWasEmpty = h.isEmpty();
      h.add(counts);
      store(hour, h);
    }
    emitBehind(key, rewritten, last, h, hourWasEmpty ? null : counts, d, dayWasEmpty ? null : counts, out);
  }

  private A merge(long minute, A counts) throws Exception {
    A existing = minutes.get(minute);
    if (existing == null) {
      existing = copy(counts);
    } else {
      existing.add(counts);
    }
    prepare(existing);
    minutes.put(minute, existing);
    return existing;
  }

  /** Updates state once per change: the aggregate's serialised form is brought up to date here (or in the next snapshot). */
  private void store(ValueState<A> state, A aggregate) throws Exception {
    prepare(aggregate);
    state.update(aggregate);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<KpiPoint> out) throws Exception {
    if (ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.PROCESSING_TIME) {
      emitProvisional(ctx.getCurrentKey(), Provisional.marking(out, 1));
      return;
    }
    long m = (timestamp + 1) / bucketMillis - 1;
    Long last = lastTick.value();
    if (last != null && m <= last) {
      return;
    }
    String key = ctx.getCurrentKey();
    // A group that has not ticked yet can have corrections too (e.g. a queue outcome of a ticket
    // transferred to its team, dated before it): they join the windows as of the bucket before m.
    Collector<KpiPoint> finals = Provisional.marking(out, 0);
    applyCorrections(key, m, last == null ? m - 1 : last, finals);
    Tick<A> tick = advance(m);
    boolean keep = keepTicking(key, m, tick.entering(), out);
    emitWindows(key, tick, finals);

    // At the end of a bounded input the watermark is +infinity: a gauge that would keep the group
    // ticking (open backlog) must not tick forever.
    boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    if (tick.day().isEmpty() && (!keep || endOfInput)) {
      forgetUpTo(m);
    } else {
      store(hour, tick.hour());
      store(day, tick.day());
      lastTick.update(m);
      ctx.timerService().registerEventTimeTimer(timestamp + bucketMillis);
    }
  }

  /**
   * The provisional points: each open bucket's own window, and the 1 h and 24 h windows as they will
   * be at the latest open bucket, each only where {@link #hasData}. Open buckets are those after the
   * last tick (all of them when the group is not ticking); each has its event-time timer, so each
   * will tick and write its final points.
   */
  private void emitProvisional(String key, Collector<KpiPoint> out) throws Exception {
    Long lastTicked = lastTick.value();
    Long latestSeen = latestOpen.value();
    if (latestSeen == null || (lastTicked != null && latestSeen <= lastTicked)) {
      latestOpen.clear(); // everything it saw has ticked
      return;
    }
    java.util.TreeMap<Long, A> open = new java.util.TreeMap<>();
    if (lastTicked != null && latestSeen - lastTicked <= hourBuckets) {
      for (long b = lastTicked + 1; b <= latestSeen; b++) { // usually one or two buckets
        A a = minutes.get(b);
        if (a != null) {
          open.put(b, a);
        }
      }
    } else {
      for (var e : minutes.entries()) {
        if (lastTicked == null || e.getKey() > lastTicked) {
          open.put(e.getKey(), e.getValue());
        }
      }
    }
    if (open.isEmpty()) {
      return;
    }
    long latest = open.lastKey();
    for (var e : open.entrySet()) {
      if (bucketWindow != null && hasData(e.getValue())) {
        emitChange(key, bucketWindow, e.getKey(), e.getValue(), null, null, out);
      } else if (bucketWindow == null && e.getKey() < latest && hasData(e.getValue())) {
        // the bucket is an hour: its own window is the 1 h window (the latest one is written below)
        emitChange(key, InfluxSchema.WINDOW_1H, e.getKey(), e.getValue(), null, null, out);
      }
    }
    A h = projected(hour, hourBuckets, lastTicked, latest, open);
    if (hasData(h)) {
      emitChange(key, InfluxSchema.WINDOW_1H, latest, h, null, null, out);
    }
    A d = projected(day, dayBuckets, lastTicked, latest, open);
    if (hasData(d)) {
      emitChange(key, InfluxSchema.WINDOW_24H, latest, d, null, null, out);
    }
  }

  /**
   * A window of {@code length} buckets as it will be at bucket {@code latest} with what is known now:
   * its running sum at the last tick, plus the open buckets that will still be in it, minus the ticked
   * buckets that will have left it. A bucket that ticks and leaves before {@code latest} counts for neither.
   */
  private A projected(ValueState<A> running, int length, Long lastTicked, long latest, java.util.SortedMap<Long, A> open)
      throws Exception {
    A w = lastTicked == null || running.value() == null ? empty() : copy(running.value());
    for (A a : open.tailMap(latest - length + 1).values()) {
      w.add(a);
    }
    if (lastTicked != null) {
      for (long j = lastTicked - length + 1; j <= Math.min(lastTicked, latest - length); j++) {
        A leaving = minutes.get(j);
        if (leaving != null) {
          w.subtract(leaving);
        }
      }
    }
    return w;
  }

  /**
   * One tick: the bucket's own aggregate (null if none) and the running 1 h and 24 h sums after it,
   * with what the windows looked like before (to write a window once more when it empties).
   */
  private record Tick<A>(long bucket, A entering, boolean previousBucketHadData, A hour, A leftHour, boolean hourWasEmpty, A day,
      A leftDay, boolean dayWasEmpty) {}

  /**
   * Moves the running sums on by one bucket: bucket {@code m} enters, the buckets an hour and a
   * day old leave, and the one a day old is dropped from the map. The sums are not stored here.
   */
  private Tick<A> advance(long m) throws Exception {
    A h = hour.value() == null ? empty() : hour.value();
    A d = day.value() == null ? empty() : day.value();
    boolean hourWasEmpty = h.isEmpty();
    boolean dayWasEmpty = d.isEmpty();
    A entering = minutes.get(m);
    boolean previousBucketHadData = minutes.contains(m - 1);
    if (entering != null) {
      h.add(entering);
      d.add(entering);
    }
    A leavingHour = minutes.get(m - hourBuckets);
    if (leavingHour != null) {
      h.subtract(leavingHour);
    }
    A leavingDay = minutes.get(m - dayBuckets);
    if (leavingDay != null) {
      d.subtract(leavingDay);
      minutes.remove(m - dayBuckets);
    }
    return new Tick<>(m, entering, previousBucketHadData, h, leavingHour, hourWasEmpty, d, leavingDay, dayWasEmpty);
  }

  // A window is written when it holds data or just became empty (one n = 0 point); a window
  // that stays empty is not rewritten every bucket.
  private void emitWindows(String key, Tick<A> t, Collector<KpiPoint> out) throws Exception {
    // a rolling window's last point is the previous tick's
    if (bucketWindow != null && (t.entering() != null || t.previousBucketHadData())) {
      emitChange(key, bucketWindow, t.bucket(), t.entering() == null ? empty() : t.entering(), null, null, out);
    }
    if (!t.hour().isEmpty() || !t.hourWasEmpty()) {
      boolean rolling = bucketWindow != null;
      emitChange(key, InfluxSchema.WINDOW_1H, t.bucket(), t.hour(), rolling ? t.entering() : null, rolling ? t.leftHour() : null,
          out);
    }
    if (!t.day().isEmpty() || !t.dayWasEmpty()) {
      emitChange(key, InfluxSchema.WINDOW_24H, t.bucket(), t.day(), t.entering(), t.leftDay(), out);
    }
  }

  /** Window emptied: forget everything up to this bucket; a later partial restarts the group. */
  private void forgetUpTo(long m) throws Exception {
    hour.clear();
    day.clear();
    lastTick.clear();
    Long latest = latestOpen.value();
    if (latest != null && latest <= m) {
      latestOpen.clear();
    }
    // Corrections known in a later bucket stay, with their timers: one can belong to a group that
    // had nothing else (a queue outcome of a ticket transferred to this team since it queued).
    clearExtra();
    var it = minutes.keys().iterator();
    while (it.hasNext()) {
      if (it.next() <= m) {
        it.remove();
      }
    }
  }
}
