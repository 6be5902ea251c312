package io.cxmonitor.surveys;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.influx.PointTags;

import static io.cxmonitor.platform.influx.InfluxSchema.*;
import static io.cxmonitor.surveys.SurveyInfluxNames.*;

import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.platform.stats.Interval;
import io.cxmonitor.metrics.SurveyCounts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Maps the survey KPIs of one group and window to {@code cx_nps}, {@code cx_csat} and {@code cx_ces} points. */
public final class SurveyPoints {
  private SurveyPoints() {}

  /** Tags of a KPI point: the window, the grouped dimension's value and "all" for the others. */
  public static Map<String, String> tags(Grouping grouping, String value, String window) {
    return PointTags.of(grouping, value, window, DIMENSION_TAGS);
  }

  /**
   * Emits three points (NPS, CSAT, CES) for one group and window ending at {@code windowEnd}.
   * A KPI with no answers in the window is written with {@code n = 0} and no score, so a
   * dashboard shows "no data" instead of repeating a stale value.
   */
  public static void emit(Grouping grouping, String value, String window, long windowEnd,
      SurveyCounts counts, Consumer<KpiPoint> out) {
    Map<String, String> tags = tags(grouping, value, window);
    out.accept(new KpiPoint(MEASUREMENT_NPS, tags, npsFields(counts), windowEnd));
    out.accept(new KpiPoint(MEASUREMENT_CSAT, tags, csatFields(counts), windowEnd));
    out.accept(new KpiPoint(MEASUREMENT_CES, tags, cesFields(counts), windowEnd));
  }

  static Map<String, Object> npsFields(SurveyCounts c) {
    Map<String, Object> f = new LinkedHashMap<>();
    SurveyScores.nps(c).ifPresentOrElse(nps -> {
      f.put(FIELD_N, nps.n());
      f.put(FIELD_SCORE, nps.score());
      ci(f, FIELD_CI_LOW, FIELD_CI_HIGH, nps.ci());
      f.put(FIELD_PROMOTERS, nps.promoters());
      f.put(FIELD_PASSIVES, nps.passives());
      f.put(FIELD_DETRACTORS, nps.detractors());
    }, () -> f.put(FIELD_N, 0L));
    return f;
  }

  static Map<String, Object> csatFields(SurveyCounts c) {
    Map<String, Object> f = new LinkedHashMap<>();
    SurveyScores.csat(c).ifPresentOrElse(csat -> {
      f.put(FIELD_N, csat.n());
      f.put(FIELD_TOP2_PCT, csat.top2Pct());
      ci(f, FIELD_CI_LOW, FIELD_CI_HIGH, csat.top2Ci());
      f.put(FIELD_SATISFIED, csat.satisfied());
      f.put(FIELD_MEAN, csat.mean());
      ci(f, FIELD_MEAN_CI_LOW, FIELD_MEAN_CI_HIGH, csat.meanCi());
    }, () -> f.put(FIELD_N, 0L));
    return f;
  }

  static Map<String, Object> cesFields(SurveyCounts c) {
    Map<String, Object> f = new LinkedHashMap<>();
    SurveyScores.ces(c).ifPresentOrElse(ces -> {
      f.put(FIELD_N, ces.n());
      f.put(FIELD_MEAN, ces.mean());
      ci(f, FIELD_CI_LOW, FIELD_CI_HIGH, ces.meanCi());
      f.put(FIELD_HIGH_EFFORT_PCT, ces.highEffortPct());
      ci(f, FIELD_HIGH_EFFORT_CI_LOW, FIELD_HIGH_EFFORT_CI_HIGH, ces.highEffortCi());
    }, () -> f.put(FIELD_N, 0L));
    return f;
  }

  private static void ci(Map<String, Object> f, String low, String high, Interval ci) {
    f.put(low, ci.low());
    f.put(high, ci.high());
  }
}
