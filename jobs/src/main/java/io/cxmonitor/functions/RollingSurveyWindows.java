package io.cxmonitor.functions;

import io.cxmonitor.io.influx.InfluxSchema;
import io.cxmonitor.io.influx.KpiPoint;
import io.cxmonitor.io.influx.SurveyPoints;
import io.cxmonitor.metrics.Grouping;
import io.cxmonitor.metrics.SurveyCounts;
import io.cxmonitor.metrics.SurveyPartial;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Second phase, keyed by group (e.g. {@code channel=chat}): merges per-minute partials and, at
 * the end of every event-time minute, emits the 1-minute value and the rolling 1-hour and
 * 24-hour values.
 *
 * <p>Design: per-minute answer histograms in MapState plus running 1 h / 24 h sums. Each minute
 * tick adds the minute that enters and subtracts the ones that leave (exact integer counts), so
 * the cost per tick is constant, and per event it is zero here (events were pre-aggregated
 * upstream) — nothing grows with window length or slide. The group keeps ticking while its
 * 24-hour window holds answers; the tick that empties it writes {@code n = 0} points and clears
 * all state.
 *
 * <p>A partial for a minute that has already ticked (only possible when an idle source
 * partition resumes behind the others) is merged into the running sums and its 1-minute point
 * is rewritten; when the group has stopped ticking it is dropped and counted, because the
 * history it would need is gone.
 */
public final class RollingSurveyWindows extends KeyedProcessFunction<String, SurveyPartial, KpiPoint> {
  private static final long serialVersionUID = 1L;
  static final long MINUTE = 60_000L;
  static final int HOUR_MINUTES = 60;
  static final int DAY_MINUTES = 1_440;

  private transient MapState<Long, SurveyCounts> minutes;
  private transient ValueState<SurveyCounts> hour;
  private transient ValueState<SurveyCounts> day;
  private transient ValueState<Long> lastTick;
  private transient Counter latePartialsMerged;
  private transient Counter latePartialsDropped;

  @Override
  public void open(OpenContext openContext) {
    minutes = getRuntimeContext().getMapState(new MapStateDescriptor<>("minutes", Long.class, SurveyCounts.class));
    hour = getRuntimeContext().getState(new ValueStateDescriptor<>("rolling-1h", SurveyCounts.class));
    day = getRuntimeContext().getState(new ValueStateDescriptor<>("rolling-24h", SurveyCounts.class));
    lastTick = getRuntimeContext().getState(new ValueStateDescriptor<>("last-tick-minute", Long.class));
    latePartialsMerged = getRuntimeContext().getMetricGroup().counter("latePartialsMerged");
    latePartialsDropped = getRuntimeContext().getMetricGroup().counter("latePartialsDropped");
  }

  @Override
  public void processElement(SurveyPartial p, Context ctx, Collector<KpiPoint> out) throws Exception {
    Long last = lastTick.value();
    long minuteEnd = (p.minute + 1) * MINUTE - 1;
    if (minuteEnd <= ctx.timerService().currentWatermark() || (last != null && p.minute <= last)) {
      if (last == null || p.minute <= last - DAY_MINUTES) {
        latePartialsDropped.inc();
        return;
      }
      latePartialsMerged.inc();
      SurveyCounts merged = merge(p.minute, p.counts);
      SurveyCounts d = day.value();
      d.add(p.counts);
      day.update(d);
      if (p.minute > last - HOUR_MINUTES) {
        SurveyCounts h = hour.value();
        h.add(p.counts);
        hour.update(h);
      }
      if (p.minute <= last) {
        emit(ctx.getCurrentKey(), InfluxSchema.WINDOW_1M, p.minute, merged, out);
      }
      return;
    }
    merge(p.minute, p.counts);
    ctx.timerService().registerEventTimeTimer(minuteEnd);
  }

  private SurveyCounts merge(long minute, SurveyCounts counts) throws Exception {
    SurveyCounts existing = minutes.get(minute);
    if (existing == null) {
      existing = SurveyCounts.copyOf(counts);
    } else {
      existing.add(counts);
    }
    minutes.put(minute, existing);
    return existing;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<KpiPoint> out) throws Exception {
    long m = (timestamp + 1) / MINUTE - 1;
    Long last = lastTick.value();
    if (last != null && m <= last) {
      return;
    }
    SurveyCounts h = orEmpty(hour.value());
    SurveyCounts d = orEmpty(day.value());
    SurveyCounts entering = minutes.get(m);
    if (entering != null) {
      h.add(entering);
      d.add(entering);
    }
    SurveyCounts leavingHour = minutes.get(m - HOUR_MINUTES);
    if (leavingHour != null) {
      h.subtract(leavingHour);
    }
    SurveyCounts leavingDay = minutes.get(m - DAY_MINUTES);
    if (leavingDay != null) {
      d.subtract(leavingDay);
      minutes.remove(m - DAY_MINUTES);
    }
    String key = ctx.getCurrentKey();
    emit(key, InfluxSchema.WINDOW_1M, m, entering == null ? new SurveyCounts() : entering, out);
    emit(key, InfluxSchema.WINDOW_1H, m, h, out);
    emit(key, InfluxSchema.WINDOW_24H, m, d, out);

    if (d.isEmpty()) {
      // Window emptied: forget everything up to this minute; a later partial restarts the group.
      hour.clear();
      day.clear();
      lastTick.clear();
      var it = minutes.keys().iterator();
      while (it.hasNext()) {
        if (it.next() <= m) {
          it.remove();
        }
      }
    } else {
      hour.update(h);
      day.update(d);
      lastTick.update(m);
      ctx.timerService().registerEventTimeTimer(timestamp + MINUTE);
    }
  }

  private static SurveyCounts orEmpty(SurveyCounts c) {
    return c == null ? new SurveyCounts() : c;
  }

  private static void emit(String key, String window, long minute, SurveyCounts counts, Collector<KpiPoint> out) {
    int eq = key.indexOf('=');
    Grouping grouping = Grouping.valueOf(key.substring(0, eq).toUpperCase(Locale.ROOT));
    SurveyPoints.emit(grouping, key.substring(eq + 1), window, (minute + 1) * MINUTE, counts, out::collect);
  }
}
