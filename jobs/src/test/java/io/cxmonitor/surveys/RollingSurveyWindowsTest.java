package io.cxmonitor.surveys;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.metrics.SurveyCounts;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RollingSurveyWindowsTest {
  private static final long MIN = 60_000;
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  private static final long M0 = T0.toEpochMilli() / MIN;

  private KeyedOneInputStreamOperatorTestHarness<String, SurveyPartial, KpiPoint> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new RollingSurveyWindows(MIN)), SurveyPartial::groupKey, Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static SurveyPartial chat(long minute, int... nps) {
    SurveyCounts c = new SurveyCounts();
    for (int v : nps) {
      c.addResponse(v, null, null);
    }
    return new SurveyPartial(Grouping.CHANNEL, "chat", minute, c);
  }

  private void send(SurveyPartial p) throws Exception {
    harness.processElement(new StreamRecord<>(p, (p.bucket + 1) * MIN - 1));
  }

  private void closeMinute(long minute) throws Exception {
    harness.processWatermark((minute + 1) * MIN - 1);
  }

  private List<KpiPoint> drain() {
    List<KpiPoint> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  private static long n(List<KpiPoint> points, String measurement, String window) {
    return points.stream()
        .filter(p -> p.measurement().equals(measurement) && p.tags().get("window").equals(window))
        .mapToLong(p -> (Long) p.fields().get("n")).sum();
  }

  @Test
  void partialsOfOneMinuteAreMergedAndEmittedWhenTheMinuteCloses() throws Exception {
    send(chat(M0, 10, 9));
    send(chat(M0, 0));
    assertThat(drain()).isEmpty();
    closeMinute(M0);
    List<KpiPoint> out = drain();
    assertThat(out).hasSize(9).allSatisfy(p -> {
      assertThat(p.timeMillis()).isEqualTo((M0 + 1) * MIN);
      assertThat(p.tags()).containsEntry("channel", "chat").containsEntry("region", "all");
    });
    assertThat(n(out, "cx_nps", "1m")).isEqualTo(3);
    assertThat(n(out, "cx_nps", "1h")).isEqualTo(3);
    assertThat(n(out, "cx_nps", "24h")).isEqualTo(3);
    assertThat(n(out, "cx_csat", "1m")).isZero();
  }

  @Test
  void minutesLeaveTheHourAfter60TicksAndTheDayAfter1440ThenStateIsCleared() throws Exception {
    send(chat(M0, 10));
    closeMinute(M0 + 59);
    List<KpiPoint> first60 = drain();
    // tick 0: all windows; tick 1: the 1m window once more with n = 0; then only 1h and 24h
    assertThat(first60).hasSize(9 + 9 + 58 * 6);
    closeMinute(M0 + 60);
    List<KpiPoint> tick60 = drain();
    assertThat(n(tick60, "cx_nps", "1h")).isZero();
    assertThat(n(tick60, "cx_nps", "24h")).isEqualTo(1);
    closeMinute(M0 + 1439);
    List<KpiPoint> upToLastMinuteOfTheDay = drain();
    List<KpiPoint> tick1439 = upToLastMinuteOfTheDay.subList(upToLastMinuteOfTheDay.size() - 3, upToLastMinuteOfTheDay.size());
    assertThat(tick1439).allSatisfy(p -> assertThat(p.timeMillis()).isEqualTo((M0 + 1440) * MIN));
    assertThat(n(tick1439, "cx_nps", "24h")).isEqualTo(1);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    closeMinute(M0 + 1440);
    List<KpiPoint> last = drain();
    assertThat(last).as("only the 24h window, which just emptied").hasSize(3)
        .allSatisfy(p -> assertThat(p.tags()).containsEntry("window", "24h"));
    assertThat(last).allSatisfy(p -> assertThat(p.fields()).containsOnlyKeys("n").containsEntry("n", 0L));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    closeMinute(M0 + 3000);
    assertThat(drain()).isEmpty();
  }

  @Test
  void aLatePartialForATickedMinuteRewritesThatMinuteAndJoinsTheRollingSums() throws Exception {
    send(chat(M0, 10));
    closeMinute(M0 + 2);
    drain();
    send(chat(M0 + 1, 0, 0));
    List<KpiPoint> rewrite = drain();
    // the late minute itself, and the 1h and 24h values already written at the last tick (M0 + 2),
    // each for NPS, CSAT and CES: no written figure stays short of the late answers
    assertThat(rewrite).hasSize(9);
    assertThat(rewrite).filteredOn(p -> p.tags().get("window").equals("1m"))
        .hasSize(3).allSatisfy(p -> assertThat(p.timeMillis()).isEqualTo((M0 + 2) * MIN));
    assertThat(rewrite).filteredOn(p -> !p.tags().get("window").equals("1m"))
        .hasSize(6).allSatisfy(p -> assertThat(p.timeMillis()).isEqualTo((M0 + 3) * MIN));
    assertThat(n(rewrite, "cx_nps", "1m")).isEqualTo(2);
    assertThat(n(rewrite, "cx_nps", "1h")).isEqualTo(3);
    assertThat(n(rewrite, "cx_nps", "24h")).isEqualTo(3);
    closeMinute(M0 + 3);
    assertThat(n(drain(), "cx_nps", "1h")).isEqualTo(3);
  }

  @Test
  void aLatePartialForAGroupThatStoppedTickingIsDropped() throws Exception {
    closeMinute(M0 + 10);
    send(chat(M0, 10));
    closeMinute(M0 + 20);
    assertThat(drain()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }
}
