package io.cxmonitor.service.tickets;

import io.cxmonitor.metrics.TicketState;
import io.cxmonitor.platform.time.EventTimeHorizon;
import io.cxmonitor.platform.time.HorizonKeyedProcessFunction;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.rules.SlaRule;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.schemas.SlaKind;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.service.TicketFact.Kind;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per ticket (keyed by ticket id): turns interaction events into {@link TicketFact}s — opened,
 * queue entry and outcome, first response time, time to resolution, reopen, abandonment,
 * transfers, ends without resolution, the final first-contact-resolution outcome — and detects SLA
 * breaches as {@link SlaRule} defines them, with an event-time timer on each deadline, emitting an
 * {@link SlaBreachAlert} for each.
 *
 * <p><b>Arrival order does not matter.</b> Events are buffered in the ticket's state and applied
 * in event-time order (ties by type: OPENED, QUEUED, transfer, agent reply, customer reply,
 * RESOLVED, REOPENED, ABANDONED, CLOSED) once the watermark passes them, so every fact is derived
 * from the ticket's history as it happened: the first response is the earliest agent reply, a
 * REOPENED that arrived before its RESOLVED reopens it, a TRANSFERRED that arrived before OPENED
 * moves it. Events dated before the ticket's OPENED wait for it and count at its time. Late
 * interactions never get here: the job's router dead-letters them per source subtask and forwards
 * only whole buckets of watermark, so an event that reaches this function is ahead of its
 * watermark. The one exception kept as a safety net: a partition idle long enough to be left out
 * of the watermark that resumes behind the others — such an event is applied at once, after what
 * was already applied, rather than dropped.
 *
 * <p>Rules: the first OPENED counts, duplicates are ignored; a second RESOLVED without a reopen
 * in between is a duplicate; time to resolution is measured to the first resolution. The queue
 * (see {@link QueuePolicy}) is left at the first agent reply (answered), at ABANDONED, or at any
 * other end; its outcome is dated by the queue entry. CLOSED (with a reason) and the maximum
 * ticket age end a ticket without resolution: not resolved, not abandoned, SLA timers cancelled.
 * FCR = resolved by an agent, never transferred or escalated, no customer reply after the first
 * agent reply, and not reopened within the reopen window; it is final, and emitted, when that
 * window has passed, and then the ticket's state is cleared. Abandoned and closed tickets are
 * cleared a day later; events of a ticket never OPENED are dropped after {@code orphanTimeout}.
 * A provisional FCR outcome is emitted at the first resolution by an agent (FCR so far).
 *
 * <p><b>End of input is not the end of time.</b> At the end of a bounded input every pending
 * timer fires; a deadline after the latest event time seen ({@link EventTimeHorizon}) has not
 * passed, so it decides nothing: no SLA breach or alert, no final FCR, no stale close.
 */
public final class TicketLifecycleFunction extends HorizonKeyedProcessFunction<String, InteractionEvent, TicketFact> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<SlaBreachAlert> SLA_ALERTS =
      new OutputTag<>("sla-alerts", TypeInformation.of(SlaBreachAlert.class));

  private static final InteractionType[] TYPES = InteractionType.values();
  /** Channels by the tag value a ticket keeps ({@link #setDimensions}). */
  private static final Map<String, Channel> CHANNELS = Arrays.stream(Channel.values())
      .collect(Collectors.toMap(c -> Grouping.tagValue(c.name()), c -> c));

  private final SlaRule sla;
  private final long reopenWindowMs;
  private final long orphanTimeoutMs;
  private final long abandonedGraceMs;
  private final QueuePolicy queue;
  /** Open tickets older than this are closed as stale; 0 = never. */
  private final long maxTicketAgeMs;

  /** Flink's POJO serializer in releases before {@link TicketStateSerializer}; tests of the migration set it back. */
  private TypeSerializer<TicketState> stateSerializer = TicketStateSerializer.INSTANCE;
  private transient ValueState<TicketState> state;
  private transient Counter duplicates;
  private transient Counter orphans;
  private transient Counter stale;

  public TicketLifecycleFunction(SlaPolicy sla, long reopenWindowMs, long orphanTimeoutMs, long abandonedGraceMs) {
    this(sla, reopenWindowMs, orphanTimeoutMs, abandonedGraceMs, QueuePolicy.defaults(), 0);
  }

  public TicketLifecycleFunction(SlaPolicy sla, long reopenWindowMs, long orphanTimeoutMs, long abandonedGraceMs,
      QueuePolicy queue, long maxTicketAgeMs) {
    super("tickets-latest-event-time");
    this.sla = new SlaRule(sla);
    this.reopenWindowMs = reopenWindowMs;
    this.orphanTimeoutMs = orphanTimeoutMs;
    this.abandonedGraceMs = abandonedGraceMs;
    this.queue = queue;
    this.maxTicketAgeMs = maxTicketAgeMs;
  }

  @Override
  public void open(OpenContext openContext) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("ticket", stateSerializer));
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateOrIgnoredTicketEvents");
    orphans = getRuntimeContext().getMetricGroup().counter("ticketsNeverOpened");
    stale = getRuntimeContext().getMetricGroup().counter("ticketsClosedAsStale");
  }

  /** This function with its state written by {@code serializer}: for tests of a savepoint of an earlier release. */
  TicketLifecycleFunction withStateSerializer(TypeSerializer<TicketState> serializer) {
    this.stateSerializer = serializer;
    return this;
  }

  /** Contacts that wait in a queue under the channel fallback ({@link QueuePolicy.Mode#CHANNEL}). */
  public static boolean isQueued(Channel c) {
    return QueuePolicy.queuedChannel(c);
  }

  @Override
  public void processElement(InteractionEvent e, Context ctx, Collector<TicketFact> out) throws Exception {
    long t = e.getEventTime().toEpochMilli();
    seen(t);
    TicketState s = stateFor(e, t);
    if (e.getEventType() == InteractionType.OPENED && s.openedAt == TicketState.UNKNOWN && !hasPending(s, InteractionType.OPENED)) {
      setDimensions(s, e); // the ticket's dimensions are those of its OPENED; transfers change the team later
    }
    String text = e.getEventType() == InteractionType.CLOSED
        ? (e.getCloseReason() == null ? null : e.getCloseReason().name())
        : e.getToTeam();
    addPending(s, t, e.getEventType(), text, e.getSelfService());
    long watermark = ctx.timerService().currentWatermark();
    if (t <= watermark) {
      apply(s, watermark, ctx, out); // late (only after an idle partition resumes): nothing earlier is still to come, apply now
    }
    wake(s, ctx.timerService(), Long.MIN_VALUE, watermark);
    state.update(s);
  }

  /**
   * Makes sure a timer fires at or before the ticket's earliest deadline after {@code deadlinesAfter}
   * and its earliest pending event after {@code pendingAfter}: one timer for the ticket
   * ({@link TicketState#wakeAt}), not one per deadline and event, which was two thirds of an open
   * ticket's checkpoint. A later deadline gets its timer when it is the earliest; a timer left for a
   * deadline that went away fires and finds nothing due.
   */
  private static void wake(TicketState s, TimerService timers, long deadlinesAfter, long pendingAfter) {
    long next = Long.MAX_VALUE;
    for (long due : new long[] {s.frtDue, s.ttrDue, s.fcrDue, s.cleanupAt, s.staleTimer ? s.staleDue : TicketState.UNKNOWN}) {
      if (due != TicketState.UNKNOWN && due > deadlinesAfter) {
        next = Math.min(next, due);
      }
    }
    for (int i = 0; i < s.pendingCount(); i++) {
      if (s.pendingAt[i] > pendingAfter) {
        next = Math.min(next, s.pendingAt[i]);
      }
    }
    if (next != Long.MAX_VALUE && (s.wakeAt == TicketState.UNKNOWN || next < s.wakeAt)) {
      timers.registerEventTimeTimer(next);
      s.wakeAt = next;
    }
  }

  /** The ticket's state; for its first event a new one, forgotten after the orphan timeout unless OPENED comes. */
  private TicketState stateFor(InteractionEvent e, long t) throws Exception {
    TicketState s = state.value();
    if (s == null) {
      s = new TicketState();
      s.customerId = e.getCustomerId();
      setDimensions(s, e);
      s.cleanupAt = t + orphanTimeoutMs;
    }
    return s;
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<TicketFact> out) throws Exception {
    TicketState s = state.value();
    if (s == null) {
      return;
    }
    if (s.wakeAt != TicketState.UNKNOWN && s.wakeAt <= ts) {
      s.wakeAt = TicketState.UNKNOWN; // this is it (or a timer of a state restored from before wakeAt)
    }
    apply(s, ts, ctx, out);
    if (!decides(ts, ctx.timerService().currentWatermark())) {
      // End of a bounded input, and this deadline is after the latest event time: it has not
      // passed. No breach, no final outcome, no stale close; the ticket stays as it is.
      wake(s, ctx.timerService(), ts, ts);
      state.update(s);
      return;
    }
    if (ts == s.frtDue) {
      s.frtDue = TicketState.UNKNOWN;
      checkSla(s, SlaKind.FIRST_RESPONSE, ts, ctx, out);
    }
    if (ts == s.ttrDue) {
      s.ttrDue = TicketState.UNKNOWN;
      checkSla(s, SlaKind.RESOLUTION, ts, ctx, out);
    }
    if (s.staleTimer && ts == s.staleDue) {
      s.staleTimer = false;
      if (s.open) {
        stale.inc();
        s.closedStale = true;
        close(s, ts, null, out);
      }
    }
    if (ts == s.fcrDue) {
      s.fcrDue = TicketState.UNKNOWN;
      if (!s.open) {
        out.collect(finalOutcome(s, ts));
        clear(s, ts, ctx);
        return;
      }
    }
    if (s.cleanupAt != TicketState.UNKNOWN && s.cleanupAt <= ts && !hasPendingAfter(s, ts)) {
      if (s.openedAt == TicketState.UNKNOWN) {
        orphans.inc();
      }
      clear(s, ts, ctx);
      return;
    }
    wake(s, ctx.timerService(), ts, ts);
    state.update(s);
  }

  // --- applying events in event-time order ---

  /** Applies the pending events due by {@code upTo} in event-time order; those before OPENED wait for it. */
  private void apply(TicketState s, long upTo, Context ctx, Collector<TicketFact> out) {
    int n = s.pendingCount();
    if (n == 0) {
      return;
    }
    int[] due = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (s.pendingAt[i] <= upTo) {
        // insertion in order: a ticket has a few pending events at most
        int j = m++;
        while (j > 0 && compare(s, due[j - 1], i) > 0) {
          due[j] = due[j - 1];
          j--;
        }
        due[j] = i;
      }
    }
    if (m == 0) {
      return;
    }
    boolean[] applied = new boolean[n];
    if (s.openedAt == TicketState.UNKNOWN) {
      int open = -1;
      for (int k = 0; k < m; k++) {
        if (TYPES[s.pendingType[due[k]]] == InteractionType.OPENED) {
          open = due[k];
          break;
        }
      }
      if (open < 0) {
        return; // held until OPENED comes
      }
      opened(s, s.pendingAt[open], ctx, out);
      applied[open] = true;
    }
    for (int k = 0; k < m; k++) {
      int i = due[k];
      if (!applied[i]) {
        applyOne(s, TYPES[s.pendingType[i]], Math.max(s.pendingAt[i], s.openedAt), s.pendingText[i], s.pendingSelfService[i],
            ctx, out);
        applied[i] = true;
      }
    }
    removeApplied(s, applied);
  }

  /** Event time, then type in lifecycle order, then the payload: a total order, so ties do not depend on arrival. */
  private static int compare(TicketState s, int a, int b) {
    int c = Long.compare(s.pendingAt[a], s.pendingAt[b]);
    if (c == 0) {
      c = Integer.compare(rank(TYPES[s.pendingType[a]]), rank(TYPES[s.pendingType[b]]));
    }
    if (c == 0) {
      c = (s.pendingText[a] == null ? "" : s.pendingText[a]).compareTo(s.pendingText[b] == null ? "" : s.pendingText[b]);
    }
    if (c == 0) {
      c = Boolean.compare(s.pendingSelfService[a], s.pendingSelfService[b]);
    }
    return c;
  }

  private static int rank(InteractionType type) {
    return switch (type) {
      case OPENED -> 0;
      case QUEUED -> 1;
      case TRANSFERRED, ESCALATED -> 2;
      case AGENT_REPLY -> 3;
      case CUSTOMER_REPLY -> 4;
      case RESOLVED -> 5;
      case REOPENED -> 6;
      case ABANDONED -> 7;
      case CLOSED -> 8;
      default -> 9;
    };
  }

  private void applyOne(TicketState s, InteractionType type, long t, String text, boolean selfService, Context ctx,
      Collector<TicketFact> out) {
    switch (type) {
      case OPENED -> duplicates.inc();
      case QUEUED -> {
        if (queue.mode() == QueuePolicy.Mode.EVENT) {
          enterQueue(s, t, out);
        } else {
          duplicates.inc(); // the channel fallback never mixes in queue events
        }
      }
      case AGENT_REPLY -> agentReplied(s, t, out);
      case CUSTOMER_REPLY -> s.lastCustomerReplyAt = Math.max(s.lastCustomerReplyAt, t);
      case TRANSFERRED, ESCALATED -> transferred(s, text, t, out);
      case RESOLVED -> {
        s.selfService |= selfService;
        if (s.open) {
          resolve(s, t, out);
        } else {
          duplicates.inc();
        }
      }
      case REOPENED -> reopened(s, t, out);
      case ABANDONED -> abandoned(s, t, out);
      case CLOSED -> {
        if (s.open) {
          close(s, t, text, out);
        } else {
          duplicates.inc(); // e.g. a helpdesk closing a resolved ticket: it ended with its resolution
        }
      }
      default -> duplicates.inc();
    }
  }

  private void opened(TicketState s, long t, Context ctx, Collector<TicketFact> out) {
    // A state restored from the first release keeps events that arrived before OPENED as times.
    long replyBefore = s.firstReplyAt;
    long resolvedBefore = s.resolvedAt;
    long abandonedBefore = s.abandonedAt;
    s.firstReplyAt = TicketState.UNKNOWN;
    s.resolvedAt = TicketState.UNKNOWN;
    s.abandonedAt = TicketState.UNKNOWN;
    s.openedAt = t;
    s.open = true;
    out.collect(fact(Kind.OPENED, s, t));
    s.cleanupAt = TicketState.UNKNOWN;
    if (queue.mode() == QueuePolicy.Mode.CHANNEL && isQueued(channelOf(s))) {
      enterQueue(s, t, out);
    }
    // both deadlines get a timer even when a reply or resolution came first: the rule decides at
    // the deadline whether it was late, whatever the arrival order
    Priority p = Priority.values()[s.priorityOrdinal];
    s.frtDue = sla.due(SlaKind.FIRST_RESPONSE, p, t);
    s.ttrDue = sla.due(SlaKind.RESOLUTION, p, t);
    if (maxTicketAgeMs > 0) {
      s.staleTimer = true;
      s.staleDue = t + maxTicketAgeMs;
    }
    if (replyBefore != TicketState.UNKNOWN) {
      agentReplied(s, Math.max(t, replyBefore), out);
    }
    if (abandonedBefore != TicketState.UNKNOWN) {
      abandoned(s, Math.max(t, abandonedBefore), out);
    } else if (resolvedBefore != TicketState.UNKNOWN) {
      resolve(s, Math.max(t, resolvedBefore), out);
    }
  }

  private static void enterQueue(TicketState s, long t, Collector<TicketFact> out) {
    if (s.queueEntered || !s.open) {
      return; // the first queue entry of an open ticket is its cohort
    }
    s.queueEntered = true;
    s.queueEnteredAt = t;
    s.queueTeam = s.team;
    out.collect(fact(Kind.QUEUED, s, t));
  }

  /** The contact leaves the queue at {@code t}: a fact dated by its queue entry, with the entry's team. */
  private void leaveQueue(TicketState s, Kind outcome, long t, Collector<TicketFact> out) {
    if (!s.queueEntered || s.queueLeft) {
      return;
    }
    s.queueLeft = true;
    TicketFact f = fact(outcome, s, s.queueEnteredAt);
    f.team = s.queueTeam;
    if (outcome != Kind.QUEUE_ENDED) {
      f.durationMs = Math.max(0, t - s.queueEnteredAt);
    }
    if (outcome == Kind.QUEUE_ANSWERED) {
      f.flag = queue.withinServiceLevel(channelOf(s), f.durationMs);
    }
    out.collect(f);
  }

  private void agentReplied(TicketState s, long t, Collector<TicketFact> out) {
    leaveQueue(s, Kind.QUEUE_ANSWERED, t, out);
    if (s.firstReplyAt != TicketState.UNKNOWN) {
      return;
    }
    s.firstReplyAt = t;
    out.collect(fact(Kind.FIRST_RESPONSE, s, t).withDuration(Math.max(0, t - s.openedAt)));
  }

  private static void transferred(TicketState s, String toTeam, long t, Collector<TicketFact> out) {
    s.transferred = true;
    if (toTeam == null) {
      return;
    }
    String to = Grouping.tagValue(toTeam);
    if (s.open && !to.equals(s.team)) {
      out.collect(fact(Kind.MOVED_OUT, s, t));
      s.team = to;
      out.collect(fact(Kind.MOVED_IN, s, t));
    } else {
      s.team = to;
    }
  }

  private void reopened(TicketState s, long t, Collector<TicketFact> out) {
    if (s.open || !s.everResolved || s.abandonedAt != TicketState.UNKNOWN || s.closed) {
      duplicates.inc();
      return;
    }
    s.open = true;
    s.reopened = true;
    s.reopenedAt = Math.max(s.reopenedAt, t);
    out.collect(fact(Kind.REOPENED, s, t));
    s.fcrDue = TicketState.UNKNOWN;
  }

  private void abandoned(TicketState s, long t, Collector<TicketFact> out) {
    if (!s.open) {
      duplicates.inc();
      return;
    }
    leaveQueue(s, Kind.QUEUE_ABANDONED, t, out);
    s.open = false;
    s.abandonedAt = t;
    out.collect(fact(Kind.ABANDONED, s, t));
    endSla(s);
    s.cleanupAt = t + abandonedGraceMs;
  }

  /** Ends an open ticket without resolution (CLOSED, or stale when {@link TicketState#closedStale}). */
  private void close(TicketState s, long t, String reason, Collector<TicketFact> out) {
    leaveQueue(s, Kind.QUEUE_ENDED, t, out);
    s.open = false;
    s.closed = true;
    s.closedAt = t;
    TicketFact closed = fact(Kind.CLOSED, s, t).withFlag(s.closedStale);
    closed.closeReason = reason;
    out.collect(closed);
    endSla(s);
    s.fcrDue = TicketState.UNKNOWN; // reopened, then closed: no resolution to judge
    s.cleanupAt = t + abandonedGraceMs;
  }

  private void resolve(TicketState s, long t, Collector<TicketFact> out) {
    leaveQueue(s, Kind.QUEUE_ENDED, t, out);
    s.open = false;
    s.resolvedAt = t;
    if (!s.everResolved) {
      s.everResolved = true;
      s.firstResolvedAt = t;
      out.collect(fact(Kind.RESOLVED, s, t).withDuration(Math.max(0, t - s.openedAt)).withFlag(s.selfService));
      if (!s.selfService) {
        out.collect(fact(Kind.FCR_PROVISIONAL, s, t).withFlag(firstContactResolution(s)));
      }
    } else {
      out.collect(fact(Kind.RESOLVED_AGAIN, s, t));
    }
    // SLA timers stay: a resolution after the deadline that arrives before the watermark passes
    // it must not hide the breach; the timer checks whether the ticket was open at the deadline.
    s.fcrDue = t + reopenWindowMs;
  }

  private static void endSla(TicketState s) {
    s.frtDue = TicketState.UNKNOWN;
    s.ttrDue = TicketState.UNKNOWN;
  }

  /** Forgets the ticket: its state and every timer it may still have. */
  private void clear(TicketState s, long now, Context ctx) {
    for (long t : new long[] {s.wakeAt, s.frtDue, s.ttrDue, s.fcrDue, s.cleanupAt}) {
      if (t != TicketState.UNKNOWN && t > now) {
        ctx.timerService().deleteEventTimeTimer(t);
      }
    }
    if (s.staleTimer && s.staleDue > now) {
      ctx.timerService().deleteEventTimeTimer(s.staleDue);
    }
    for (int i = 0; i < s.pendingCount(); i++) {
      if (s.pendingAt[i] > now) {
        ctx.timerService().deleteEventTimeTimer(s.pendingAt[i]);
      }
      duplicates.inc(); // events after the ticket's end (e.g. a reopen after its reopen window) are ignored
    }
    state.clear();
  }

  private void checkSla(TicketState s, SlaKind kind, long due, OnTimerContext ctx, Collector<TicketFact> out) {
    if (SlaRule.breachedAt(kind, times(s), due)) {
      breach(s, kind, due, ctx, out);
    }
  }

  /** The reopen window passed with the ticket closed: its first-contact resolution and reopen outcome are final. */
  private static TicketFact finalOutcome(TicketState s, long ts) {
    TicketFact f = fact(Kind.FCR_FINAL, s, ts).withFlag(firstContactResolution(s));
    f.selfService = s.selfService;
    f.reopened = s.reopened;
    return f;
  }

  /** Resolved by an agent, never transferred or escalated, no customer reply after the first agent reply, not reopened (so far). */
  private static boolean firstContactResolution(TicketState s) {
    boolean customerCameBack = s.firstReplyAt != TicketState.UNKNOWN && s.lastCustomerReplyAt > s.firstReplyAt;
    return !s.selfService && !s.reopened && !s.transferred && !customerCameBack;
  }

  /**
   * What the SLA rule needs of the ticket ({@link TicketState#UNKNOWN} is {@link SlaRule.TicketTimes#NONE}); an end
   * without resolution counts as the end of an abandoned contact.
   */
  static SlaRule.TicketTimes times(TicketState s) {
    long ended = s.abandonedAt;
    if (s.closed && (ended == TicketState.UNKNOWN || s.closedAt < ended)) {
      ended = s.closedAt;
    }
    return new SlaRule.TicketTimes(s.openedAt, s.firstReplyAt, s.firstResolvedAt, s.resolvedAt, s.reopenedAt, ended);
  }

  private void breach(TicketState s, SlaKind kind, long due, OnTimerContext ctx, Collector<TicketFact> out) {
    out.collect(fact(kind == SlaKind.FIRST_RESPONSE ? Kind.SLA_BREACH_FIRST_RESPONSE : Kind.SLA_BREACH_RESOLUTION, s, due));
    Priority p = Priority.values()[s.priorityOrdinal];
    ctx.output(SLA_ALERTS, SlaBreachAlert.newBuilder()
        .setAlertId(ctx.getCurrentKey() + "/" + kind)
        .setTicketId(ctx.getCurrentKey())
        .setCustomerId(s.customerId)
        .setKind(kind)
        .setPriority(p)
        .setChannel(channelOf(s))
        .setTeam(s.team).setRegion(s.region).setProduct(s.product)
        .setOpenedAt(Instant.ofEpochMilli(s.openedAt))
        .setDueAt(Instant.ofEpochMilli(due))
        .setSlaMs(sla.limitMs(kind, p))
        .build());
  }

  private static Channel channelOf(TicketState s) {
    Channel c = CHANNELS.get(s.channel);
    return c != null ? c : Channel.valueOf(s.channel.toUpperCase(Locale.ROOT));
  }

  // --- the pending buffer ---

  private static void addPending(TicketState s, long t, InteractionType type, String text, boolean selfService) {
    int n = s.pendingCount();
    s.pendingAt = n == 0 ? new long[1] : Arrays.copyOf(s.pendingAt, n + 1);
    s.pendingType = n == 0 ? new int[1] : Arrays.copyOf(s.pendingType, n + 1);
    s.pendingText = n == 0 ? new String[1] : Arrays.copyOf(s.pendingText, n + 1);
    s.pendingSelfService = n == 0 ? new boolean[1] : Arrays.copyOf(s.pendingSelfService, n + 1);
    s.pendingAt[n] = t;
    s.pendingType[n] = type.ordinal();
    s.pendingText[n] = text;
    s.pendingSelfService[n] = selfService;
  }

  private static void removeApplied(TicketState s, boolean[] applied) {
    int keep = 0;
    for (boolean a : applied) {
      keep += a ? 0 : 1;
    }
    if (keep == 0) {
      s.pendingAt = null;
      s.pendingType = null;
      s.pendingText = null;
      s.pendingSelfService = null;
      return;
    }
    long[] at = new long[keep];
    int[] type = new int[keep];
    String[] text = new String[keep];
    boolean[] self = new boolean[keep];
    for (int i = 0, j = 0; i < applied.length; i++) {
      if (!applied[i]) {
        at[j] = s.pendingAt[i];
        type[j] = s.pendingType[i];
        text[j] = s.pendingText[i];
        self[j++] = s.pendingSelfService[i];
      }
    }
    s.pendingAt = at;
    s.pendingType = type;
    s.pendingText = text;
    s.pendingSelfService = self;
  }

  private static boolean hasPending(TicketState s, InteractionType type) {
    for (int i = 0; i < s.pendingCount(); i++) {
      if (s.pendingType[i] == type.ordinal()) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasPendingAfter(TicketState s, long t) {
    for (int i = 0; i < s.pendingCount(); i++) {
      if (s.pendingAt[i] > t) {
        return true;
      }
    }
    return false;
  }

  private static void setDimensions(TicketState s, InteractionEvent e) {
    s.channel = Grouping.tagValue(e.getChannel().name());
    s.team = Grouping.tagValue(e.getTeam());
    s.region = Grouping.tagValue(e.getRegion());
    s.product = Grouping.tagValue(e.getProduct());
    s.priority = Grouping.tagValue(e.getPriority().name());
    s.priorityOrdinal = e.getPriority().ordinal();
  }

  private static TicketFact fact(Kind kind, TicketState s, long time) {
    TicketFact f = new TicketFact(kind, time, s.channel, s.team, s.region, s.priority);
    f.product = s.product;
    return f;
  }
}
