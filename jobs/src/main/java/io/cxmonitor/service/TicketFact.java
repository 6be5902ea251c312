package io.cxmonitor.service;

/**
 * Something that happened to a ticket or customer and counts toward a service KPI, derived by
 * the per-ticket and per-customer functions. Carries the ticket's dimensions at that moment.
 */
public final class TicketFact {
  /** What happened. */
  public enum Kind {
    /** Ticket opened (backlog +1); {@link #flag} = queued channel (counts toward abandonment). */
    OPENED,
    /** First agent reply; {@link #durationMs} = first response time. */
    FIRST_RESPONSE,
    /** First resolution (backlog −1); {@link #durationMs} = time to resolution; {@link #flag} = self-service. */
    RESOLVED,
    /** Resolved again after a reopen (backlog −1); no new time to resolution. */
    RESOLVED_AGAIN,
    /** Reopened after resolution (backlog +1). */
    REOPENED,
    /** Queued contact abandoned (backlog −1). */
    ABANDONED,
    /** Left this group by transfer (backlog −1). */
    MOVED_OUT,
    /** Arrived in this group by transfer (backlog +1). */
    MOVED_IN,
    /** First-contact-resolution outcome, final once the reopen window passed; {@link #flag} = FCR. */
    FCR_FINAL,
    /** Still unanswered at the first-response SLA deadline. */
    SLA_BREACH_FIRST_RESPONSE,
    /** Still unresolved at the resolution SLA deadline. */
    SLA_BREACH_RESOLUTION,
    /** A customer contacted again within the repeat window; {@link #channel} = new contact, {@link #fromChannel} = previous; {@link #flag} = switched channel. */
    REPEAT_CONTACT,
    /** A new contact that could be a repeat (denominator of the repeat rate). */
    CONTACT
  }

  public Kind kind;
  public long time;
  /** Lower-case tag values. */
  public String channel;
  public String team;
  public String region;
  public String priority;
  /** Product of the ticket's customer ({@code unknown} for repeat-contact facts without one). */
  public String product;
  public String fromChannel;
  public long durationMs;
  public boolean flag;

  public TicketFact() {}

  public TicketFact(Kind kind, long time, String channel, String team, String region, String priority) {
    this.kind = kind;
    this.time = time;
    this.channel = channel;
    this.team = team;
    this.region = region;
    this.priority = priority;
  }

  public TicketFact withDuration(long ms) {
    this.durationMs = ms;
    return this;
  }

  public TicketFact withFlag(boolean f) {
    this.flag = f;
    return this;
  }

  @Override
  public String toString() {
    return kind + "@" + time + "{" + channel + "," + team + "," + region + "," + priority
        + (durationMs != 0 ? ", " + durationMs + "ms" : "") + (flag ? ", flag" : "")
        + (fromChannel != null ? ", from " + fromChannel : "") + "}";
  }
}
