package io.cxmonitor.churn;

import io.cxmonitor.platform.windows.RollingWindows;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.metrics.ChurnCounts;
import io.cxmonitor.platform.windows.Grouping;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Churn KPIs of one group for the 1-bucket, rolling 1h and 24h windows (see {@link RollingWindows})
 * and the customer gauges (active customers, MRR, at-risk customers, revenue at risk) every bucket.
 * The churn rate's denominator is the active base when the window started, so the gauges' values
 * at the end of each of the last 24 h of buckets are kept.
 */
public final class RollingChurnWindows extends RollingWindows<ChurnPartial, ChurnCounts> {
  private static final long serialVersionUID = 1L;
  private transient ValueState<long[]> gauges;
  private transient MapState<Long, long[]> history;

  public RollingChurnWindows(long bucketMillis) {
    super(ChurnCounts.class, bucketMillis);
  }

  @Override
  public void open(OpenContext openContext) throws Exception {
    super.open(openContext);
    gauges = getRuntimeContext().getState(new ValueStateDescriptor<>("customer-gauges", long[].class));
    history = getRuntimeContext().getMapState(new MapStateDescriptor<>("active-history", Long.class, long[].class));
  }

  @Override
  protected long minuteOf(ChurnPartial p) {
    return p.bucket;
  }

  @Override
  protected ChurnCounts aggregateOf(ChurnPartial p) {
    return p.counts;
  }

  @Override
  protected ChurnCounts empty() {
    return new ChurnCounts();
  }

  @Override
  protected ChurnCounts copy(ChurnCounts c) {
    return ChurnCounts.copyOf(c);
  }

  @Override
  protected boolean keepTicking(String key, long bucket, ChurnCounts entering, Collector<KpiPoint> out) throws Exception {
    long[] g = gauges.value() == null ? new long[4] : gauges.value();
    if (entering != null) {
      g[0] += entering.activeDelta;
      g[1] += entering.mrrDelta;
      g[2] += entering.atRiskDelta;
      g[3] += entering.revenueAtRiskDelta;
    }
    gauges.update(g);
    history.put(bucket, new long[] {g[0], g[1]});
    history.remove(bucket - dayBuckets() - 1);
    Grouping.Key k = Grouping.Key.parse(key);
    out.collect(ChurnPoints.gauges(k.grouping(), k.value(), (bucket + 1) * bucketMillis, g[0], g[1], g[2], g[3]));
    return g[0] != 0 || g[2] != 0;
  }

  @Override
  protected void clearExtra() throws Exception {
    long[] g = gauges.value();
    if (g == null || (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0)) {
      gauges.clear();
      history.clear();
    }
  }

  @Override
  protected void emit(String key, String window, long bucket, ChurnCounts counts, Collector<KpiPoint> out) throws Exception {
    long[] start = history.get(bucket - bucketsOf(window));
    Grouping.Key k = Grouping.Key.parse(key);
    out.collect(ChurnPoints.window(k.grouping(), k.value(), window, (bucket + 1) * bucketMillis, counts,
        start == null ? 0 : start[0], start == null ? 0 : start[1]));
  }
}
