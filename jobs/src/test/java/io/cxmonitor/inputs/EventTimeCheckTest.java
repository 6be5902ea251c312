package io.cxmonitor.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventTimeCheckTest {
  private static final Instant NOW = Instant.parse("2026-03-02T07:00:00Z");
  private final EventTimeCheck check = EventTimeCheck.DEFAULT;

  private String problem(Instant t) {
    return check.problem("event_time", t, NOW.toEpochMilli(), "response r1");
  }

  @Test
  void defaultsAreFrom2000ToAnHourAhead() {
    assertThat(check.notBefore()).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
    assertThat(check.maxAhead()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void juneNineteenSeventyIsRefusedWithTheOptionToChange() {
    assertThat(problem(Instant.parse("1970-06-15T12:00:00Z")))
        .isEqualTo("event_time 1970-06-15T12:00:00Z is before 2000-01-01T00:00:00Z (--event-time-not-before): "
            + "a missing or mangled time, not an event (response r1)");
    assertThat(problem(Instant.EPOCH)).contains("is before 2000-01-01T00:00:00Z");
    assertThat(problem(Instant.parse("1999-12-31T23:59:59.999Z"))).isNotNull();
  }

  @Test
  void theBoundsThemselvesAreAccepted() {
    assertThat(problem(Instant.parse("2000-01-01T00:00:00Z"))).isNull();
    assertThat(problem(NOW.plus(Duration.ofHours(1)))).isNull();
    assertThat(problem(NOW)).isNull();
  }

  @Test
  void moreThanTheAllowanceAheadIsRefused() {
    assertThat(problem(NOW.plus(Duration.ofHours(1)).plusMillis(1)))
        .isEqualTo("event_time 2026-03-02T08:00:00.001Z is more than PT1H ahead of the clock (--event-time-max-ahead): "
            + "check the producer's clock (response r1)");
  }

  @Test
  void theRangeIsConfigurable() {
    EventTimeCheck narrow = new EventTimeCheck(Instant.parse("2026-01-01T00:00:00Z"), Duration.ZERO);
    assertThat(narrow.problem("t", Instant.parse("2025-12-31T00:00:00Z"), NOW.toEpochMilli(), "x")).isNotNull();
    assertThat(narrow.problem("t", NOW.plusMillis(1), NOW.toEpochMilli(), "x")).isNotNull();
    assertThat(narrow.problem("t", NOW, NOW.toEpochMilli(), "x")).isNull();
  }

  @Test
  void aMissingTimeIsRefused() {
    assertThat(problem(null)).isEqualTo("event_time is missing (response r1)");
  }
}
