package io.cxmonitor.surveys;

import static io.cxmonitor.platform.testing.ProvisionalRuns.provisional;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.metrics.SurveyCounts;
import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.testing.ProvisionalRuns;
import io.cxmonitor.platform.testing.ProvisionalRuns.Clock;
import io.cxmonitor.platform.testing.ProvisionalRuns.Send;
import io.cxmonitor.platform.testing.ProvisionalRuns.Step;
import io.cxmonitor.platform.testing.ProvisionalRuns.Watermark;
import io.cxmonitor.platform.windows.Grouping;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Provisional points of the survey windows: written on processing time before the watermark closes
 * their bucket, marked, and overwritten by the final points, so that InfluxDB ends up holding what a
 * run without them writes.
 */
class ProvisionalSurveyWindowsTest {
  private static final long S = 1_000;
  private static final long MIN = 60 * S;
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  private static final long M0 = T0.toEpochMilli() / MIN;

  private static SurveyPartial chat(long minute, int... nps) {
    SurveyCounts c = new SurveyCounts();
    for (int v : nps) {
      c.addResponse(v, null, null);
    }
    return new SurveyPartial(Grouping.CHANNEL, "chat", minute, c);
  }

  private static Send send(SurveyPartial p) {
    return new Send(p, (p.bucket + 1) * MIN - 1);
  }

  private static ProvisionalRuns.Run run(long interval, List<Step> script) throws Exception {
    return ProvisionalRuns.run(() -> new RollingSurveyWindows(MIN), SurveyPartial::groupKey, interval, script);
  }

  private static List<KpiPoint> between(ProvisionalRuns.Run run, int fromStep, int toStep) {
    return run.points().subList(fromStep < 0 ? 0 : run.after()[fromStep], run.after()[toStep]);
  }

  private static long n(List<KpiPoint> points, String window) {
    return points.stream().filter(p -> p.measurement().equals("cx_nps") && p.tags().get("window").equals(window))
        .mapToLong(p -> (Long) p.fields().get(InfluxSchema.FIELD_N)).sum();
  }

  @Test
  void theOpenMinuteIsWrittenProvisionallyWithinAnIntervalAndTheFinalPointOverwritesIt() throws Exception {
    List<Step> script = List.of(
        send(chat(M0, 10, 9)),            // 0: at processing time 0
        new Clock(200),                   // 1: before the write instant (a quarter interval after the shipment)
        new Clock(1_000),                 // 2: the partial's write
        send(chat(M0, 0)),                // 3
        new Clock(2_250),                 // 4: its write at 1 250
        new Clock(12_000),                // 5: nothing arrived
        new Watermark((M0 + 1) * MIN - 1)); // 6: the minute closes
    ProvisionalRuns.Run run = run(S, script);

    assertThat(between(run, -1, 1)).isEmpty();
    List<KpiPoint> first = between(run, 1, 2);
    assertThat(first).hasSize(9).allSatisfy(p -> {
      assertThat(provisional(p)).isTrue();
      assertThat(p.timeMillis()).isEqualTo((M0 + 1) * MIN);
    });
    assertThat(n(first, "1m")).isEqualTo(2);
    assertThat(n(first, "1h")).isEqualTo(2);
    assertThat(n(first, "24h")).isEqualTo(2);
    List<KpiPoint> second = between(run, 3, 4);
    assertThat(second).hasSize(9).allMatch(ProvisionalRuns::provisional);
    assertThat(n(second, "1m")).isEqualTo(3);
    assertThat(between(run, 4, 5)).as("no partial, no write").isEmpty();
    List<KpiPoint> finals = between(run, 5, 6);
    assertThat(finals).hasSize(9).noneMatch(ProvisionalRuns::provisional)
        .allSatisfy(p -> assertThat(p.fields()).containsEntry(InfluxSchema.FIELD_PROVISIONAL, 0L));
    assertThat(finals.stream().map(ProvisionalRuns::key)).containsExactlyInAnyOrderElementsOf(
        second.stream().map(ProvisionalRuns::key).toList());
    assertThat(n(finals, "1m")).isEqualTo(3);
  }

  @Test
  void theRollingWindowsOfTheLatestOpenMinuteAreWrittenAsTheyWillBe() throws Exception {
    // minutes M0 and M0 + 1 ticked; M0 + 2 and M0 + 3 open at once
    List<Step> script = List.of(
        send(chat(M0, 10)), send(chat(M0 + 1, 10, 10)),
        new Watermark((M0 + 2) * MIN - 1),
        send(chat(M0 + 2, 0)), send(chat(M0 + 3, 9, 9, 9)),
        new Clock(1_250));
    ProvisionalRuns.Run run = run(S, script);
    List<KpiPoint> provisional = between(run, 2, 5);
    assertThat(provisional).allMatch(ProvisionalRuns::provisional);
    assertThat(provisional.stream().filter(p -> p.tags().get("window").equals("1m")).map(KpiPoint::timeMillis))
        .containsOnly((M0 + 3) * MIN, (M0 + 4) * MIN);
    assertThat(provisional.stream().filter(p -> !p.tags().get("window").equals("1m")).map(KpiPoint::timeMillis))
        .containsOnly((M0 + 4) * MIN);
    assertThat(n(provisional, "1h")).isEqualTo(7);
    assertThat(n(provisional, "24h")).isEqualTo(7);
  }

  @Test
  void aLiveLikeRunLeavesInfluxAsARunWithoutProvisionalPoints() throws Exception {
    List<Step> script = ProvisionalRuns.randomScript(5, MIN, T0.toEpochMilli(), 3 * 3600, S, 30 * S,
        List.of("overall=all", "channel=chat", "channel=email"), ProvisionalSurveyWindowsTest::random);
    ProvisionalRuns.assertSameFinalContent(run(S, script), run(0, script));
  }

  /** A few answers, sometimes only CSAT or CES, sometimes none (an aggregate that is empty). */
  static SurveyPartial random(String group, long bucket, Random r) {
    SurveyCounts c = new SurveyCounts();
    int answers = r.nextInt(4);
    for (int i = 0; i < answers; i++) {
      c.addResponse(r.nextBoolean() ? r.nextInt(11) : null, r.nextInt(3) == 0 ? 1 + r.nextInt(5) : null,
          r.nextInt(4) == 0 ? 1 + r.nextInt(7) : null);
    }
    Grouping.Key k = Grouping.Key.parse(group);
    return new SurveyPartial(k.grouping(), k.value(), bucket, c);
  }
}
