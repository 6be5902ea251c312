package io.cxmonitor.service;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.testing.ProvisionalRuns;
import io.cxmonitor.platform.testing.ProvisionalRuns.Step;
import io.cxmonitor.platform.windows.Grouping;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Provisional points of the service windows end as a run without them: the final points overwrite
 * every provisional one, also where the final writes leave out channel pairs that stay zero
 * ({@code emitChange}) and for the final forward-repeat figures written a repeat window back.
 */
class ProvisionalServiceWindowsTest {
  private static final long S = 1_000;
  private static final long MIN = 60 * S;
  private static final long T0 = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();

  @Test
  void aLiveLikeRunLeavesInfluxAsARunWithoutProvisionalPoints() throws Exception {
    // 2 s steps and interval: two hours of event time around the day-long gap
    List<Step> script = ProvisionalRuns.randomScript(7, MIN, T0, 3600, 2 * S, 30 * S,
        List.of("overall=all", "channel=chat", "team=tier1"), ProvisionalServiceWindowsTest::random);
    ProvisionalRuns.assertSameFinalContent(run(2 * S, script), run(0, script));
  }

  private static ProvisionalRuns.Run run(long interval, List<Step> script) throws Exception {
    return ProvisionalRuns.run(() -> new RollingServiceWindows(MIN, 10 * MIN), ServicePartial::groupKey, interval, script);
  }

  /** Contacts with channel pairs, durations, queue outcomes, final forward figures, or only a backlog change. */
  static ServicePartial random(String group, long bucket, Random r) {
    ServiceCounts c = new ServiceCounts();
    switch (r.nextInt(5)) {
      case 0 -> c.backlogDelta = r.nextInt(3) - 1; // empty in isEmpty's terms
      case 1 -> {
        c.contacts = 1 + r.nextInt(3);
        c.repeats = r.nextInt(2);
        c.repeatPairs = new long[ServiceCounts.CHANNELS * ServiceCounts.CHANNELS];
        c.repeatPairs[r.nextInt(c.repeatPairs.length)] = c.repeats;
      }
      case 2 -> {
        c.opened = 1;
        c.backlogDelta = 1;
        c.recordFrt(1_000 + r.nextInt(600_000));
      }
      case 3 -> {
        c.queueEntered = 1;
        c.queueLeft = 1;
        c.queueAnswered = 1;
        c.queueAnsweredInServiceLevel = r.nextInt(2);
        c.recordQueueTime(r.nextInt(300_000));
      }
      default -> {
        c.contacts = 1;
        c.fwdFinal = 1;
        c.fwdFinalFollowed = r.nextInt(2);
        c.resolved = 1;
        c.recordTtr(60_000 + r.nextInt(3_600_000));
      }
    }
    Grouping.Key k = Grouping.Key.parse(group);
    return new ServicePartial(k.grouping(), k.value(), bucket, c.seal());
  }
}
