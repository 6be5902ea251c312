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
    assertThat(last).allSatisfy(p -> assertThat(p.fields()).containsOnlyKeys("n", "provisional").containsEntry("n", 0L)
        .containsEntry("provisional", 0L));
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
  void aCorrectionWaitsForTheTickOfTheBucketItBecameKnownIn() throws Exception {
    send(chat(M0, 10));
    closeMinute(M0 + 2);
    drain();
    // two answers dated M0 + 1 (their cohort), known in M0 + 4
    harness.processElement(new StreamRecord<>(chat(M0 + 1, 0, 0), (M0 + 4) * MIN + 5_000));
    assertThat(drain()).isEmpty();
    closeMinute(M0 + 3);
    List<KpiPoint> before = drain();
    assertThat(n(before, "cx_nps", "1h")).isEqualTo(1);
    assertThat(n(before, "cx_nps", "1m")).isZero();
    closeMinute(M0 + 4);
    List<KpiPoint> at = drain();
    // before it advances, the tick of M0 + 4 rewrites the cohort minute's own point (window end
    // M0 + 2) and the last tick's windows (end M0 + 4); its own windows include the answers too
    assertThat(at).filteredOn(p -> p.measurement().equals("cx_nps") && p.tags().get("window").equals("1m"))
        .singleElement().satisfies(p -> {
          assertThat(p.timeMillis()).isEqualTo((M0 + 2) * MIN);
          assertThat(p.fields().get("n")).isEqualTo(2L);
        });
    for (String window : List.of("1h", "24h")) {
      assertThat(at).filteredOn(p -> p.measurement().equals("cx_nps") && p.tags().get("window").equals(window))
          .extracting(p -> p.timeMillis() / MIN - M0, p -> p.fields().get("n"))
          .containsExactly(org.assertj.core.groups.Tuple.tuple(4L, 3L), org.assertj.core.groups.Tuple.tuple(5L, 3L));
    }
    closeMinute(M0 + 61);
    // the hour after M0 + 1 no longer holds the two answers, nor the first one
    assertThat(drain()).filteredOn(p -> p.measurement().equals("cx_nps") && p.tags().get("window").equals("1h"))
        .last().satisfies(p -> assertThat(p.fields().get("n")).isEqualTo(0L));
  }

  @Test
  void aCorrectionForAGroupThatHasNotTickedStartsIt() throws Exception {
    // e.g. the queue outcome of a ticket transferred to this team, dated by its queue entry
    harness.processElement(new StreamRecord<>(chat(M0, 10), (M0 + 1) * MIN + 1));
    assertThat(drain()).isEmpty();
    closeMinute(M0 + 1);
    List<KpiPoint> out = drain();
    assertThat(out).filteredOn(p -> p.measurement().equals("cx_nps"))
        .extracting(p -> p.tags().get("window"), p -> p.timeMillis() / MIN - M0, p -> p.fields().get("n"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("1m", 1L, 1L),   // the cohort minute's own point
            org.assertj.core.groups.Tuple.tuple("1h", 1L, 1L),   // the windows to the end of the cohort minute
            org.assertj.core.groups.Tuple.tuple("24h", 1L, 1L),
            org.assertj.core.groups.Tuple.tuple("1m", 2L, 0L),   // the tick of M0 + 1: its minute empty, once
            org.assertj.core.groups.Tuple.tuple("1h", 2L, 1L),
            org.assertj.core.groups.Tuple.tuple("24h", 2L, 1L));
  }

  @Test
  void aCorrectionWaitingWhileItsGroupStopsTickingIsStillApplied() throws Exception {
    send(chat(M0, 10));
    closeMinute(M0 + 1439);
    drain();
    // known in M0 + 1441, for a minute the group never had data in; the group stops at M0 + 1440
    harness.processElement(new StreamRecord<>(chat(M0 + 1439, 0), (M0 + 1441) * MIN + 1));
    closeMinute(M0 + 1441);
    List<KpiPoint> out = drain();
    assertThat(out).filteredOn(p -> p.measurement().equals("cx_nps") && p.tags().get("window").equals("24h"))
        .extracting(p -> p.timeMillis() / MIN - M0, p -> p.fields().get("n"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1441L, 0L),  // the tick that empties the day
            org.assertj.core.groups.Tuple.tuple(1441L, 1L),                // the correction, as of M0 + 1440
            org.assertj.core.groups.Tuple.tuple(1442L, 1L));               // the restarted group's tick
  }

  @Test
  void aCorrectionWritesTheSamePointsWhicheverTickItArrivesAfter() throws Exception {
    List<List<KpiPoint>> runs = new java.util.ArrayList<>();
    for (long arrivesAfter = M0; arrivesAfter <= M0 + 3; arrivesAfter++) {
      var h = new KeyedOneInputStreamOperatorTestHarness<String, SurveyPartial, KpiPoint>(
          new KeyedProcessOperator<>(new RollingSurveyWindows(MIN)), SurveyPartial::groupKey, Types.STRING);
      h.open();
      h.processElement(new StreamRecord<>(chat(M0, 10, 9), (M0 + 1) * MIN - 1));
      h.processElement(new StreamRecord<>(chat(M0 + 2, 3), (M0 + 3) * MIN - 1));
      for (long m = M0; m <= M0 + 6; m++) {
        h.processWatermark((m + 1) * MIN - 1);
        if (m == arrivesAfter) {
          h.processElement(new StreamRecord<>(chat(M0, 0), (M0 + 4) * MIN + 1));
        }
      }
      runs.add(h.extractOutputValues());
      h.close();
    }
    assertThat(runs).allSatisfy(r -> assertThat(r).isEqualTo(runs.get(0)));
    // and what it writes: the hour to M0 + 4 first without the correction, then again with it
    // (at the tick of M0 + 4, the bucket it became known in), the hour to M0 + 5 with it
    assertThat(runs.get(0)).filteredOn(p -> p.measurement().equals("cx_nps") && p.tags().get("window").equals("1h")
        && p.timeMillis() == (M0 + 4) * MIN).extracting(p -> p.fields().get("n")).containsExactly(3L, 4L);
    assertThat(runs.get(0)).filteredOn(p -> p.measurement().equals("cx_nps") && p.tags().get("window").equals("1h")
        && p.timeMillis() == (M0 + 5) * MIN).singleElement().satisfies(p -> assertThat(p.fields().get("n")).isEqualTo(4L));
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
