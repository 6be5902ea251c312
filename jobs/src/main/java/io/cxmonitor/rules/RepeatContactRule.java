package io.cxmonitor.rules;

import io.cxmonitor.schemas.InteractionType;
import java.io.Serializable;
import java.time.Duration;

/**
 * When a customer's contact is a repeat contact: the one definition behind the service job's
 * repeat-contact rate and the churn job's repeat-contact risk points.
 *
 * <p>A contact is a new ticket: the OPENED of a ticket not counted before (a replayed or
 * duplicated OPENED of a counted ticket is no contact at all). It is a repeat contact when the
 * customer's previous contact was opened at most the window before it (the window's end
 * included), and it switched channel when that previous contact came in on another channel.
 * Contacts are judged in event-time order, so the answer does not depend on arrival order.
 */
public final class RepeatContactRule implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String DEFAULT_WINDOW = "P7D";

  /** What a contact is for the customer. */
  public enum Verdict {
    /** The OPENED of a ticket already counted: no contact. */
    DUPLICATE,
    /** A contact, with no earlier contact within the window. */
    FIRST,
    /** A contact at most the window after the previous one. */
    REPEAT
  }

  /** A contact: which ticket, when it was opened, on which channel (null when not known). */
  public record Contact(String ticketId, long at, String channel) {}

  private final long windowMs;

  public RepeatContactRule(Duration window) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the repeat window must be positive (e.g. P7D), got " + window);
    }
    this.windowMs = window.toMillis();
  }

  public static RepeatContactRule defaults() {
    return new RepeatContactRule(Duration.parse(DEFAULT_WINDOW));
  }

  /** Only the OPENED of a ticket makes a contact; replies, transfers and resolutions do not. */
  public static boolean opensContact(InteractionType type) {
    return type == InteractionType.OPENED;
  }

  /**
   * What {@code next} is, given the customer's latest contact before it ({@code null} if none is
   * remembered) and whether the job remembers having counted {@code next}'s ticket otherwise.
   */
  public Verdict judge(Contact previous, Contact next, boolean ticketAlreadyCounted) {
    if (ticketAlreadyCounted || (previous != null && previous.ticketId().equals(next.ticketId()))) {
      return Verdict.DUPLICATE;
    }
    if (previous != null && next.at() - previous.at() <= windowMs) {
      return Verdict.REPEAT;
    }
    return Verdict.FIRST;
  }

  /** Whether a repeat contact came in on another channel than the contact before it. */
  public static boolean switchedChannel(Contact previous, Contact next) {
    return previous.channel() != null && next.channel() != null && !previous.channel().equals(next.channel());
  }

  /**
   * The last time at which a contact opened at {@code at} still makes a new contact a repeat;
   * once every contact up to then is judged, it can be forgotten.
   */
  public long forgetAt(long at) {
    return at + windowMs;
  }

  public long windowMs() {
    return windowMs;
  }
}
