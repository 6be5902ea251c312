package io.cxmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyProbeTest {
  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(30);
  private final long w0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
  private final long w1 = w0 + 60_000;

  @Test
  void closeLatencyCountsFromWindowEndPlusOutOfOrdernessAndEventLatencyUntilTheWindowsLastPoint() {
    // window [w0, w1): two events at w0 + 10 s and w0 + 50 s; its two points seen 0.4 s and 0.9 s after w1 + 30 s
    Map<Long, List<Long>> events = Map.of(w0, List.of(w0 + 10_000, w0 + 50_000));
    Map<String, Long> seen = Map.of(
        "cx_nps{\"channel\":\"all\"}@" + w1, w1 + 30_400,
        "cx_nps{\"channel\":\"CHAT\"}@" + w1, w1 + 30_900,
        "cx_nps{\"channel\":\"all\"}@" + (w1 + 60_000), w1 + 90_500); // a window not counted
    LatencyProbe.Result r = LatencyProbe.evaluate(1000, 120, events, seen, List.of(w1), OUT_OF_ORDERNESS);
    assertThat(r.windows()).isEqualTo(1);
    assertThat(r.closeToVisible().count()).isEqualTo(2);
    assertThat(r.closeToVisible().p50()).isCloseTo(0.4, within(1e-9));
    assertThat(r.closeToVisible().max()).isCloseTo(0.9, within(1e-9));
    // all points visible at w1 + 30.9 s: the events waited 80.9 s and 40.9 s
    assertThat(r.events()).isEqualTo(2);
    assertThat(r.eventToVisible().p50()).isCloseTo(40.9, within(1e-9));
    assertThat(r.eventToVisible().max()).isCloseTo(80.9, within(1e-9));
  }

  @Test
  void aWindowWithNoPointSeenIsNotCounted() {
    LatencyProbe.Result r = LatencyProbe.evaluate(1000, 120, Map.of(w0, List.of(w0 + 1)), Map.of(), List.of(w1),
        OUT_OF_ORDERNESS);
    assertThat(r.windows()).isZero();
    assertThat(r.eventToVisible().count()).isZero();
  }
}
