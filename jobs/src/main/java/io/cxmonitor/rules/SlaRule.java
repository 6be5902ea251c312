package io.cxmonitor.rules;

import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SlaKind;
import java.io.Serializable;

/**
 * When a ticket is late: the one definition behind the service job's SLA breaches and alerts and
 * the churn job's SLA risk points.
 *
 * <p>A ticket's deadline is its OPENED time plus the SLA of its priority ({@link SlaPolicy}). The
 * first-response SLA is breached when at that deadline the ticket was still open and no agent had
 * replied; the resolution SLA when at that deadline the ticket was still open. A reply, resolution
 * or abandonment at the deadline itself is in time. The answer depends only on what happened up to
 * the deadline, so it is final as soon as every event up to the deadline is known: at an
 * event-time timer on the deadline, or at any later event handled in event-time order.
 */
public final class SlaRule implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SlaPolicy policy;

  public SlaRule(SlaPolicy policy) {
    this.policy = policy;
  }

  /** The SLA of {@code kind} for a ticket of priority {@code p}, in milliseconds. */
  public long limitMs(SlaKind kind, Priority p) {
    return switch (kind) {
      case FIRST_RESPONSE -> policy.firstResponseMs(p);
      case RESOLUTION -> policy.resolutionMs(p);
      default -> throw new IllegalArgumentException("no SLA of kind " + kind + ", use FIRST_RESPONSE or RESOLUTION");
    };
  }

  /** The deadline of {@code kind} for a ticket of priority {@code p} opened at {@code openedAt}. */
  public long due(SlaKind kind, Priority p, long openedAt) {
    return openedAt + limitMs(kind, p);
  }

  /** Whether the ticket of priority {@code p} breached its SLA of {@code kind}. */
  public boolean breached(SlaKind kind, Priority p, TicketTimes ticket) {
    return breachedAt(kind, ticket, due(kind, p, ticket.openedAt()));
  }

  /**
   * Whether the ticket was in breach of {@code kind} at the deadline {@code due}: still open and,
   * for a first response, unanswered. For a deadline already fixed (a registered timer).
   */
  public static boolean breachedAt(SlaKind kind, TicketTimes ticket, long due) {
    return switch (kind) {
      case FIRST_RESPONSE -> ticket.openAt(due) && !ticket.answeredBy(due);
      case RESOLUTION -> ticket.openAt(due);
      default -> throw new IllegalArgumentException("no SLA of kind " + kind + ", use FIRST_RESPONSE or RESOLUTION");
    };
  }

  /**
   * What SLA lateness depends on: the event times of one ticket in epoch ms, {@link #NONE} for
   * what has not happened (or is not known). {@code resolvedAt} and {@code reopenedAt} are the
   * latest resolution and reopen, {@code firstResolvedAt} the first resolution.
   */
  public record TicketTimes(long openedAt, long firstReplyAt, long firstResolvedAt, long resolvedAt,
      long reopenedAt, long abandonedAt) {
    public static final long NONE = Long.MIN_VALUE;

    /** A ticket opened at {@code at} and nothing else yet. */
    public static TicketTimes opened(long at) {
      return new TicketTimes(at, NONE, NONE, NONE, NONE, NONE);
    }

    public TicketTimes answered(long at) {
      return new TicketTimes(openedAt, at, firstResolvedAt, resolvedAt, reopenedAt, abandonedAt);
    }

    /** The first resolution (a ticket never reopened). */
    public TicketTimes resolved(long at) {
      return new TicketTimes(openedAt, firstReplyAt, at, at, reopenedAt, abandonedAt);
    }

    public TicketTimes abandoned(long at) {
      return new TicketTimes(openedAt, firstReplyAt, firstResolvedAt, resolvedAt, reopenedAt, at);
    }

    /** Whether an agent had replied at or before {@code t}. */
    public boolean answeredBy(long t) {
      return firstReplyAt != NONE && firstReplyAt <= t;
    }

    /**
     * Whether the ticket was open at {@code t}: opened by then, not abandoned by then, and not
     * resolved by then unless reopened after that resolution — whatever order the events arrived in.
     */
    public boolean openAt(long t) {
      if (openedAt == NONE || openedAt > t) {
        return false;
      }
      if (abandonedAt != NONE && abandonedAt <= t) {
        return false;
      }
      boolean reopenedBy = reopenedAt != NONE && reopenedAt <= t;
      if (firstResolvedAt != NONE && firstResolvedAt <= t && !reopenedBy) {
        return false;
      }
      return !(resolvedAt != NONE && resolvedAt <= t && reopenedAt <= resolvedAt);
    }
  }
}
