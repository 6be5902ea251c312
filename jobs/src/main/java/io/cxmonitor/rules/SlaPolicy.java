package io.cxmonitor.rules;

import io.cxmonitor.schemas.Priority;
import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * First-response and resolution SLAs per priority. Parsed from
 * {@code URGENT=PT15M,HIGH=PT1H,NORMAL=PT4H,LOW=PT24H}; priorities not named keep the default.
 */
public final class SlaPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] firstResponseMs = new long[Priority.values().length];
  private final long[] resolutionMs = new long[Priority.values().length];

  public static final String DEFAULT_FIRST_RESPONSE = "URGENT=PT15M,HIGH=PT1H,NORMAL=PT4H,LOW=PT24H";
  public static final String DEFAULT_RESOLUTION = "URGENT=PT4H,HIGH=PT24H,NORMAL=PT72H,LOW=P7D";

  public static SlaPolicy defaults() {
    return new SlaPolicy(DEFAULT_FIRST_RESPONSE, DEFAULT_RESOLUTION);
  }

  /** Priorities missing from a spec keep their default SLA. */
  public SlaPolicy(String firstResponse, String resolution) {
    Map<Priority, Duration> frt = parse("first-response SLA", DEFAULT_FIRST_RESPONSE);
    frt.putAll(parse("first-response SLA", firstResponse));
    Map<Priority, Duration> ttr = parse("resolution SLA", DEFAULT_RESOLUTION);
    ttr.putAll(parse("resolution SLA", resolution));
    fill(firstResponseMs, frt);
    fill(resolutionMs, ttr);
  }

  private static Map<Priority, Duration> parse(String what, String spec) {
    Map<Priority, Duration> m = new EnumMap<>(Priority.class);
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(what + ": '" + p + "' is not PRIORITY=DURATION, e.g. HIGH=PT1H");
      }
      Priority priority;
      try {
        priority = Priority.valueOf(p.substring(0, eq).trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + ": unknown priority '" + p.substring(0, eq) + "', use LOW, NORMAL, HIGH or URGENT");
      }
      try {
        Duration d = Duration.parse(p.substring(eq + 1).trim());
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException(what + ": " + priority + " must be positive, got " + d);
        }
        m.put(priority, d);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(what + ": '" + p.substring(eq + 1) + "' is not an ISO-8601 duration like PT4H or P7D");
      }
    }
    return m;
  }

  private static void fill(long[] target, Map<Priority, Duration> values) {
    for (Priority p : Priority.values()) {
      target[p.ordinal()] = values.get(p).toMillis();
    }
  }

  public long firstResponseMs(Priority p) {
    return firstResponseMs[p.ordinal()];
  }

  public long resolutionMs(Priority p) {
    return resolutionMs[p.ordinal()];
  }
}
