package io.cxmonitor.platform.influx;

import static io.cxmonitor.platform.influx.InfluxSchema.*;

import io.cxmonitor.platform.stats.ConfidenceIntervals;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.platform.stats.Interval;
import java.util.List;
import java.util.Map;

/** Tags and rate fields shared by the KPI point mappers. */
public final class PointTags {
  private PointTags() {}

  /**
   * Tags of a grouped point: the window (if any), the grouped dimension's value and {@code all}
   * for the job's other dimensions.
   */
  public static SortedTags of(Grouping grouping, String value, String window, List<String> dimensions) {
    int n = dimensions.size() + (window == null ? 0 : 1);
    String[] keys = new String[n];
    String[] values = new String[n];
    int grouped = -1;
    String tag = null;
    if (grouping != Grouping.OVERALL) {
      tag = switch (grouping) {
        case CHANNEL -> TAG_CHANNEL;
        case REGION -> TAG_REGION;
        case TEAM -> TAG_TEAM;
        case PRODUCT -> TAG_PRODUCT;
        case PRIORITY -> TAG_PRIORITY;
        case PLAN -> TAG_PLAN;
        case OVERALL -> throw new AssertionError();
      };
      grouped = dimensions.indexOf(tag);
      if (grouped < 0) {
        throw new IllegalArgumentException("these KPIs are not grouped by " + tag + " (dimensions " + dimensions + ")");
      }
    }
    for (int i = 0; i < dimensions.size(); i++) {
      keys[i] = dimensions.get(i);
      values[i] = i == grouped ? value : Grouping.ALL;
    }
    if (window != null) {
      keys[n - 1] = TAG_WINDOW;
      values[n - 1] = window;
    }
    return SortedTags.sorting(keys, values);
  }

  /** A rate in %, its Wilson interval and n; with n = 0 only n is written. */
  public static void rate(Map<String, Object> fields, String name, long hits, long n) {
    fields.put(InfluxSchema.n(name), Math.max(n, 0));
    if (n > 0) {
      Interval ci = ConfidenceIntervals.wilson(Math.min(hits, n), n);
      fields.put(pct(name), 100.0 * hits / n);
      fields.put(ciLow(name), 100 * ci.low());
      fields.put(ciHigh(name), 100 * ci.high());
    }
  }
}
