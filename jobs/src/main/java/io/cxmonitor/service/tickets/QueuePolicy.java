package io.cxmonitor.service.tickets;

import io.cxmonitor.schemas.Channel;
import java.io.Serializable;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * When a contact enters the agent queue, and the service-level threshold of each channel.
 *
 * <p>{@link Mode#EVENT}: a contact queues at its QUEUED event (what a contact-centre platform
 * sends); a contact without one never queued, whatever its channel. {@link Mode#CHANNEL}: the
 * fallback for sources that send no queue entry — every phone, chat and Zalo OA contact queues at
 * its OPENED, and QUEUED events are ignored. The two are never mixed in one job.
 */
public final class QueuePolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Where queue entry comes from. */
  public enum Mode { EVENT, CHANNEL }

  /** Threshold of a channel not named in the service-level spec. */
  public static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(20);
  public static final String DEFAULT_SERVICE_LEVEL = "PHONE=PT20S,CHAT=PT60S,ZALO_OA=PT60S";

  private final Mode mode;
  private final long[] thresholdMs = new long[Channel.values().length];

  public QueuePolicy(Mode mode, String serviceLevel) {
    this.mode = mode;
    java.util.Arrays.fill(thresholdMs, DEFAULT_THRESHOLD.toMillis());
    for (String part : serviceLevel.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("service level: '" + p + "' is not CHANNEL=DURATION, e.g. PHONE=PT20S");
      }
      Channel c;
      try {
        c = Channel.valueOf(p.substring(0, eq).trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("service level: unknown channel '" + p.substring(0, eq) + "', use one of "
            + java.util.Arrays.toString(Channel.values()));
      }
      try {
        Duration d = Duration.parse(p.substring(eq + 1).trim());
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("service level: " + c + " must be positive, got " + d);
        }
        thresholdMs[c.ordinal()] = d.toMillis();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("service level: '" + p.substring(eq + 1) + "' is not an ISO-8601 duration like PT20S");
      }
    }
  }

  public static QueuePolicy defaults() {
    return new QueuePolicy(Mode.EVENT, DEFAULT_SERVICE_LEVEL);
  }

  public Mode mode() {
    return mode;
  }

  /** Contacts that wait in a queue under the channel fallback. */
  public static boolean queuedChannel(Channel c) {
    return c == Channel.PHONE || c == Channel.CHAT || c == Channel.ZALO_OA;
  }

  /** Whether a contact of {@code channel} answered after {@code waitMs} in the queue met the service level. */
  public boolean withinServiceLevel(Channel channel, long waitMs) {
    return waitMs <= thresholdMs[channel.ordinal()];
  }

  public long thresholdMs(Channel channel) {
    return thresholdMs[channel.ordinal()];
  }
}
