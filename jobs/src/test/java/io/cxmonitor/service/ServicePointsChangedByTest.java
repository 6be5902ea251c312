package io.cxmonitor.service;

import static io.cxmonitor.service.ServiceInfluxNames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.windows.Grouping;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link ServicePoints#changedBy} names every measurement whose points a gain can change: for each
 * field of {@link ServiceCounts} (found by reflection, so a field added later is checked too), a
 * gain of only that field is added to a full and to an empty window, and every measurement whose
 * points differ must be in the mask. The corrected points leave the others out.
 */
class ServicePointsChangedByTest {
  private static final long END = 3_600_000L;
  private static final Map<String, Integer> BITS = Map.of(MEASUREMENT_FRT, ServicePoints.FRT, MEASUREMENT_TTR,
      ServicePoints.TTR, MEASUREMENT_QUEUE_TIME, ServicePoints.QUEUE_TIME, MEASUREMENT_SERVICE, ServicePoints.SERVICE,
      MEASUREMENT_REPEAT_FORWARD, ServicePoints.FORWARD, MEASUREMENT_REPEAT_PAIRS, ServicePoints.PAIRS);

  @Test
  void everyFieldChangesOnlyMeasurementsItsGainNames() throws Exception {
    int checked = 0;
    for (Field f : ServiceCounts.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) {
        continue;
      }
      for (ServiceCounts window : List.of(full(new Random(f.getName().hashCode())), new ServiceCounts())) {
        for (ServiceCounts gain : gainsOf(f)) {
          ServiceCounts after = ServiceCounts.copyOf(window);
          after.add(gain);
          Map<String, List<String>> before = byMeasurement(window);
          Map<String, List<String>> now = byMeasurement(after);
          int mask = ServicePoints.changedBy(gain);
          for (String m : BITS.keySet()) {
            if (!before.getOrDefault(m, List.of()).equals(now.getOrDefault(m, List.of()))) {
              assertThat(mask & BITS.get(m)).as("a gain of %s changes %s", f.getName(), m).isNotZero();
              checked++;
            }
          }
        }
      }
    }
    assertThat(checked).as("changed measurements seen").isGreaterThan(50);
  }

  /** A gain of the channel pairs writes exactly the pairs it changes. */
  @Test
  void aGainOfPairsWritesThePairsItChanges() {
    ServiceCounts window = full(new Random(3));
    ServiceCounts gain = new ServiceCounts();
    gain.repeatPairs = new long[ServiceCounts.CHANNELS * ServiceCounts.CHANNELS];
    gain.repeatPairs[7] = 2;
    gain.repeatPairs[40] = 1;
    window.add(gain);
    List<KpiPoint> points = new ArrayList<>();
    ServicePoints.emit(Grouping.OVERALL, "all", "1h", END, window, 86_400_000L, ServicePoints.gainedPairs(gain),
        ServicePoints.changedBy(gain), points::add);
    assertThat(points).extracting(KpiPoint::measurement).containsExactly(MEASUREMENT_REPEAT_PAIRS, MEASUREMENT_REPEAT_PAIRS);
    assertThat(points).extracting(p -> p.fields().get(io.cxmonitor.platform.influx.InfluxSchema.FIELD_N))
        .containsExactly(window.repeatPairs[7], window.repeatPairs[40]);
  }

  /** Gains of one field: a count, one or two entries of an array, or recorded durations for a histogram. */
  private static List<ServiceCounts> gainsOf(Field f) throws IllegalAccessException {
    List<ServiceCounts> gains = new ArrayList<>();
    Class<?> type = f.getType();
    if (type == long.class) {
      ServiceCounts g = new ServiceCounts();
      f.setLong(g, 3);
      gains.add(g);
    } else if (type == long[].class) {
      int length = f.getName().equals("repeatPairs") ? ServiceCounts.CHANNELS * ServiceCounts.CHANNELS : ServiceCounts.CLOSE_REASONS;
      for (int i : new int[] {0, length / 2, length - 1}) {
        ServiceCounts g = new ServiceCounts();
        long[] a = new long[length];
        a[i] = 2;
        f.set(g, a);
        gains.add(g);
      }
    } else if (type == byte[].class) {
      ServiceCounts g = new ServiceCounts();
      Consumer<Long> record = switch (f.getName()) {
        case "frtEncoded" -> g::recordFrt;
        case "ttrEncoded" -> g::recordTtr;
        case "queueEncoded" -> g::recordQueueTime;
        default -> throw new AssertionError("a histogram field this test does not know: " + f.getName());
      };
      record.accept(7_000L);
      record.accept(4_000_000L);
      gains.add(g.seal());
    } else {
      throw new AssertionError("a field of a type this test does not know: " + f);
    }
    return gains;
  }

  /** Every count and histogram not zero. */
  private static ServiceCounts full(Random r) {
    ServiceCounts c = new ServiceCounts();
    for (Field f : ServiceCounts.class.getDeclaredFields()) {
      if (f.getType() == long.class && !Modifier.isStatic(f.getModifiers())) {
        try {
          f.setLong(c, 20 + r.nextInt(50));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    c.repeatPairs = new long[ServiceCounts.CHANNELS * ServiceCounts.CHANNELS];
    c.closedByReason = new long[ServiceCounts.CLOSE_REASONS];
    for (int i = 0; i < c.repeatPairs.length; i += 3) {
      c.repeatPairs[i] = 1 + r.nextInt(4);
    }
    for (int i = 0; i < c.closedByReason.length; i++) {
      c.closedByReason[i] = r.nextInt(4);
    }
    c.frtMedianSum = c.frtMedianSumN = c.ttrMedianSum = c.ttrMedianSumN = c.queueMedianSum = c.queueMedianSumN = 0;
    for (int i = 0; i < 30; i++) {
      c.recordFrt(1_000 + r.nextInt(900_000));
      c.recordTtr(60_000 + r.nextInt(9_000_000));
      c.recordQueueTime(r.nextInt(300_000));
    }
    return c.seal();
  }

  /** Every pair, zeros included, so a changed pair shows. */
  private static Map<String, List<String>> byMeasurement(ServiceCounts c) {
    Map<String, List<String>> out = new TreeMap<>();
    ServicePoints.emit(Grouping.OVERALL, "all", "1h", END, c, 86_400_000L, ServicePoints.ALL_PAIRS, ServicePoints.ALL,
        p -> out.computeIfAbsent(p.measurement(), m -> new ArrayList<>()).add(p.tags() + "@" + p.timeMillis() + p.fields()));
    return out;
  }
}
