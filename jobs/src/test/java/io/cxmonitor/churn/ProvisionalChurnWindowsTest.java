package io.cxmonitor.churn;

import io.cxmonitor.metrics.ChurnCounts;
import io.cxmonitor.platform.testing.ProvisionalRuns;
import io.cxmonitor.platform.testing.ProvisionalRuns.Step;
import io.cxmonitor.platform.windows.Grouping;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Provisional points of the churn windows end as a run without them, with minute and with hour
 * buckets (where the bucket's own window is the 1 h window), also for buckets that hold only gauge
 * changes (which can cancel out) or only cohort corrections (whose one-bucket point is not written).
 */
class ProvisionalChurnWindowsTest {
  private static final long S = 1_000;
  private static final long MIN = 60 * S;
  private static final long H = 60 * MIN;
  private static final long T0 = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();
  private static final List<String> GROUPS = List.of("overall=all", "plan=pro");

  @Test
  void minuteBucketsLeaveInfluxAsARunWithoutProvisionalPoints() throws Exception {
    List<Step> script = ProvisionalRuns.randomScript(3, MIN, T0, 3 * 3600, S, 30 * S, GROUPS, ProvisionalChurnWindowsTest::random);
    ProvisionalRuns.assertSameFinalContent(run(MIN, S, script), run(MIN, 0, script));
  }

  @Test
  void hourBucketsLeaveInfluxAsARunWithoutProvisionalPoints() throws Exception {
    // 30 s steps: 30 hours of event time, with the jump of a day in the middle
    List<Step> script = ProvisionalRuns.randomScript(4, H, T0, 3600, 30 * S, 30 * S, GROUPS, ProvisionalChurnWindowsTest::random);
    ProvisionalRuns.assertSameFinalContent(run(H, 30 * S, script), run(H, 0, script));
  }

  private static ProvisionalRuns.Run run(long bucket, long interval, List<Step> script) throws Exception {
    return ProvisionalRuns.run(() -> new RollingChurnWindows(bucket), ChurnPartial::groupKey, interval, script);
  }

  static ChurnPartial random(String group, long bucket, Random r) {
    ChurnCounts c = new ChurnCounts();
    switch (r.nextInt(6)) {
      case 0 -> c.activeDelta = r.nextBoolean() ? 1 : -1; // a late fact's gauge change only
      case 1 -> {
        c.cohortBucket = 1;
        c.cohortHour = 1;
        c.cohortDay = 1;
      }
      case 2 -> {
        c.cancellations = 1;
        c.mrrChurned = 500;
        c.activeDelta = -1;
        c.mrrDelta = -500;
      }
      case 3 -> {
        c.enteredRisk = 1;
        c.atRiskDelta = 1;
        c.revenueAtRiskDelta = 300;
      }
      default -> {
        c.subscriptions = 1;
        c.mrrNew = 400;
        c.activeDelta = 1;
        c.mrrDelta = 400;
      }
    }
    Grouping.Key k = Grouping.Key.parse(group);
    return new ChurnPartial(k.grouping(), k.value(), bucket, c);
  }
}
