package io.cxmonitor.churn;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.influx.PointTags;

import static io.cxmonitor.platform.influx.InfluxSchema.*;
import static io.cxmonitor.churn.ChurnInfluxNames.*;

import io.cxmonitor.metrics.ChurnCounts;
import io.cxmonitor.platform.windows.Grouping;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps churn aggregates and customer gauges to points. */
public final class ChurnPoints {
  private ChurnPoints() {}

  public static Map<String, String> tags(Grouping grouping, String value, String window) {
    return PointTags.of(grouping, value, window, CHURN_DIMENSION_TAGS);
  }

  /**
   * A window's cohort (see {@link ChurnCohort}).
   *
   * @param active customers active when the window started: the churn rate's n
   * @param mrr their MRR then (minor units): revenue churn's denominator
   * @param churned those of them who cancelled in the window
   * @param churnedMrr the MRR they had when the window started
   */
  public record Cohort(long active, long mrr, long churned, long churnedMrr) {}

  public static KpiPoint window(Grouping grouping, String value, String window, long windowEnd, ChurnCounts c, Cohort cohort) {
    long activeAtStart = cohort.active();
    long mrrAtStart = cohort.mrr();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(FIELD_CANCELLATIONS, c.cancellations);
    f.put(FIELD_SUBSCRIPTIONS, c.subscriptions);
    f.put(FIELD_RENEWALS, c.renewals);
    f.put(FIELD_ACTIVE_START, activeAtStart);
    f.put(FIELD_MRR_START, mrrAtStart);
    f.put(FIELD_MRR_NEW, c.mrrNew);
    f.put(FIELD_MRR_EXPANSION, c.mrrExpansion);
    f.put(FIELD_MRR_CONTRACTION, c.mrrContraction);
    f.put(FIELD_MRR_CHURNED, c.mrrChurned);
    f.put(FIELD_MRR_NET, c.mrrNew + c.mrrExpansion - c.mrrContraction - c.mrrChurned);
    f.put(FIELD_AT_RISK_ENTERED, c.enteredRisk);
    f.put(FIELD_AT_RISK_RECOVERED, c.recovered);
    f.put(FIELD_AT_RISK_CHURNED, c.churnedAtRisk);
    f.put(FIELD_FOLLOW_UPS_CREATED, c.followUpsCreated);
    f.put(FIELD_FOLLOW_UPS_DONE_LATE, c.followUpsLate);
    f.put(FIELD_FOLLOW_UPS_OVERDUE, c.followUpsOverdue);
    f.put(FIELD_CHURNED, cohort.churned());
    f.put(FIELD_CHURNED_MRR_AT_START, cohort.churnedMrr());
    PointTags.rate(f, RATE_CHURN, cohort.churned(), activeAtStart);
    if (mrrAtStart > 0) {
      f.put(FIELD_REVENUE_CHURN_PCT, 100.0 * cohort.churnedMrr() / mrrAtStart);
    }
    PointTags.rate(f, RATE_FOLLOW_UP_ON_TIME, c.followUpsOnTime, c.followUpsOnTime + c.followUpsOverdue);
    return new KpiPoint(MEASUREMENT_CHURN, tags(grouping, value, window), f, windowEnd);
  }

  public static KpiPoint gauges(Grouping grouping, String value, long time, long active, long mrr, long atRisk, long revenueAtRisk) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(FIELD_ACTIVE, active);
    f.put(FIELD_MRR, mrr);
    f.put(FIELD_AT_RISK, atRisk);
    f.put(FIELD_REVENUE_AT_RISK, revenueAtRisk);
    return new KpiPoint(MEASUREMENT_CUSTOMERS, tags(grouping, value, null), f, time);
  }


}
