package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.windows.Grouping;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rolling windows keep parts of their aggregates (duration histograms) live between snapshots
 * and serialise them only when a snapshot is taken (heap state) or at each update (RocksDB). A run
 * snapshotted at random points and restored from each snapshot into a fresh operator must write
 * exactly the points of an uninterrupted run — every percentile, mean and count, corrections included.
 */
class RollingServiceWindowsSnapshotTest {
  private static final long MINUTE = 60_000L;
  private static final String[] CHANNELS = {"phone", "chat", "email"};

  /** Minute partials of 3 channels over 3 hours with durations, and corrections known a minute later. */
  private static List<StreamRecord<ServicePartial>> input(long seed) {
    Random random = new Random(seed);
    List<StreamRecord<ServicePartial>> records = new ArrayList<>();
    for (long minute = 0; minute < 180; minute++) {
      for (String channel : CHANNELS) {
        if (random.nextInt(4) == 0) {
          continue;
        }
        ServiceCounts c = new ServiceCounts();
        for (int i = random.nextInt(8); i >= 0; i--) {
          c.opened++;
          c.recordFrt((long) (random.nextDouble() * 900_000));
          c.recordTtr((long) (random.nextDouble() * 86_400_000L));
        }
        records.add(new StreamRecord<>(new ServicePartial(Grouping.CHANNEL, channel, minute, c.seal()), minute * MINUTE + 1));
        if (minute > 0 && random.nextBoolean()) {
          ServiceCounts q = new ServiceCounts();
          q.queueLeft++;
          q.recordQueueTime(random.nextInt(300_000));
          // a queue outcome of the previous minute's cohort, known in this one
          records.add(new StreamRecord<>(new ServicePartial(Grouping.CHANNEL, channel, minute - 1, q.seal()), minute * MINUTE + 2));
        }
      }
    }
    return records;
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, ServicePartial, KpiPoint> harness(StateBackend backend)
      throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<String, ServicePartial, KpiPoint>(
        new KeyedProcessOperator<>(new RollingServiceWindows(MINUTE)), ServicePartial::groupKey, Types.STRING);
    h.setStateBackend(backend);
    return h;
  }

  private static StateBackend backend(String name) {
    return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
  }

  /** Feeds the records with a watermark at each minute's end; snapshots and restores before the minutes in {@code restoreAt}. */
  private static List<KpiPoint> run(String backend, List<StreamRecord<ServicePartial>> records, List<Long> restoreAt)
      throws Exception {
    List<KpiPoint> points = new ArrayList<>();
    var h = harness(backend(backend));
    h.open();
    long checkpoint = 0;
    long watermarkMinute = 0;
    for (StreamRecord<ServicePartial> r : records) {
      long minute = r.getTimestamp() / MINUTE;
      while (watermarkMinute < minute) {
        h.processWatermark(watermarkMinute * MINUTE + MINUTE - 1);
        watermarkMinute++;
        if (restoreAt.contains(watermarkMinute)) {
          OperatorSubtaskState snapshot = h.snapshot(++checkpoint, watermarkMinute);
          collect(h, points);
          h.close();
          h = harness(backend(backend));
          h.initializeState(snapshot);
          h.open();
        }
      }
      h.processElement(r);
    }
    h.processWatermark(Long.MAX_VALUE);
    collect(h, points);
    h.close();
    return points;
  }

  private static void collect(KeyedOneInputStreamOperatorTestHarness<String, ServicePartial, KpiPoint> h, List<KpiPoint> into) {
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        into.add((KpiPoint) r.getValue());
      }
    }
    h.getOutput().clear();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void restoredFromSnapshotsItWritesWhatAnUninterruptedRunWrites(String backend) throws Exception {
    List<StreamRecord<ServicePartial>> records = input(7);
    List<KpiPoint> uninterrupted = run(backend, records, List.of());
    List<KpiPoint> restored = run(backend, records, List.of(5L, 6L, 61L, 62L, 100L, 150L, 179L));
    assertThat(uninterrupted).as("points of the uninterrupted run").hasSizeGreaterThan(1000)
        .anySatisfy(p -> assertThat(p.fields()).containsKey("p90_s"));
    assertThat(restored).containsExactlyElementsOf(uninterrupted);
  }
}
