package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.schemas.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@code cx_repeat_pairs} writes a channel pair of a rolling window (1h, 24h) only where it is not
 * zero, or was not zero in the series' last point: what a dashboard reads — the last point of each
 * pair series at or before a time — must still be the window's true count at every tick. A 1m point
 * (one bucket) holds the pairs that are not zero in its bucket. The true counts come from a plain model of
 * the input: a 1m point holds its bucket; the 1h and 24h points of tick j hold the buckets in the
 * window with what became known by the end of bucket j + 1 (corrections of earlier buckets, known
 * later, included).
 */
class RepeatPairPointsTest {
  private static final long MINUTE = 60_000L;
  private static final int CHANNELS = Channel.values().length;
  private static final int MINUTES = 240;

  /** One input partial: its bucket, the bucket it became known in, and its pair counts. */
  private record Partial(long bucket, long known, long[] pairs) {}

  @Test
  void theLastPointOfEveryPairSeriesIsTheWindowsTrueCountAtEveryTick() throws Exception {
    Random random = new Random(11);
    List<Partial> input = new ArrayList<>();
    for (long m = 0; m < MINUTES; m++) {
      if (random.nextInt(3) > 0) {
        input.add(new Partial(m, m, randomPairs(random)));
      }
      if (m > 3 && random.nextInt(5) == 0) {
        input.add(new Partial(m - 1 - random.nextInt(3), m, randomPairs(random))); // known later than its bucket
      }
    }

    var harness = new KeyedOneInputStreamOperatorTestHarness<String, ServicePartial, KpiPoint>(
        new KeyedProcessOperator<>(new RollingServiceWindows(MINUTE)), ServicePartial::groupKey, Types.STRING);
    harness.open();
    long watermarkMinute = 0;
    for (Partial p : input) {
      while (watermarkMinute < p.known()) {
        harness.processWatermark(++watermarkMinute * MINUTE - 1);
      }
      ServiceCounts c = new ServiceCounts();
      c.contacts = 1;
      c.repeatPairs = p.pairs();
      harness.processElement(new StreamRecord<>(new ServicePartial(Grouping.OVERALL, "all", p.bucket(), c.seal()),
          p.known() * MINUTE + 1));
    }
    harness.processWatermark(Long.MAX_VALUE);

    // the final state of the database: the last write of each point
    Map<String, TreeMap<Long, Long>> series = new HashMap<>();
    int pairPoints = 0;
    int windowPoints = 0;
    for (Object o : harness.getOutput()) {
      if (o instanceof StreamRecord<?> r && r.getValue() instanceof KpiPoint p) {
        if (p.measurement().equals(ServiceInfluxNames.MEASUREMENT_REPEAT_PAIRS)) {
          pairPoints++;
          String key = p.tags().get(InfluxSchema.TAG_WINDOW) + "/" + p.tags().get(InfluxSchema.TAG_CHANNEL) + ">"
              + p.tags().get(ServiceInfluxNames.TAG_TO_CHANNEL);
          series.computeIfAbsent(key, k -> new TreeMap<>()).put(p.timeMillis(), (Long) p.fields().get(InfluxSchema.FIELD_N));
        } else if (p.measurement().equals(ServiceInfluxNames.MEASUREMENT_SERVICE)) {
          windowPoints++;
        }
      }
    }
    harness.close();

    int checked = 0;
    for (long j = 0; j < MINUTES + 24 * 60 + 2; j++) {
      for (int pair = 0; pair < CHANNELS * CHANNELS; pair++) {
        for (String window : List.of("1m", "1h", "24h")) {
          long expected = model(input, window, j, pair);
          final long tick = j;
          Channel from = Channel.values()[pair / CHANNELS];
          Channel to = Channel.values()[pair % CHANNELS];
          TreeMap<Long, Long> points = series.get(window + "/" + Grouping.tagValue(from.name()) + ">" + Grouping.tagValue(to.name()));
          Map.Entry<Long, Long> last = points == null ? null : points.floorEntry((j + 1) * MINUTE);
          if (window.equals("1m")) { // the bucket's own point, written when not zero
            last = points == null || !points.containsKey((j + 1) * MINUTE) ? null : points.floorEntry((j + 1) * MINUTE);
            if (last != null) {
              assertThat(last.getValue()).as("a 1m pair point is not zero").isPositive();
            }
          }
          assertThat(last == null ? 0L : last.getValue()).as("%s %s>%s at the tick of bucket %d: %s; input %s", window, from, to, j,
                  points == null ? null : points.headMap((j + 2) * MINUTE),
                  input.stream().filter(p -> p.pairs()[pair2(from, to)] > 0 && p.bucket() <= tick + 1).map(p -> p.bucket() + "@" + p.known() + "=" + p.pairs()[pair2(from, to)]).toList())
              .isEqualTo(expected);
          checked += expected > 0 ? 1 : 0;
        }
      }
    }
    assertThat(checked).as("non-zero counts checked").isGreaterThan(10_000);
    assertThat(pairPoints).as("pair points, against every pair of every window point").isLessThan(windowPoints * CHANNELS * CHANNELS / 2);
  }

  private static int pair2(Channel from, Channel to) {
    return from.ordinal() * CHANNELS + to.ordinal();
  }

  private static long[] randomPairs(Random random) {
    long[] pairs = new long[CHANNELS * CHANNELS];
    for (int i = random.nextInt(3); i >= 0; i--) {
      pairs[random.nextInt(6) * CHANNELS + random.nextInt(6)] += 1 + random.nextInt(2);
    }
    return pairs;
  }

  /** The window's true count of {@code pair} at the tick of bucket {@code j}. */
  private static long model(List<Partial> input, String window, long j, int pair) {
    long n = 0;
    for (Partial p : input) {
      boolean in = switch (window) {
        case "1m" -> p.bucket() == j;
        case "1h" -> p.bucket() > j - 60 && p.bucket() <= j && p.known() <= j + 1;
        default -> p.bucket() > j - 1440 && p.bucket() <= j && p.known() <= j + 1;
      };
      n += in ? p.pairs()[pair] : 0;
    }
    return n;
  }
}
