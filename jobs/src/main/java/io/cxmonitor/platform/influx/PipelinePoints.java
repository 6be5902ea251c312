package io.cxmonitor.platform.influx;

import static io.cxmonitor.platform.influx.InfluxSchema.*;

import io.cxmonitor.metrics.PipelineCounters;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps a subtask's pipeline counters to a {@code cx_pipeline} point. */
public final class PipelinePoints {
  private PipelinePoints() {}

  /** @param watermark the operator's current watermark, {@code Long.MIN_VALUE} if none yet */
  public static KpiPoint of(String job, int subtask, PipelineCounters c, long watermark, long now) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(FIELD_EVENTS_TOTAL, c.events);
    f.put(FIELD_LATE_TOTAL, c.late);
    f.put(FIELD_INVALID_TOTAL, c.invalid);
    f.put(FIELD_UNDECODABLE_TOTAL, c.undecodable);
    f.put(FIELD_DUPLICATES_TOTAL, c.duplicates);
    f.put(FIELD_TAG_VALUES_FOLDED_TOTAL, c.tagValuesFolded);
    f.put(FIELD_UNKNOWN_SYMBOLS_TOTAL, c.unknownSymbols);
    if (watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE) {
      f.put(FIELD_WATERMARK_LAG_MS, Math.max(0, now - watermark));
    }
    return new KpiPoint(MEASUREMENT_PIPELINE, Map.of(TAG_JOB, job, TAG_SUBTASK, Integer.toString(subtask)), f, now);
  }
}
