package io.cxmonitor.metrics;

/**
 * What the job remembers about one ticket until it is closed and its reopen window has passed.
 * Times are epoch ms, {@link #UNKNOWN} when not (yet) seen. About 60–90 bytes serialised by
 * {@code TicketStateSerializer}, depending on id and dimension lengths (a third of Flink's POJO
 * format; {@code TicketStateSerializerTest}). A new field must be added to that serializer too,
 * with a new layout version.
 */
public final class TicketState {
  public static final long UNKNOWN = Long.MIN_VALUE;

  public String customerId;
  /** Current dimensions as tag values (team changes on transfer). */
  public String channel;
  public String team;
  public String region;
  public String product;
  public String priority;
  /** Priority ordinal, for SLA lookup. */
  public int priorityOrdinal;

  public long openedAt = UNKNOWN;
  public long firstReplyAt = UNKNOWN;
  /** Latest resolution; {@link #firstResolvedAt} the first one. */
  public long resolvedAt = UNKNOWN;
  public long firstResolvedAt = UNKNOWN;
  public long reopenedAt = UNKNOWN;
  public long abandonedAt = UNKNOWN;
  /** Latest customer reply; a reply after the first agent reply rules out first-contact resolution. */
  public long lastCustomerReplyAt = UNKNOWN;
  /** Event-time deadlines, UNKNOWN if none; the earliest has a timer ({@link #wakeAt}). */
  public long frtDue = UNKNOWN;
  public long ttrDue = UNKNOWN;
  public long fcrDue = UNKNOWN;
  public long cleanupAt = UNKNOWN;
  /**
   * The ticket's one timer, at or before its earliest deadline and pending event; UNKNOWN if none
   * is known (states restored from releases that registered a timer per deadline and event).
   */
  public long wakeAt = UNKNOWN;

  public boolean everResolved;
  public boolean open;
  public boolean reopened;
  public boolean transferred;
  public boolean selfService;
  /** Counted as queued by the first release's channel rule; no longer read. */
  public boolean queued;

  // --- Added in the queue/close release. A state restored from an older savepoint has Java
  // defaults here (false, 0, null), so presence is a boolean and times are read only when it is set.

  /** Entered the agent queue at {@link #queueEnteredAt}, with team {@link #queueTeam} (its cohort's dimensions). */
  public boolean queueEntered;
  public long queueEnteredAt;
  public String queueTeam;
  /** Left the queue: answered, abandoned or ended otherwise. */
  public boolean queueLeft;
  /** Ended without resolution (CLOSED or stale) at {@link #closedAt}. */
  public boolean closed;
  public long closedAt;
  public boolean closedStale;
  /** The ticket is closed as stale at {@link #staleDue} if still open then. */
  public boolean staleTimer;
  public long staleDue;
  /**
   * Events not yet applied, oldest arrival first: the function applies a ticket's events in
   * event-time order once the watermark has passed them (and holds those before its OPENED until
   * it comes), so the arrival order does not matter. Parallel arrays; null when none.
   */
  public long[] pendingAt;
  /** {@code InteractionType} ordinals. */
  public int[] pendingType;
  /** To-team of a transfer, close reason of a CLOSED. */
  public String[] pendingText;
  public boolean[] pendingSelfService;

  public TicketState() {}

  public int pendingCount() {
    return pendingAt == null ? 0 : pendingAt.length;
  }
}
