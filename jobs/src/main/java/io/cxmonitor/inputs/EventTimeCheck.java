package io.cxmonitor.inputs;

import io.cxmonitor.platform.cli.JobOptions;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * The event-time rule every input shares: not before {@code notBefore} (a 1970 date is a missing
 * or mangled time, not history) and at most {@code maxAhead} past the wall clock (clock skew).
 */
public record EventTimeCheck(Instant notBefore, Duration maxAhead) implements Serializable {
  /** --event-time-not-before 2000-01-01T00:00:00Z, --event-time-max-ahead PT1H. */
  public static final EventTimeCheck DEFAULT = new EventTimeCheck(
      Instant.parse(JobOptions.DEFAULT_EVENT_TIME_NOT_BEFORE), Duration.parse(JobOptions.DEFAULT_EVENT_TIME_MAX_AHEAD));

  public static EventTimeCheck of(JobOptions options) {
    return new EventTimeCheck(options.eventTimeNotBefore, options.eventTimeMaxAhead);
  }

  /** The problem with {@code time}, or null; {@code what} names the record for the reason. */
  public String problem(String field, Instant time, long nowMillis, String what) {
    if (time == null) {
      return field + " is missing (" + what + ")";
    }
    if (time.isBefore(notBefore)) {
      return field + " " + time + " is before " + notBefore
          + " (--event-time-not-before): a missing or mangled time, not an event (" + what + ")";
    }
    if (time.toEpochMilli() > nowMillis + maxAhead.toMillis()) {
      return field + " " + time + " is more than " + maxAhead
          + " ahead of the clock (--event-time-max-ahead): check the producer's clock (" + what + ")";
    }
    return null;
  }
}
