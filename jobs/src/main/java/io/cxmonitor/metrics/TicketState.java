package io.cxmonitor.metrics;

/**
 * What the job remembers about one ticket until it is closed and its reopen window has passed.
 * Times are epoch ms, {@link #UNKNOWN} when not (yet) seen. About 150–250 bytes serialised,
 * depending on id and dimension lengths (measured by {@code TicketLifecycleFunctionTest}).
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
  /** Event-time deadlines with a registered timer, UNKNOWN if none. */
  public long frtDue = UNKNOWN;
  public long ttrDue = UNKNOWN;
  public long fcrDue = UNKNOWN;
  public long cleanupAt = UNKNOWN;

  public boolean everResolved;
  public boolean open;
  public boolean reopened;
  public boolean transferred;
  public boolean selfService;
  public boolean queued;

  public TicketState() {}
}
