package io.cxmonitor.inputs;

import java.time.Duration;
import java.time.Instant;

/** The event-time rule every input shares: after 1970 and at most an hour ahead of the clock. */
public final class EventTimeCheck {
  /** Times further in the future than this (clock skew allowance) are rejected. */
  public static final Duration MAX_FUTURE = Duration.ofHours(1);

  private EventTimeCheck() {}

  /** The problem with {@code time}, or null; {@code what} names the record for the reason. */
  public static String problem(String field, Instant time, long nowMillis, String what) {
    if (time == null) {
      return field + " is missing (" + what + ")";
    }
    long t = time.toEpochMilli();
    if (t <= 0) {
      return field + " " + time + " is not after 1970 (" + what + ")";
    }
    if (t > nowMillis + MAX_FUTURE.toMillis()) {
      return field + " " + time + " is more than " + MAX_FUTURE.toMinutes()
          + " min in the future: check the producer's clock (" + what + ")";
    }
    return null;
  }
}
