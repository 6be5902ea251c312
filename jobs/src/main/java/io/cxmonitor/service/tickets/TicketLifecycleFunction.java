package io.cxmonitor.service.tickets;

import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.rules.SlaRule;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.service.TicketFact.Kind;
import io.cxmonitor.metrics.TicketState;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.schemas.SlaKind;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per ticket (keyed by ticket id): turns interaction events in any order into {@link TicketFact}s
 * — opened, first response time, time to resolution, reopen, abandonment, transfers, the final
 * first-contact-resolution outcome — and detects SLA breaches as {@link SlaRule} defines them,
 * with an event-time timer on each deadline, emitting an {@link SlaBreachAlert} for each.
 *
 * <p>Rules: the first OPENED counts, duplicates are ignored; a reply or resolution that arrives
 * before its OPENED is remembered and counted when OPENED comes; a second RESOLVED without a
 * reopen in between is a duplicate; time to resolution is measured to the first resolution (a
 * reopen counts in the reopen rate, its second resolution only closes the backlog again). FCR =
 * resolved by an agent, never transferred or escalated, no customer reply after the first agent
 * reply, and not reopened within the reopen window; it is final, and emitted, when that window
 * has passed, and then the ticket's state is cleared. Abandoned tickets are cleared a day later;
 * events of a ticket never OPENED are dropped after {@code orphanTimeout}.
 */
public final class TicketLifecycleFunction extends KeyedProcessFunction<String, InteractionEvent, TicketFact> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<SlaBreachAlert> SLA_ALERTS =
      new OutputTag<>("sla-alerts", TypeInformation.of(SlaBreachAlert.class));

  private final SlaRule sla;
  private final long reopenWindowMs;
  private final long orphanTimeoutMs;
  private final long abandonedGraceMs;

  private transient ValueState<TicketState> state;
  private transient Counter duplicates;
  private transient Counter orphans;

  public TicketLifecycleFunction(SlaPolicy sla, long reopenWindowMs, long orphanTimeoutMs, long abandonedGraceMs) {
    this.sla = new SlaRule(sla);
    this.reopenWindowMs = reopenWindowMs;
    this.orphanTimeoutMs = orphanTimeoutMs;
    this.abandonedGraceMs = abandonedGraceMs;
  }

  @Override
  public void open(OpenContext openContext) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("ticket", TicketState.class));
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateOrIgnoredTicketEvents");
    orphans = getRuntimeContext().getMetricGroup().counter("ticketsNeverOpened");
  }

  /** Contacts that wait in a queue, where abandonment is possible. */
  public static boolean isQueued(Channel c) {
    return c == Channel.PHONE || c == Channel.CHAT || c == Channel.ZALO_OA;
  }

  @Override
  public void processElement(InteractionEvent e, Context ctx, Collector<TicketFact> out) throws Exception {
    long t = e.getEventTime().toEpochMilli();
    TicketState s = stateFor(e, t, ctx);
    switch (e.getEventType()) {
      case OPENED -> opened(s, e, t, ctx, out);
      case AGENT_REPLY -> agentReplied(s, t, out);
      case CUSTOMER_REPLY -> s.lastCustomerReplyAt = Math.max(s.lastCustomerReplyAt, t);
      case TRANSFERRED, ESCALATED -> transferred(s, e, t, out);
      case RESOLVED -> resolved(s, e, t, ctx, out);
      case REOPENED -> reopened(s, t, ctx, out);
      case ABANDONED -> abandoned(s, t, ctx, out);
      default -> duplicates.inc();
    }
    state.update(s);
  }

  /** The ticket's state; for its first event a new one, forgotten after the orphan timeout unless OPENED comes. */
  private TicketState stateFor(InteractionEvent e, long t, Context ctx) throws Exception {
    TicketState s = state.value();
    if (s == null) {
      s = new TicketState();
      s.customerId = e.getCustomerId();
      setDimensions(s, e);
      s.cleanupAt = t + orphanTimeoutMs;
      ctx.timerService().registerEventTimeTimer(s.cleanupAt);
    }
    return s;
  }

  private void opened(TicketState s, InteractionEvent e, long t, Context ctx, Collector<TicketFact> out) {
    if (s.openedAt != TicketState.UNKNOWN) {
      duplicates.inc();
      return;
    }
    setDimensions(s, e);
    s.openedAt = t;
    s.open = true;
    s.queued = isQueued(e.getChannel());
    out.collect(fact(Kind.OPENED, s, t).withFlag(s.queued));
    ctx.timerService().deleteEventTimeTimer(s.cleanupAt);
    s.cleanupAt = TicketState.UNKNOWN;
    if (s.firstReplyAt != TicketState.UNKNOWN) {
      out.collect(fact(Kind.FIRST_RESPONSE, s, Math.max(t, s.firstReplyAt)).withDuration(Math.max(0, s.firstReplyAt - t)));
    }
    // both deadlines get a timer even when a reply or resolution came first: the rule decides at
    // the deadline whether it was late, whatever the arrival order
    Priority p = Priority.values()[s.priorityOrdinal];
    s.frtDue = sla.due(SlaKind.FIRST_RESPONSE, p, t);
    ctx.timerService().registerEventTimeTimer(s.frtDue);
    s.ttrDue = sla.due(SlaKind.RESOLUTION, p, t);
    ctx.timerService().registerEventTimeTimer(s.ttrDue);
    closeIfEndedBeforeOpen(s, t, ctx, out);
  }

  /** An abandonment or resolution that arrived before OPENED closes the ticket now. */
  private void closeIfEndedBeforeOpen(TicketState s, long t, Context ctx, Collector<TicketFact> out) {
    if (s.abandonedAt != TicketState.UNKNOWN) {
      s.open = false;
      s.abandonedAt = Math.max(t, s.abandonedAt);
      out.collect(fact(Kind.ABANDONED, s, s.abandonedAt));
      deleteSlaTimers(s, ctx);
      scheduleCleanup(s, s.abandonedAt + abandonedGraceMs, ctx);
    } else if (s.resolvedAt != TicketState.UNKNOWN) {
      resolve(s, Math.max(t, s.resolvedAt), ctx, out);
    }
  }

  private static void agentReplied(TicketState s, long t, Collector<TicketFact> out) {
    if (s.firstReplyAt != TicketState.UNKNOWN) {
      return;
    }
    s.firstReplyAt = t;
    if (s.openedAt != TicketState.UNKNOWN) {
      out.collect(fact(Kind.FIRST_RESPONSE, s, t).withDuration(Math.max(0, t - s.openedAt)));
    }
  }

  private static void transferred(TicketState s, InteractionEvent e, long t, Collector<TicketFact> out) {
    s.transferred = true;
    if (e.getToTeam() == null) {
      return;
    }
    String to = Grouping.tagValue(e.getToTeam());
    if (s.open && !to.equals(s.team)) {
      out.collect(fact(Kind.MOVED_OUT, s, t));
      s.team = to;
      out.collect(fact(Kind.MOVED_IN, s, t));
    } else {
      s.team = to;
    }
  }

  private void resolved(TicketState s, InteractionEvent e, long t, Context ctx, Collector<TicketFact> out) {
    s.selfService |= e.getSelfService();
    if (s.openedAt == TicketState.UNKNOWN && s.resolvedAt == TicketState.UNKNOWN) {
      s.resolvedAt = t; // resolved before OPENED arrived: counted on OPENED
    } else if (s.openedAt != TicketState.UNKNOWN && s.open) {
      resolve(s, t, ctx, out);
    } else {
      duplicates.inc();
    }
  }

  private void reopened(TicketState s, long t, Context ctx, Collector<TicketFact> out) {
    if (s.openedAt == TicketState.UNKNOWN || s.open || s.abandonedAt != TicketState.UNKNOWN) {
      duplicates.inc();
      return;
    }
    s.open = true;
    s.reopened = true;
    s.reopenedAt = Math.max(s.reopenedAt, t);
    out.collect(fact(Kind.REOPENED, s, t));
    if (s.fcrDue != TicketState.UNKNOWN) {
      ctx.timerService().deleteEventTimeTimer(s.fcrDue);
      s.fcrDue = TicketState.UNKNOWN;
    }
  }

  private void abandoned(TicketState s, long t, Context ctx, Collector<TicketFact> out) {
    if (s.openedAt == TicketState.UNKNOWN && s.abandonedAt == TicketState.UNKNOWN) {
      s.abandonedAt = t; // abandoned before OPENED arrived: counted on OPENED
    } else if (s.open) {
      s.open = false;
      s.abandonedAt = t;
      out.collect(fact(Kind.ABANDONED, s, t));
      deleteSlaTimers(s, ctx);
      scheduleCleanup(s, t + abandonedGraceMs, ctx);
    } else {
      duplicates.inc();
    }
  }

  private void resolve(TicketState s, long t, Context ctx, Collector<TicketFact> out) {
    s.open = false;
    s.resolvedAt = t;
    if (!s.everResolved) {
      s.everResolved = true;
      s.firstResolvedAt = t;
      out.collect(fact(Kind.RESOLVED, s, t).withDuration(Math.max(0, t - s.openedAt)).withFlag(s.selfService));
    } else {
      out.collect(fact(Kind.RESOLVED_AGAIN, s, t));
    }
    // SLA timers stay: a resolution after the deadline that arrives before the watermark passes
    // it must not hide the breach; the timer checks whether the ticket was open at the deadline.
    s.fcrDue = t + reopenWindowMs;
    ctx.timerService().registerEventTimeTimer(s.fcrDue);
  }

  private static void deleteSlaTimers(TicketState s, Context ctx) {
    if (s.frtDue != TicketState.UNKNOWN) {
      ctx.timerService().deleteEventTimeTimer(s.frtDue);
      s.frtDue = TicketState.UNKNOWN;
    }
    if (s.ttrDue != TicketState.UNKNOWN) {
      ctx.timerService().deleteEventTimeTimer(s.ttrDue);
      s.ttrDue = TicketState.UNKNOWN;
    }
  }

  private static void scheduleCleanup(TicketState s, long at, Context ctx) {
    if (s.cleanupAt != TicketState.UNKNOWN) {
      ctx.timerService().deleteEventTimeTimer(s.cleanupAt);
    }
    s.cleanupAt = at;
    ctx.timerService().registerEventTimeTimer(at);
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<TicketFact> out) throws Exception {
    TicketState s = state.value();
    if (s == null) {
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
    if (ts == s.fcrDue) {
      s.fcrDue = TicketState.UNKNOWN;
      if (!s.open) {
        finishFirstContactResolution(s, ts, out);
        state.clear();
        return;
      }
    }
    if (ts == s.cleanupAt) {
      if (s.openedAt == TicketState.UNKNOWN) {
        orphans.inc();
      }
      state.clear();
      return;
    }
    state.update(s);
  }

  private void checkSla(TicketState s, SlaKind kind, long due, OnTimerContext ctx, Collector<TicketFact> out) {
    if (SlaRule.breachedAt(kind, times(s), due)) {
      breach(s, kind, due, ctx, out);
    }
  }

  /** The reopen window passed with the ticket closed: its first-contact resolution is final. */
  private static void finishFirstContactResolution(TicketState s, long ts, Collector<TicketFact> out) {
    if (s.selfService) {
      return;
    }
    boolean customerCameBack = s.firstReplyAt != TicketState.UNKNOWN && s.lastCustomerReplyAt > s.firstReplyAt;
    boolean fcr = !s.reopened && !s.transferred && !customerCameBack;
    out.collect(fact(Kind.FCR_FINAL, s, ts).withFlag(fcr));
  }

  /** What the SLA rule needs of the ticket ({@link TicketState#UNKNOWN} is {@link SlaRule.TicketTimes#NONE}). */
  static SlaRule.TicketTimes times(TicketState s) {
    return new SlaRule.TicketTimes(s.openedAt, s.firstReplyAt, s.firstResolvedAt, s.resolvedAt, s.reopenedAt, s.abandonedAt);
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
        .setChannel(Channel.valueOf(s.channel.toUpperCase(java.util.Locale.ROOT)))
        .setTeam(s.team).setRegion(s.region).setProduct(s.product)
        .setOpenedAt(Instant.ofEpochMilli(s.openedAt))
        .setDueAt(Instant.ofEpochMilli(due))
        .setSlaMs(sla.limitMs(kind, p))
        .build());
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
