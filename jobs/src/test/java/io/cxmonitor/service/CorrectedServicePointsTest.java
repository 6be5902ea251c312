package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.testing.ProvisionalRuns;
import io.cxmonitor.platform.testing.ProvisionalRuns.Step;
import java.time.Instant;
import java.util.List;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A correction rewrites only the measurements and channel pairs it changes, and InfluxDB ends as
 * if every corrected point had been written whole: the oracle is the same windows writing each
 * corrected point whole (all measurements, every pair that is not zero), run on the same script of
 * partials, late partials and corrections, with and without provisional points, for one-minute and
 * one-hour buckets.
 */
class CorrectedServicePointsTest {
  private static final long S = 1_000;
  private static final long MIN = 60 * S;
  private static final long T0 = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();

  /** The windows as they were: every corrected point written whole. */
  static final class WholeCorrections extends RollingServiceWindows {
    private static final long serialVersionUID = 1L;

    WholeCorrections(long bucketMillis, long repeatWindowMs) {
      super(bucketMillis, repeatWindowMs);
    }

    @Override
    protected void emitCorrected(String key, String window, long minute, ServiceCounts counts, ServiceCounts gained,
        Collector<KpiPoint> out) {
      emitChange(key, window, minute, counts, null, null, out);
    }
  }

  @ParameterizedTest(name = "bucket {0} ms, step {1} ms, provisional every {2} ms")
  @CsvSource({"60000, 2000, 0", "60000, 2000, 2000", "3600000, 60000, 0", "3600000, 60000, 120000"})
  void influxEndsAsWithWholeCorrectedPoints(long bucket, long step, long provisional) throws Exception {
    List<Step> script = ProvisionalRuns.randomScript(23, bucket, T0, 3600, step, 30 * S,
        List.of("overall=all", "channel=chat", "channel=phone", "team=tier1"), ProvisionalServiceWindowsTest::random);
    long corrections = script.stream().filter(s -> s instanceof ProvisionalRuns.Send send && send.timestamp() % bucket != bucket - 1)
        .count();
    ProvisionalRuns.Run partial = ProvisionalRuns.run(() -> new RollingServiceWindows(bucket, 10 * bucket),
        ServicePartial::groupKey, provisional, script);
    ProvisionalRuns.Run whole = ProvisionalRuns.run(() -> new WholeCorrections(bucket, 10 * bucket),
        ServicePartial::groupKey, provisional, script);

    var stored = ProvisionalRuns.stored(partial.points());
    var expected = ProvisionalRuns.stored(whole.points());
    assertThat(stored.keySet()).as("point keys").containsExactlyElementsOf(expected.keySet());
    for (String k : expected.keySet()) {
      assertThat(stored.get(k)).as("fields of %s", k).isEqualTo(expected.get(k));
    }
    assertThat(corrections).as("corrections in the script").isGreaterThan(100);
    assertThat(partial.points().size()).as("points written, against whole corrected points")
        .isLessThan(whole.points().size());
  }
}
