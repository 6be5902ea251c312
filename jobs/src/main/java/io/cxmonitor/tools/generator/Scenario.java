package io.cxmonitor.tools.generator;

import io.cxmonitor.schemas.Channel;
import java.io.Serializable;
import java.time.Instant;
import java.util.Locale;

/**
 * An incident the generator can play from a given time on one channel, to see dashboards and
 * alert rules react: {@code csat-drop} (answers on the channel turn bad: CSAT and NPS fall,
 * effort rises) or {@code abandonment-spike} (40 % of queued contacts give up).
 */
public record Scenario(Kind kind, Channel channel, Instant from) implements Serializable {
  /** What goes wrong. */
  public enum Kind { CSAT_DROP, ABANDONMENT_SPIKE }

  public static Scenario parse(String kind, String channel, Instant from) {
    Kind k;
    try {
      k = Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown scenario '" + kind + "': use csat-drop or abandonment-spike");
    }
    String ch = channel.trim().toUpperCase(Locale.ROOT);
    if (ch.equals("ZALO")) {
      ch = "ZALO_OA";
    }
    try {
      return new Scenario(k, Channel.valueOf(ch), from);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown channel '" + channel + "': use one of phone, email, chat, sms, zalo (zalo_oa), "
          + "social, app, web, store");
    }
  }

  boolean hits(Channel c, long time) {
    return c == channel && time >= from.toEpochMilli();
  }
}
