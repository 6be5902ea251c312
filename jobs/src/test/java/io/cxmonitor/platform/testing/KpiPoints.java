package io.cxmonitor.platform.testing;

import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.platform.influx.KpiPoint;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Collected KPI points read the way InfluxDB stores them: a point is identified by measurement,
 * tags and time, and a later write of the same point replaces the earlier one.
 */
public final class KpiPoints {
  private final Map<Key, KpiPoint> latest = new LinkedHashMap<>();

  private record Key(String measurement, Map<String, String> tags, long time) {}

  public KpiPoints(List<KpiPoint> written) {
    for (KpiPoint p : written) {
      latest.put(new Key(p.measurement(), p.tags(), p.timeMillis()), p);
    }
  }

  /** The fields of one point; fails naming the series' times if there is no such point. */
  public Map<String, Object> fields(String measurement, Map<String, String> tags, Instant time) {
    KpiPoint p = latest.get(new Key(measurement, tags, time.toEpochMilli()));
    if (p == null) {
      throw new AssertionError("no " + measurement + new TreeMap<>(tags) + " point at " + time + "; that series has points at "
          + series(measurement, tags).keySet());
    }
    return p.fields();
  }

  /**
   * Tags of a point grouped by at most one dimension, as the jobs write them: the window (none for
   * a gauge), the grouped dimension's value and "all" for the job's other dimensions.
   */
  public static Map<String, String> tags(List<String> dimensions, String window, String... dimensionAndValue) {
    Map<String, String> tags = new HashMap<>();
    if (window != null) {
      tags.put(InfluxSchema.TAG_WINDOW, window);
    }
    for (String dim : dimensions) {
      tags.put(dim, "all");
    }
    for (int k = 0; k < dimensionAndValue.length; k += 2) {
      if (!dimensions.contains(dimensionAndValue[k])) {
        throw new IllegalArgumentException(dimensionAndValue[k] + " is not one of the dimensions " + dimensions);
      }
      tags.put(dimensionAndValue[k], dimensionAndValue[k + 1]);
    }
    return tags;
  }

  /** One series' points by time. */
  public NavigableMap<Instant, Map<String, Object>> series(String measurement, Map<String, String> tags) {
    Map<String, String> sorted = new TreeMap<>(tags);
    NavigableMap<Instant, Map<String, Object>> out = new TreeMap<>();
    for (KpiPoint p : latest.values()) {
      if (p.measurement().equals(measurement) && p.tags().equals(sorted)) {
        out.put(Instant.ofEpochMilli(p.timeMillis()), p.fields());
      }
    }
    return out;
  }

  /**
   * The pipeline counters a job reported last, summed over its subtasks (each reports cumulative
   * totals, the last one at the end of input), by field name.
   */
  public Map<String, Long> pipelineTotals(String job) {
    Map<String, Long> totals = new TreeMap<>();
    for (KpiPoint p : lastPipelinePoints(job)) {
      for (String field : List.of(InfluxSchema.FIELD_EVENTS_TOTAL, InfluxSchema.FIELD_LATE_TOTAL, InfluxSchema.FIELD_INVALID_TOTAL,
          InfluxSchema.FIELD_UNDECODABLE_TOTAL)) {
        totals.merge(field, (Long) p.fields().get(field), Long::sum);
      }
    }
    return totals;
  }

  /** One pipeline counter a job reported last, summed over its subtasks. */
  public long pipelineTotal(String job, String field) {
    return lastPipelinePoints(job).stream().mapToLong(p -> (Long) p.fields().get(field)).sum();
  }

  /** The last {@code cx_pipeline} point of each subtask of the job. */
  private java.util.Collection<KpiPoint> lastPipelinePoints(String job) {
    Map<String, KpiPoint> lastBySubtask = new HashMap<>();
    for (KpiPoint p : latest.values()) {
      if (p.measurement().equals(InfluxSchema.MEASUREMENT_PIPELINE) && job.equals(p.tags().get(InfluxSchema.TAG_JOB))) {
        lastBySubtask.merge(p.tags().get(InfluxSchema.TAG_SUBTASK), p, (a, b) -> b.timeMillis() >= a.timeMillis() ? b : a);
      }
    }
    if (lastBySubtask.isEmpty()) {
      throw new AssertionError("no " + InfluxSchema.MEASUREMENT_PIPELINE + " point of job '" + job + "'");
    }
    return lastBySubtask.values();
  }
}
