package io.cxmonitor.surveys;

import io.cxmonitor.metrics.SurveyCounts;
import io.cxmonitor.platform.windows.GroupPartial;
import io.cxmonitor.platform.windows.Grouping;

/** Survey aggregates of one group in one bucket; see {@link GroupPartial}. */
public final class SurveyPartial extends GroupPartial<SurveyCounts> {
  public SurveyPartial() {}

  public SurveyPartial(Grouping grouping, String value, long bucket, SurveyCounts counts) {
    super(grouping, value, bucket, counts);
  }
}
