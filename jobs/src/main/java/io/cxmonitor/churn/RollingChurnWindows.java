package io.cxmonitor.churn;

import io.cxmonitor.platform.windows.RollingWindows;

import io.cxmonitor.platform.influx.InfluxSchema;
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
 * The churn rate is a proportion of a cohort (see {@link ChurnCohort}): its n is the active base
 * when the window started, so the gauges' values at the end of each of the last 24 h of buckets
 * are kept; its numerator is the window's cancellations plus the running cohort corrections.
 */
public final class RollingChurnWindows extends RollingWindows<ChurnPartial, ChurnCounts> {
  private static final long serialVersionUID = 1L;
  private transient ValueState<long[]> gauges;
  /** Per bucket: active, MRR, then the cohort corrections (count, MRR) of each window; two entries in state restored from before the cohorts. */
  private transient MapState<Long, long[]> history;
  /** Running cohort corrections: count and MRR for one bucket, 1 h and 24 h. */
  private transient ValueState<long[]> cohort;
  /** {last tick, last bucket with something that happened in it}: buckets holding only cohort corrections write no one-bucket point. */
  private transient ValueState<long[]> ticks;

  public RollingChurnWindows(long bucketMillis) {
    super(ChurnCounts.class, bucketMillis);
  }

  @Override
  public void open(OpenContext openContext) throws Exception {
    super.open(openContext);
    gauges = getRuntimeContext().getState(new ValueStateDescriptor<>("customer-gauges", long[].class));
    history = getRuntimeContext().getMapState(new MapStateDescriptor<>("active-history", Long.class, long[].class));
    cohort = getRuntimeContext().getState(new ValueStateDescriptor<>("cohort-corrections", long[].class));
    ticks = getRuntimeContext().getState(new ValueStateDescriptor<>("ticks-with-data", long[].class));
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
    long[] k6 = cohort.value() == null ? new long[6] : cohort.value();
    if (entering != null) {
      long[] d = entering.cohortCorrections();
      for (int i = 0; i < k6.length; i++) {
        k6[i] += d[i];
      }
    }
    long[] t = ticks.value() == null ? new long[] {Long.MIN_VALUE, Long.MIN_VALUE} : ticks.value();
    t[0] = bucket;
    if (entering != null && !entering.onlyCohortCorrections()) {
      t[1] = bucket;
    }
    ticks.update(t);
    boolean corrections = !allZero(k6);
    if (corrections) {
      cohort.update(k6);
    } else {
      cohort.clear();
    }
    history.put(bucket, new long[] {g[0], g[1], k6[0], k6[1], k6[2], k6[3], k6[4], k6[5]});
    history.remove(bucket - dayBuckets() - 1);
    Grouping.Key k = Grouping.Key.parse(key);
    out.collect(ChurnPoints.gauges(k.grouping(), k.value(), (bucket + 1) * bucketMillis, g[0], g[1], g[2], g[3]));
    return g[0] != 0 || g[2] != 0 || corrections;
  }

  /**
   * Counted events only: the gauge changes that also make a window non-empty can cancel out, so a
   * provisional point of them might never be overwritten by a final one.
   */
  @Override
  protected boolean hasData(ChurnCounts c) {
    return c.subscriptions != 0 || c.cancellations != 0 || c.renewals != 0 || c.mrrExpansion != 0 || c.mrrContraction != 0
        || c.enteredRisk != 0 || c.recovered != 0 || c.churnedAtRisk != 0 || c.followUpsCreated != 0 || c.followUpsOnTime != 0
        || c.followUpsLate != 0 || c.followUpsOverdue != 0;
  }

  /**
   * Whether bucket {@code b} (the current tick) and the one before held nothing but cohort
   * corrections; a late rewrite of an earlier bucket is always written.
   */
  private boolean onlyCorrectionsAround(long b) throws Exception {
    long[] t = ticks.value();
    return t != null && b == t[0] && t[1] != b && t[1] != b - 1;
  }

  private static boolean allZero(long[] a) {
    for (long x : a) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  protected void clearExtra() throws Exception {
    long[] g = gauges.value();
    long[] k6 = cohort.value();
    if ((g == null || allZero(g)) && (k6 == null || allZero(k6))) {
      gauges.clear();
      history.clear();
      cohort.clear();
      ticks.clear();
    }
  }

  @Override
  protected void emit(String key, String window, long bucket, ChurnCounts counts, Collector<KpiPoint> out) throws Exception {
    if (bucketsOf(window) == 1 && !window.equals(InfluxSchema.WINDOW_1H) && onlyCorrectionsAround(bucket)) {
      return; // the one-bucket window of a bucket that only carried corrections, or the one after it
    }
    long[] start = history.get(bucket - bucketsOf(window));
    long[] now = history.get(bucket);
    int w = switch (window) {
      case InfluxSchema.WINDOW_1H -> 1;
      case InfluxSchema.WINDOW_24H -> 2;
      default -> 0;
    };
    long correction = now == null || now.length < 8 ? 0 : now[2 + 2 * w];
    long mrrCorrection = now == null || now.length < 8 ? 0 : now[3 + 2 * w];
    long active = start == null ? 0 : start[0];
    long mrr = start == null ? 0 : start[1];
    // By construction the churned are part of the cohort. The bounds only matter for windows
    // reaching back before a restore from a release that kept no cohort corrections.
    long churned = Math.max(0, Math.min(counts.cancellations + correction, active));
    long churnedMrr = Math.max(0, Math.min(counts.mrrChurned + mrrCorrection, mrr));
    Grouping.Key k = Grouping.Key.parse(key);
    out.collect(ChurnPoints.window(k.grouping(), k.value(), window, (bucket + 1) * bucketMillis, counts,
        new ChurnPoints.Cohort(active, mrr, churned, churnedMrr)));
  }
}
