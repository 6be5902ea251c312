package io.cxmonitor.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.windows.Provisional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Runs a rolling-windows function over a script of partials, watermarks and processing-time steps
 * in Flink's keyed operator harness, with a given {@code --provisional-interval}, and reads the
 * written points the way InfluxDB 1.x stores them: a write of a point with the same measurement,
 * tags and time merges its fields into the stored ones.
 */
public final class ProvisionalRuns {
  private ProvisionalRuns() {}

  /** One step of a script. */
  public sealed interface Step permits Send, Watermark, Clock {}

  /** A partial with its record timestamp. */
  public record Send(Object partial, long timestamp) implements Step {}

  public record Watermark(long time) implements Step {}

  /** Processing time moves to this instant (timers due fire). */
  public record Clock(long time) implements Step {}

  /** The points written, in order; {@code after[i]}: how many had been written after step i. */
  public record Run(List<KpiPoint> points, int[] after) {}

  @SuppressWarnings("unchecked")
  public static <P> Run run(Supplier<? extends KeyedProcessFunction<String, P, KpiPoint>> function, KeySelector<P, String> key,
      long intervalMillis, List<Step> script) throws Exception {
    var harness = new KeyedOneInputStreamOperatorTestHarness<String, P, KpiPoint>(
        new KeyedProcessOperator<>(function.get()), key, Types.STRING);
    harness.getExecutionConfig().setGlobalJobParameters(
        Configuration.fromMap(Map.of(Provisional.PARAMETER, Long.toString(intervalMillis))));
    harness.setProcessingTime(0);
    harness.open();
    int[] after = new int[script.size()];
    List<KpiPoint> points = new ArrayList<>();
    try {
      for (int i = 0; i < script.size(); i++) {
        Step step = script.get(i);
        if (step instanceof Send s) {
          harness.processElement(new StreamRecord<>((P) s.partial(), s.timestamp()));
        } else if (step instanceof Watermark w) {
          harness.processWatermark(w.time());
        } else if (step instanceof Clock c) {
          harness.setProcessingTime(c.time());
        }
        Object o;
        while ((o = harness.getOutput().poll()) != null) { // drained as it comes: the queue's size() is linear
          if (o instanceof StreamRecord<?> r && r.getValue() instanceof KpiPoint p) {
            points.add(p);
          }
        }
        after[i] = points.size();
      }
      return new Run(points, after);
    } finally {
      harness.close();
    }
  }

  /** Makes a partial of {@code group} for {@code bucket}; null for none. */
  @FunctionalInterface
  public interface PartialMaker {
    Object make(String group, long bucket, java.util.Random random);
  }

  /**
   * A live-like script: every {@code stepMillis} of processing time the event time advances as much
   * and the watermark follows {@code outOfOrderness} behind. Each step, each group gets at random a
   * partial of an open bucket (stamped with its bucket's end, as the pre-aggregators ship them), now
   * and then a late one for a closed bucket or a correction of an earlier bucket stamped with the
   * current event time; once the event time jumps by more than a day (every group stops ticking and
   * starts again). Ends with the watermark at the end of time.
   */
  public static List<Step> randomScript(long seed, long bucketMillis, long start, int steps, long stepMillis,
      long outOfOrderness, List<String> groups, PartialMaker maker) {
    java.util.Random r = new java.util.Random(seed);
    List<Step> script = new ArrayList<>();
    long jump = 0;
    for (int i = 1; i <= steps; i++) {
      if (i == steps / 2) {
        jump = 26 * 3_600_000L;
      }
      long clock = i * stepMillis;
      long t = start + jump + clock;
      long watermark = t - outOfOrderness;
      for (String g : groups) {
        if (r.nextInt(10) < 4) {
          long bucket = Math.floorDiv(t - (long) (r.nextDouble() * (outOfOrderness - 1)), bucketMillis);
          add(script, maker.make(g, bucket, r), (bucket + 1) * bucketMillis - 1);
        }
        if (r.nextInt(100) == 0) {
          long bucket = Math.floorDiv(watermark - r.nextInt(5) * bucketMillis, bucketMillis) - 1;
          add(script, maker.make(g, bucket, r), (bucket + 1) * bucketMillis - 1);
        }
        if (r.nextInt(50) == 0) {
          long bucket = Math.floorDiv(t, bucketMillis) - 1 - r.nextInt(3);
          add(script, maker.make(g, bucket, r), t);
        }
      }
      script.add(new Clock(clock));
      script.add(new Watermark(watermark));
    }
    script.add(new Watermark(Long.MAX_VALUE));
    return script;
  }

  private static void add(List<Step> script, Object partial, long timestamp) {
    if (partial != null) {
      script.add(new Send(partial, timestamp));
    }
  }

  /** Series key of a point: measurement, tags and time. */
  public static String key(KpiPoint p) {
    return p.measurement() + new TreeMap<>(p.tags()) + "@" + p.timeMillis();
  }

  /** What InfluxDB holds after these writes: per point key, the merged fields. */
  public static Map<String, Map<String, Object>> stored(List<KpiPoint> points) {
    Map<String, Map<String, Object>> db = new TreeMap<>();
    for (KpiPoint p : points) {
      db.computeIfAbsent(key(p), k -> new LinkedHashMap<>()).putAll(p.fields());
    }
    return db;
  }

  public static boolean provisional(KpiPoint p) {
    return Long.valueOf(1).equals(p.fields().get(InfluxSchema.FIELD_PROVISIONAL));
  }

  /**
   * The run with provisional points leaves InfluxDB as the run without them: the same points with
   * the same fields, every one of them final (marker 0); and it did write provisional points.
   */
  public static void assertSameFinalContent(Run withProvisional, Run without) {
    assertThat(without.points()).noneMatch(ProvisionalRuns::provisional);
    List<KpiPoint> provisional = new ArrayList<>(withProvisional.points().stream().filter(ProvisionalRuns::provisional).toList());
    assertThat(provisional).as("provisional points written").isNotEmpty();
    Map<String, Map<String, Object>> a = stored(withProvisional.points());
    Map<String, Map<String, Object>> b = stored(without.points());
    a.forEach((k, fields) -> {
      if (k.contains(InfluxSchema.TAG_WINDOW + "=")) { // window points carry the marker, gauges none
        assertThat(fields).as("%s is final", k).containsEntry(InfluxSchema.FIELD_PROVISIONAL, 0L);
      }
    });
    assertThat(a.keySet()).as("point keys").containsExactlyElementsOf(b.keySet());
    for (String k : b.keySet()) {
      assertThat(a.get(k)).as("fields of %s", k).isEqualTo(b.get(k));
    }
  }
}
