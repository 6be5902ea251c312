package io.cxmonitor.service;

/**
 * Something that happened to a ticket or customer and counts toward a service KPI, derived by
 * the per-ticket and per-customer functions. Carries the ticket's dimensions at that moment.
 */
public final class TicketFact {
  /** What happened. */
  public enum Kind {
    /** Ticket opened (backlog +1). */
    OPENED,
    /** Entered the agent queue: the cohort of the queue KPIs. */
    QUEUED,
    /**
     * Left the queue, answered by an agent; dated by the queue entry (its cohort), emitted when the
     * wait ends; {@link #durationMs} = queue time, {@link #flag} = within the channel's service level.
     */
    QUEUE_ANSWERED,
    /** Abandoned while queued; dated by the queue entry; {@link #durationMs} = queue time. */
    QUEUE_ABANDONED,
    /** Left the queue otherwise (resolved, closed or stale without an answer); dated by the queue entry. */
    QUEUE_ENDED,
    /** Ended without resolution (backlog −1): a CLOSED event, or {@link #flag} = stale (max ticket age). */
    CLOSED,
    /** First agent reply; {@link #durationMs} = first response time. */
    FIRST_RESPONSE,
    /** First resolution (backlog −1); {@link #durationMs} = time to resolution; {@link #flag} = self-service. */
    RESOLVED,
    /** Resolved again after a reopen (backlog −1); no new time to resolution. */
    RESOLVED_AGAIN,
    /** Reopened after resolution (backlog +1). */
    REOPENED,
    /** Contact abandoned (backlog −1); the abandonment rate counts {@link #QUEUE_ABANDONED}. */
    ABANDONED,
    /** Left this group by transfer (backlog −1). */
    MOVED_OUT,
    /** Arrived in this group by transfer (backlog +1). */
    MOVED_IN,
    /**
     * The outcome of a resolved ticket, final once the reopen window after its last resolution
     * passed with the ticket closed: {@link #flag} = first-contact resolution (never for
     * self-service), {@link #selfService}, {@link #reopened}. Cohort of the FCR and reopen rates.
     */
    FCR_FINAL,
    /** Still unanswered at the first-response SLA deadline. */
    SLA_BREACH_FIRST_RESPONSE,
    /** Still unresolved at the resolution SLA deadline. */
    SLA_BREACH_RESOLUTION,
    /** A customer contacted again within the repeat window; {@link #channel} = new contact, {@link #fromChannel} = previous; {@link #flag} = switched channel. */
    REPEAT_CONTACT,
    /** A new contact of a known customer: the cohort of both repeat rates (their n), dated by the contact. */
    CONTACT,
    /** A new contact of an anonymous caller: left out of the repeat rates, counted apart. */
    ANONYMOUS_CONTACT,
    /**
     * Forward repeat, provisional: the contact dated here (its cohort) was followed by another of the
     * same customer within the repeat window; emitted at the follow-up, and only while a window
     * written so far can still include it (a day).
     */
    FORWARD_FOLLOWED,
    /** Forward repeat, provisional: the contact dated here was not followed and its window passed (only for windows under a day). */
    FORWARD_EXPIRED,
    /**
     * Forward repeat, final: dated by the contact's time plus the repeat window (when its outcome
     * became final), {@link #flag} = followed; the points put it back at the contact's time.
     */
    FORWARD_FINAL,
    /**
     * Provisional FCR, at the first resolution by an agent: {@link #flag} = first-contact resolution
     * so far (not transferred, no customer reply after the first agent reply); a later reopen shows
     * only in the final figure ({@link #FCR_FINAL}).
     */
    FCR_PROVISIONAL
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
  /** {@link Kind#FCR_FINAL}: resolved without an agent. */
  public boolean selfService;
  /** {@link Kind#FCR_FINAL}: reopened after a resolution. */
  public boolean reopened;
  /** {@link Kind#CLOSED} by an event: its {@code CloseReason} name, null when the event gave none. */
  public String closeReason;

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

  /** Facts dated by an earlier cohort event than the moment they are known (see {@code ServicePreAggregator}). */
  public boolean cohortDated() {
    return kind == Kind.QUEUE_ANSWERED || kind == Kind.QUEUE_ABANDONED || kind == Kind.QUEUE_ENDED
        || kind == Kind.FORWARD_FOLLOWED || kind == Kind.FORWARD_EXPIRED;
  }

  @Override
  public String toString() {
    return kind + "@" + time + "{" + channel + "," + team + "," + region + "," + priority
        + (durationMs != 0 ? ", " + durationMs + "ms" : "") + (flag ? ", flag" : "") + (selfService ? ", self" : "") + (reopened ? ", reopened" : "")
        + (fromChannel != null ? ", from " + fromChannel : "") + (closeReason != null ? ", " + closeReason : "") + "}";
  }
}
