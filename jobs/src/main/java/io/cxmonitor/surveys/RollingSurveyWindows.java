package io.cxmonitor.surveys;

import io.cxmonitor.platform.windows.RollingWindows;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.metrics.SurveyCounts;
import org.apache.flink.util.Collector;

/** Survey KPIs (NPS, CSAT, CES) of one group for 1m, rolling 1h and 24h; see {@link RollingWindows}. */
public final class RollingSurveyWindows extends RollingWindows<SurveyPartial, SurveyCounts> {
  private static final long serialVersionUID = 1L;

  public RollingSurveyWindows(long bucketMillis) {
    super(SurveyCounts.class, bucketMillis);
  }

  @Override
  protected long minuteOf(SurveyPartial p) {
    return p.bucket;
  }

  @Override
  protected SurveyCounts aggregateOf(SurveyPartial p) {
    return p.counts;
  }

  @Override
  protected SurveyCounts empty() {
    return new SurveyCounts();
  }

  @Override
  protected SurveyCounts copy(SurveyCounts c) {
    return SurveyCounts.copyOf(c);
  }

  @Override
  protected void emit(String key, String window, long minute, SurveyCounts counts, Collector<KpiPoint> out) {
    Grouping.Key k = Grouping.Key.parse(key);
    SurveyPoints.emit(k.grouping(), k.value(), window, (minute + 1) * bucketMillis, counts, out::collect);
  }
}
