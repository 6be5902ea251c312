package io.cxmonitor.platform.windows;

import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.platform.influx.KpiPoint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.util.Collector;

/**
 * Provisional points: the values of the buckets the watermark has not closed yet, written every
 * {@code --provisional-interval} of processing time and overwritten by the final point of the same
 * series and time when the bucket closes. Every window point carries the integer field {@link
 * InfluxSchema#FIELD_PROVISIONAL}: 1 on a provisional point, 0 on a final one (InfluxDB merges the
 * fields of points with the same series and time, so the final point must reset it).
 */
public final class Provisional {
  private Provisional() {}

  /** Global job parameter: the interval in ms, 0 or absent = off. */
  public static final String PARAMETER = "cx.provisional-interval-ms";

  /** The interval the job was configured with (ms); 0 = off, also when the job was built without {@code JobOptions}. */
  public static long intervalMillis(Map<String, String> parameters) {
    String v = parameters == null ? null : parameters.get(PARAMETER);
    return v == null ? 0 : Long.parseLong(v);
  }

  /**
   * The pre-aggregators ship at whole multiples of the interval; the rolling windows write a
   * quarter of an interval later, so the partials every upstream subtask shipped at one instant
   * are written together, once per key and interval.
   */
  static long nextShipment(long now, long interval) {
    return Math.floorDiv(now, interval) * interval + interval;
  }

  static long nextWrite(long now, long interval) {
    long offset = interval / 4;
    return Math.floorDiv(now - offset, interval) * interval + interval + offset;
  }

  /** Passes the points on with the marker field set to {@code value} (1 provisional, 0 final). */
  static Collector<KpiPoint> marking(Collector<KpiPoint> out, long value) {
    Long marker = value;
    return new Collector<>() {
      @Override
      public void collect(KpiPoint p) {
        Map<String, Object> fields = new LinkedHashMap<>(p.fields());
        fields.put(InfluxSchema.FIELD_PROVISIONAL, marker);
        out.collect(new KpiPoint(p.measurement(), p.tags(), fields, p.timeMillis()));
      }

      @Override
      public void close() {}
    };
  }
}
