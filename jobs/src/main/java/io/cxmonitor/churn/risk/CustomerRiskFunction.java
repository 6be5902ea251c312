package io.cxmonitor.churn.risk;

import io.cxmonitor.churn.ChurnCohort;
import io.cxmonitor.churn.CustomerFact;
import io.cxmonitor.churn.CustomerFact.Kind;
import io.cxmonitor.metrics.CustomerSignal;
import io.cxmonitor.metrics.CustomerState;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.churn.risk.RiskPolicy.Signal;
import io.cxmonitor.rules.RepeatContactRule;
import io.cxmonitor.rules.RepeatContactRule.Verdict;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.rules.SlaRule;
import io.cxmonitor.rules.SlaRule.TicketTimes;
import io.cxmonitor.schemas.AtRiskEvent;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.RiskReason;
import io.cxmonitor.schemas.RiskState;
import io.cxmonitor.schemas.SlaKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per customer (keyed by customer id), across lifecycle, survey and interaction events: keeps
 * the subscription (active base, MRR, plan changes, cancellations as {@link CustomerFact}s) and a
 * churn-risk score. Signals (detractor NPS, CSAT ≤ 2, CES ≥ 5, repeat contact as {@link
 * RepeatContactRule} judges it, reopen, first-response and resolution SLA breaches as {@link
 * SlaRule} defines them, downgrade) add their weight; points halve every half-life.
 * Reaching the enter threshold makes the customer at risk, an {@link AtRiskEvent} with the score
 * and its reasons goes out, and the customer counts (with their MRR) until the score decays
 * below the exit threshold (a timer) or they cancel.
 *
 * <p>Signals are buffered until the watermark passes them and handled in event-time order, so
 * results do not depend on arrival order. An SLA breach counts when the event that ends the wait
 * (the reply, resolution or abandonment) comes, from then; a ticket never answered nor closed
 * adds none. State is cleared for customers that are neither
 * subscribed nor at risk after {@code inactiveTtl} without signals.
 */
public final class CustomerRiskFunction extends KeyedProcessFunction<String, CustomerSignal, CustomerFact> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<AtRiskEvent> AT_RISK_EVENTS = new OutputTag<>("at-risk", TypeInformation.of(AtRiskEvent.class));

  private static final int OPENED_AT = 0;
  private static final int PRIORITY = 1;
  private static final int REPLIED = 2;

  private final RiskPolicy risk;
  private final SlaRule sla;
  private final RepeatContactRule repeats;
  private final long inactiveTtlMs;
  private final long bucketMillis;
  /** The churn windows' lengths in buckets: one bucket, an hour, a day. */
  private final int[] windowBuckets;

  private transient ValueState<CustomerState> state;
  private transient MapState<Long, List<CustomerSignal>> pending;
  /** Open tickets: id → [{@link #OPENED_AT}, {@link #PRIORITY} ordinal, {@link #REPLIED} (0/1)]. */
  private transient MapState<String, long[]> tickets;

  /** With one-minute churn windows. */
  public CustomerRiskFunction(RiskPolicy risk, SlaPolicy sla, long repeatWindowMs, long inactiveTtlMs) {
    this(risk, sla, repeatWindowMs, inactiveTtlMs, 60_000L);
  }

  /** @param bucketMillis the churn windows' bucket, for the cohort corrections of cancellations */
  public CustomerRiskFunction(RiskPolicy risk, SlaPolicy sla, long repeatWindowMs, long inactiveTtlMs, long bucketMillis) {
    this.risk = risk;
    this.sla = new SlaRule(sla);
    this.repeats = new RepeatContactRule(Duration.ofMillis(repeatWindowMs));
    this.inactiveTtlMs = inactiveTtlMs;
    this.bucketMillis = bucketMillis;
    this.windowBuckets = new int[] {1, (int) (HOUR / bucketMillis), (int) (DAY / bucketMillis)};
  }

  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;

  @Override
  public void open(OpenContext openContext) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("customer", CustomerState.class));
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-signals", Types.LONG,
        Types.LIST(TypeInformation.of(CustomerSignal.class))));
    tickets = getRuntimeContext().getMapState(new MapStateDescriptor<>("open-tickets", String.class, long[].class));
  }

  @Override
  public void processElement(CustomerSignal s, Context ctx, Collector<CustomerFact> out) throws Exception {
    List<CustomerSignal> at = pending.get(s.time);
    if (at == null) {
      at = new ArrayList<>(1);
    }
    at.add(s);
    pending.put(s.time, at);
    ctx.timerService().registerEventTimeTimer(s.time);
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<CustomerFact> out) throws Exception {
    CustomerState c = state.value();
    List<CustomerSignal> due = pending.get(ts);
    if (due != null) {
      c = handleDue(c == null ? newCustomer() : c, due, ts, ctx, out);
    }
    if (c == null) {
      return;
    }
    if (ts == c.exitAt && c.atRisk) {
      recoverOrWait(c, ts, ctx, out);
    }
    if (ts == c.cleanupAt && due == null && forgetIfInactive(c, ts)) {
      return;
    }
    state.update(c);
  }

  /** The signals at {@code ts}, in a fixed order; the customer's cleanup moves to a TTL after them. */
  private CustomerState handleDue(CustomerState c, List<CustomerSignal> due, long ts, OnTimerContext ctx,
      Collector<CustomerFact> out) throws Exception {
    pending.remove(ts);
    due.sort(Comparator.comparing((CustomerSignal x) -> x.kind).thenComparing(x -> x.ticketId == null ? "" : x.ticketId));
    for (CustomerSignal s : due) {
      handle(c, s, ctx, out);
    }
    if (c.cleanupAt != CustomerState.NONE) {
      ctx.timerService().deleteEventTimeTimer(c.cleanupAt);
    }
    c.cleanupAt = ts + inactiveTtlMs;
    ctx.timerService().registerEventTimeTimer(c.cleanupAt);
    return c;
  }

  /** The exit timer: recovered when the score has decayed to the exit threshold, else a new timer. */
  private void recoverOrWait(CustomerState c, long ts, OnTimerContext ctx, Collector<CustomerFact> out) {
    c.exitAt = CustomerState.NONE;
    decayTo(c, ts);
    if (c.score() <= risk.exit() + 1e-9) {
      leaveRisk(c, ts, RiskState.RECOVERED, Kind.RECOVERED, ctx, out);
    } else {
      scheduleExit(c, ctx);
    }
  }

  /**
   * A TTL without signals: a customer neither subscribed nor at risk is forgotten (returns true);
   * otherwise only their latest contact and tickets older than the TTL are.
   */
  private boolean forgetIfInactive(CustomerState c, long ts) throws Exception {
    if (!c.active && !c.atRisk) {
      state.clear();
      tickets.clear();
      return true;
    }
    c.lastContactAt = CustomerState.NONE;
    c.lastContactTicket = null;
    c.cleanupAt = CustomerState.NONE;
    // tickets that never resolved within the TTL will not produce a resolution signal any more
    var it = tickets.entries().iterator();
    while (it.hasNext()) {
      if (it.next().getValue()[OPENED_AT] <= ts - inactiveTtlMs) {
        it.remove();
      }
    }
    return false;
  }

  private void handle(CustomerState c, CustomerSignal s, OnTimerContext ctx, Collector<CustomerFact> out) throws Exception {
    if (c.active && c.versionFrom == null) {
      store(c, versions(c)); // restored from a release without versions: the current one, since ever
    }
    regroup(c, s, out);
    switch (s.kind) {
      case SUBSCRIBED -> join(c, s, Kind.SUBSCRIBED, out);
      case ACTIVE -> snapshot(c, s, out);
      case UPGRADED, DOWNGRADED -> planChanged(c, s, ctx, out);
      case RENEWED -> out.collect(fact(Kind.RENEWED, s.time, c, c.plan, 0));
      case CANCELLED -> cancelled(c, s, ctx, out);
      case SURVEY -> surveyed(c, s, ctx, out);
      case OPENED -> ticketOpened(c, s, ctx, out);
      case AGENT_REPLY -> agentReplied(c, s, ctx, out);
      case RESOLVED, ABANDONED -> ticketClosed(c, s, ctx, out);
      case REOPENED -> signal(c, Signal.REOPEN, s.time, ctx, out);
    }
  }

  /**
   * Where the customer counts. Billing (lifecycle events) says which region and product a
   * subscription belongs to; surveys and interactions only fill in a value still unknown (a
   * contact's region can be the contact centre's, not the subscription's). A change moves the
   * customer's gauge entries explicitly, out of the old groups and into the new ones, so no group
   * keeps a customer who left it or loses one it never had.
   */
  private void regroup(CustomerState c, CustomerSignal s, Collector<CustomerFact> out) {
    boolean billing = s.kind.isLifecycle();
    String region = s.region != null && (billing || c.region == null) ? Grouping.tagValue(s.region) : c.region;
    String product = s.product != null && (billing || c.product == null) ? Grouping.tagValue(s.product) : c.product;
    if (Objects.equals(region, c.region) && Objects.equals(product, c.product)) {
      return;
    }
    if (c.active) {
      out.collect(fact(Kind.GROUP_OUT, s.time, c, c.plan, c.mrr));
    }
    if (c.atRisk) {
      out.collect(fact(Kind.RISK_OUT, s.time, c, c.riskPlan, c.riskMrr));
    }
    c.region = region;
    c.product = product;
    if (c.active) {
      out.collect(fact(Kind.GROUP_IN, s.time, c, c.plan, c.mrr));
      newVersion(c, s.time, false);
    }
    if (c.atRisk) {
      out.collect(fact(Kind.RISK_IN, s.time, c, c.riskPlan, c.riskMrr));
    }
  }

  /**
   * A snapshot says the subscription is active (the base bootstrapped before the streams): an
   * unknown or cancelled customer joins the active base and MRR gauges from then on, without
   * counting as a new subscription or new MRR. For a customer already active the streams' own
   * plan and MRR stand (only a changed region or product moves them, as with any billing event),
   * so importing a snapshot twice counts nobody twice.
   */
  private void snapshot(CustomerState c, CustomerSignal s, Collector<CustomerFact> out) {
    join(c, s, Kind.GROUP_IN, out);
  }

  /** A subscription begins for a customer not active: counted by {@code how} (a new subscription, or joining the base). */
  private void join(CustomerState c, CustomerSignal s, Kind how, Collector<CustomerFact> out) {
    if (!c.active) {
      c.active = true;
      c.plan = Grouping.tagValue(s.plan);
      c.mrr = s.mrr;
      newVersion(c, s.time, true);
      out.collect(fact(how, s.time, c, c.plan, c.mrr));
    }
  }

  /**
   * The subscription's groups or MRR changed at {@code t} (or it began): a new version for the
   * churn cohorts. Versions no window start can fall in any more are merged into the oldest kept
   * one, which keeps the subscription's start.
   */
  private void newVersion(CustomerState c, long t, boolean begins) {
    List<ChurnCohort.Version> v = begins ? new ArrayList<>() : versions(c);
    v.add(new ChurnCohort.Version(t, tagOrUnknown(c.region), tagOrUnknown(c.product), tagOrUnknown(c.plan), c.mrr));
    long horizon = t - DAY - bucketMillis;
    while (v.size() >= 2 && v.get(1).from() < horizon) {
      ChurnCohort.Version second = v.get(1);
      v.set(1, new ChurnCohort.Version(v.get(0).from(), second.region(), second.product(), second.plan(), second.mrr()));
      v.remove(0);
    }
    store(c, v);
  }

  private static void store(CustomerState c, List<ChurnCohort.Version> v) {
    c.versionFrom = new long[v.size()];
    c.versionMrr = new long[v.size()];
    c.versionGroup = new String[v.size()];
    for (int i = 0; i < v.size(); i++) {
      c.versionFrom[i] = v.get(i).from();
      c.versionMrr[i] = v.get(i).mrr();
      c.versionGroup[i] = String.join(CustomerState.GROUP_SEPARATOR, v.get(i).region(), v.get(i).product(), v.get(i).plan());
    }
  }

  /**
   * The subscription's versions; for a subscriber restored without them, one version since
   * before anything the job knows.
   */
  private static List<ChurnCohort.Version> versions(CustomerState c) {
    List<ChurnCohort.Version> v = new ArrayList<>();
    if (c.versionFrom == null) {
      if (c.active) {
        v.add(new ChurnCohort.Version(Long.MIN_VALUE, tagOrUnknown(c.region), tagOrUnknown(c.product), tagOrUnknown(c.plan), c.mrr));
      }
      return v;
    }
    for (int i = 0; i < c.versionFrom.length; i++) {
      String[] g = c.versionGroup[i].split(CustomerState.GROUP_SEPARATOR, -1);
      v.add(new ChurnCohort.Version(c.versionFrom[i], g[0], g[1], g[2], c.versionMrr[i]));
    }
    return v;
  }

  private static String tagOrUnknown(String v) {
    return v == null ? Grouping.UNKNOWN : v;
  }

  private void planChanged(CustomerState c, CustomerSignal s, OnTimerContext ctx, Collector<CustomerFact> out) {
    if (c.active) {
      movePlan(c, s, out);
    }
    if (s.kind == CustomerSignal.Kind.DOWNGRADED) {
      signal(c, Signal.DOWNGRADE, s.time, ctx, out);
    }
  }

  /** A subscriber moves to another plan: MRR movement, and their at-risk entry moves with them. */
  private void movePlan(CustomerState c, CustomerSignal s, Collector<CustomerFact> out) {
    String newPlan = Grouping.tagValue(s.plan);
    out.collect(fact(Kind.GROUP_OUT, s.time, c, c.plan, c.mrr));
    out.collect(fact(Kind.GROUP_IN, s.time, c, newPlan, s.mrr));
    long delta = s.mrr - c.mrr;
    if (delta > 0) {
      out.collect(fact(Kind.EXPANSION, s.time, c, newPlan, delta));
    } else if (delta < 0) {
      out.collect(fact(Kind.CONTRACTION, s.time, c, newPlan, -delta));
    }
    c.plan = newPlan;
    c.mrr = s.mrr;
    newVersion(c, s.time, false);
    if (c.atRisk) {
      out.collect(fact(Kind.RISK_OUT, s.time, c, c.riskPlan, c.riskMrr));
      c.riskPlan = c.plan;
      c.riskMrr = c.mrr;
      out.collect(fact(Kind.RISK_IN, s.time, c, c.riskPlan, c.riskMrr));
    }
  }

  private void cancelled(CustomerState c, CustomerSignal s, OnTimerContext ctx, Collector<CustomerFact> out) {
    if (!c.active) {
      return;
    }
    out.collect(fact(Kind.CANCELLED, s.time, c, c.plan, c.mrr));
    for (ChurnCohort.Correction k : ChurnCohort.corrections(s.time, versions(c), bucketMillis, windowBuckets)) {
      out.collect(CustomerFact.cohort(k, bucketMillis));
    }
    if (c.atRisk) {
      leaveRisk(c, s.time, RiskState.CHURNED, Kind.CHURNED_AT_RISK, ctx, out);
    }
    c.active = false;
    c.mrr = 0;
    c.versionFrom = null;
    c.versionMrr = null;
    c.versionGroup = null;
  }

  private void surveyed(CustomerState c, CustomerSignal s, OnTimerContext ctx, Collector<CustomerFact> out) {
    if (s.nps != null && s.nps <= 6) {
      signal(c, Signal.DETRACTOR, s.time, ctx, out);
    }
    if (s.csat != null && s.csat <= 2) {
      signal(c, Signal.LOW_CSAT, s.time, ctx, out);
    }
    if (s.ces != null && s.ces >= 5) {
      signal(c, Signal.HIGH_EFFORT, s.time, ctx, out);
    }
  }

  /** A new ticket: a repeat contact as {@link RepeatContactRule} judges it; remembered until it closes. */
  private void ticketOpened(CustomerState c, CustomerSignal s, OnTimerContext ctx, Collector<CustomerFact> out) throws Exception {
    RepeatContactRule.Contact previous = c.lastContactAt == CustomerState.NONE ? null
        : new RepeatContactRule.Contact(c.lastContactTicket, c.lastContactAt, null);
    RepeatContactRule.Contact next = new RepeatContactRule.Contact(s.ticketId, s.time, null);
    // an open ticket was counted when it opened, even when it is not the latest contact
    Verdict verdict = repeats.judge(previous, next, tickets.contains(s.ticketId));
    if (verdict == Verdict.DUPLICATE) {
      return;
    }
    if (verdict == Verdict.REPEAT) {
      signal(c, Signal.REPEAT_CONTACT, s.time, ctx, out);
    }
    c.lastContactAt = s.time;
    c.lastContactTicket = s.ticketId;
    tickets.put(s.ticketId, new long[] {s.time, s.priority, 0});
  }

  /** The first agent reply of an open ticket: late if {@link SlaRule} says the first response breached. */
  private void agentReplied(CustomerState c, CustomerSignal s, OnTimerContext ctx, Collector<CustomerFact> out) throws Exception {
    long[] t = tickets.get(s.ticketId);
    if (t == null || t[REPLIED] != 0) {
      return;
    }
    t[REPLIED] = 1;
    tickets.put(s.ticketId, t);
    if (sla.breached(SlaKind.FIRST_RESPONSE, priority(t), TicketTimes.opened(t[OPENED_AT]).answered(s.time))) {
      signal(c, Signal.SLA_BREACH, s.time, ctx, out);
    }
  }

  /**
   * A resolution or abandonment ends the ticket for the risk score: a first response still
   * awaited past its deadline, and a resolution past its deadline, are breaches by {@link SlaRule}.
   */
  private void ticketClosed(CustomerState c, CustomerSignal s, OnTimerContext ctx, Collector<CustomerFact> out) throws Exception {
    long[] t = tickets.get(s.ticketId);
    if (t == null) {
      return;
    }
    tickets.remove(s.ticketId);
    TicketTimes opened = TicketTimes.opened(t[OPENED_AT]);
    TicketTimes times = s.kind == CustomerSignal.Kind.ABANDONED ? opened.abandoned(s.time) : opened.resolved(s.time);
    if (t[REPLIED] == 0 && sla.breached(SlaKind.FIRST_RESPONSE, priority(t), times)) {
      signal(c, Signal.SLA_BREACH, s.time, ctx, out);
    }
    if (sla.breached(SlaKind.RESOLUTION, priority(t), times)) {
      signal(c, Signal.LONG_RESOLUTION, s.time, ctx, out);
    }
  }

  private static Priority priority(long[] ticket) {
    return Priority.values()[(int) ticket[PRIORITY]];
  }

  private void signal(CustomerState c, Signal signal, long t, OnTimerContext ctx, Collector<CustomerFact> out) {
    decayTo(c, t);
    c.contributions[signal.ordinal()] += risk.weight(signal);
    c.counts[signal.ordinal()]++;
    if (!c.atRisk && c.score() >= risk.enter()) {
      c.atRisk = true;
      c.riskPlan = c.plan == null ? Grouping.UNKNOWN : c.plan;
      c.riskMrr = c.active ? c.mrr : 0;
      out.collect(fact(Kind.AT_RISK, t, c, c.riskPlan, c.riskMrr));
      ctx.output(AT_RISK_EVENTS, event(ctx.getCurrentKey(), c, RiskState.AT_RISK, t, risk.enter()));
    }
    if (c.atRisk) {
      scheduleExit(c, ctx);
    }
  }

  private void scheduleExit(CustomerState c, OnTimerContext ctx) {
    if (c.exitAt != CustomerState.NONE) {
      ctx.timerService().deleteEventTimeTimer(c.exitAt);
    }
    c.exitAt = Math.max(risk.timeToDecay(c.score(), c.scoreAt, risk.exit()), c.scoreAt + 1);
    ctx.timerService().registerEventTimeTimer(c.exitAt);
  }

  private void leaveRisk(CustomerState c, long t, RiskState why, Kind kind, OnTimerContext ctx, Collector<CustomerFact> out) {
    decayTo(c, t);
    out.collect(fact(kind, t, c, c.riskPlan, c.riskMrr));
    ctx.output(AT_RISK_EVENTS, event(ctx.getCurrentKey(), c, why, t, why == RiskState.RECOVERED ? risk.exit() : risk.enter()));
    c.atRisk = false;
    c.riskMrr = 0;
    if (c.exitAt != CustomerState.NONE) {
      ctx.timerService().deleteEventTimeTimer(c.exitAt);
      c.exitAt = CustomerState.NONE;
    }
    if (c.cleanupAt == CustomerState.NONE) {
      c.cleanupAt = t + inactiveTtlMs; // cleanup passed while at risk: forget them a TTL from now
      ctx.timerService().registerEventTimeTimer(c.cleanupAt);
    }
  }

  private void decayTo(CustomerState c, long t) {
    if (c.scoreAt != CustomerState.NONE && t > c.scoreAt) {
      for (int i = 0; i < c.contributions.length; i++) {
        c.contributions[i] = risk.decay(c.contributions[i], c.scoreAt, t);
      }
    }
    if (c.scoreAt == CustomerState.NONE || t > c.scoreAt) {
      c.scoreAt = t;
    }
  }

  private static AtRiskEvent event(String customer, CustomerState c, RiskState state, long t, double threshold) {
    List<RiskReason> reasons = new ArrayList<>();
    for (Signal s : Signal.values()) {
      if (c.counts[s.ordinal()] > 0 && c.contributions[s.ordinal()] > 1e-6) {
        reasons.add(RiskReason.newBuilder().setSignal(s.tag()).setContribution(c.contributions[s.ordinal()])
            .setCount(c.counts[s.ordinal()]).build());
      }
    }
    reasons.sort(Comparator.comparingDouble(RiskReason::getContribution).reversed());
    return AtRiskEvent.newBuilder()
        .setEventId(customer + "/" + state + "/" + t)
        .setCustomerId(customer).setState(state).setEventTime(Instant.ofEpochMilli(t))
        .setScore(c.score()).setThreshold(threshold).setReasons(reasons)
        .setMrrMinor(c.riskMrr)
        .setPlan(c.plan).setRegion(c.region).setProduct(c.product).build();
  }

  private static CustomerFact fact(Kind kind, long t, CustomerState c, String plan, long value) {
    return new CustomerFact(kind, t, c.region == null ? Grouping.UNKNOWN : c.region,
        c.product == null ? Grouping.UNKNOWN : c.product, plan == null ? Grouping.UNKNOWN : plan, value);
  }

  /** A customer seen for the first time: no subscription, no risk. */
  static CustomerState newCustomer() {
    CustomerState c = new CustomerState();
    c.contributions = new double[RiskPolicy.Signal.values().length];
    c.counts = new int[RiskPolicy.Signal.values().length];
    return c;
  }
}
