package io.cxmonitor.tools.generator;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.CloseReason;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.LifecycleType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A seeded synthetic CX world: customers open tickets on a channel mix with a time-of-day
 * pattern; agents reply, transfer and resolve with channel-specific delays; some contacts are
 * abandoned or reopened; a share of customers answer a survey after resolution, with scores
 * driven by the channel's quality and by what happened to the ticket (long resolution,
 * transfers and reopens make answers worse and effort higher). Customers subscribe, change
 * plans and cancel, more often after bad experiences.
 *
 * <p>Iterates records in emission order; a configured share is emitted out of order (bounded
 * delay) or late (long delay), as real producers do. Records whose event time falls after the
 * simulated period are not emitted.
 */
public final class CxSimulation implements Iterator<GeneratedRecord> {
  private static final long SECOND = 1_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;

  static final Channel[] CHANNELS = {
      Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.SMS, Channel.ZALO_OA,
      Channel.SOCIAL, Channel.APP, Channel.WEB, Channel.STORE};
  private static final double[] CHANNEL_MIX = {0.28, 0.14, 0.18, 0.03, 0.12, 0.06, 0.09, 0.06, 0.04};
  /** Service quality per channel, shifts all scores. */
  private static final double[] QUALITY = {0.15, -0.15, 0.35, 0.0, 0.3, -0.25, 0.2, 0.05, 0.45};
  private static final long[] FIRST_REPLY_MEDIAN = {
      45 * SECOND, 4 * HOUR, 90 * SECOND, 20 * MINUTE, 5 * MINUTE, 30 * MINUTE, 30 * MINUTE, HOUR, 2 * MINUTE};
  private static final long[] RESOLUTION_MEDIAN = {
      8 * MINUTE, 20 * HOUR, 15 * MINUTE, 2 * HOUR, 40 * MINUTE, 3 * HOUR, 4 * HOUR, 8 * HOUR, 20 * MINUTE};
  private static final String[] TEAM_BY_CHANNEL = {
      "voice-care", "backoffice", "digital-care", "digital-care", "digital-care",
      "social-care", "digital-care", "backoffice", "retail"};
  static final String[] REGIONS = {"north", "central", "south", "highlands", "mekong"};
  private static final double[] REGION_MIX = {0.32, 0.18, 0.34, 0.06, 0.10};
  static final String[] PRODUCTS = {"mobile", "broadband", "tv", "fintech"};
  private static final double[] PRODUCT_MIX = {0.45, 0.3, 0.15, 0.1};
  private static final String[] PLANS = {"basic", "standard", "premium"};
  private static final long[] PLAN_MRR = {9_900, 19_900, 39_900};
  /** Relative ticket volume per hour of day (UTC of the simulated clock). */
  private static final double[] HOURLY = {
      0.2, 0.15, 0.12, 0.12, 0.15, 0.25, 0.5, 0.9, 1.3, 1.6, 1.7, 1.6,
      1.3, 1.4, 1.6, 1.6, 1.5, 1.3, 1.1, 1.0, 0.9, 0.7, 0.5, 0.3};
  private static final double HOURLY_MEAN = mean(HOURLY);
  private static final String[] GOOD_COMMENTS = {"quick and friendly", "solved on first call", "great help"};
  private static final String[] BAD_COMMENTS = {
      "had to explain my issue again", "waited too long", "transferred twice", "problem came back"};

  private final SimulationConfig config;
  private Scenario scenario;
  private final SplittableRandom random;
  /** The CX team's follow-up work: its own stream of randomness, so it does not shift the rest. */
  private final SplittableRandom followUps;
  /** Queue entries and IVR-only calls: their own stream too. */
  private final SplittableRandom queues;
  private final long end;
  /** Pending records by emission time, ties in scheduling order (so runs are reproducible). */
  private final PriorityQueue<Scheduled> pending = new PriorityQueue<>(
      (a, b) -> a.record.emitTime() != b.record.emitTime()
          ? Long.compare(a.record.emitTime(), b.record.emitTime()) : Long.compare(a.seq, b.seq));
  private final Customer[] customers;
  private long nextArrival;
  private long seq;
  private long tickets;

  private static final class Customer {
    final String id;
    final String region;
    final String product;
    int plan;
    boolean active = true;
    /** Planted churners cancel at this time (Long.MAX_VALUE: not planted). */
    long plantedCancelAt = Long.MAX_VALUE;

    Customer(String id, String region, String product, int plan) {
      this.id = id;
      this.region = region;
      this.product = product;
      this.plan = plan;
    }
  }

  public CxSimulation(SimulationConfig config) {
    this.config = config;
    this.random = new SplittableRandom(config.seed());
    this.followUps = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
    this.queues = new SplittableRandom(config.seed() ^ 0x9E3779B97F4A7C15L);
    this.nextArrival = config.start().toEpochMilli();
    this.end = nextArrival + config.duration().toMillis();
    this.customers = new Customer[config.customers()];
    for (int i = 0; i < customers.length; i++) {
      customers[i] = new Customer(String.format("cust-%06d", i), REGIONS[pick(REGION_MIX)],
          PRODUCTS[pick(PRODUCT_MIX)], random.nextInt(PLANS.length));
    }
    for (Customer c : customers) {
      // the existing subscriber base, so churn rates have a denominator from the first minute
      lifecycle(c, LifecycleType.SUBSCRIBED, nextArrival);
    }
    plantChurners();
    nextArrival += interArrival(nextArrival);
  }

  /**
   * Planted churners: in the days before their cancellation they contact us 2–4 times about
   * problems that go badly (long, transferred, reopened tickets; poor survey answers).
   */
  private void plantChurners() {
    long start = config.start().toEpochMilli();
    long span = config.duration().toMillis();
    int planted = (int) Math.round(customers.length * config.plantedChurnShare());
    for (int i = 0; i < planted; i++) {
      Customer c = customers[random.nextInt(customers.length)];
      if (c.plantedCancelAt != Long.MAX_VALUE) {
        continue;
      }
      long cancelAt = start + span / 3 + (long) (random.nextDouble() * (span * 2 / 3));
      c.plantedCancelAt = cancelAt;
      long lead = Math.min(cancelAt - start, (long) ((1 + 4 * random.nextDouble()) * 24 * HOUR));
      int bad = 2 + random.nextInt(3);
      for (int k = 0; k < bad; k++) {
        long at = cancelAt - (long) (random.nextDouble() * lead);
        simulateTicket(at, c, 1.8, true);
      }
      lifecycle(c, LifecycleType.CANCELLED, cancelAt);
    }
  }

  /** Plays an incident from its start time on (see {@link Scenario}). */
  public CxSimulation withScenario(Scenario s) {
    this.scenario = s;
    return this;
  }

  /** Tickets opened so far. */
  public long tickets() {
    return tickets;
  }

  @Override
  public boolean hasNext() {
    fill();
    return !pending.isEmpty();
  }

  @Override
  public GeneratedRecord next() {
    fill();
    Scheduled s = pending.poll();
    if (s == null) {
      throw new NoSuchElementException();
    }
    return s.record;
  }

  /** Simulates arrivals until the head of the queue can no longer be overtaken by a new ticket. */
  private void fill() {
    while (nextArrival < end && (pending.isEmpty() || pending.peek().record.emitTime() > nextArrival)) {
      simulateTicket(nextArrival);
      nextArrival += interArrival(nextArrival);
    }
  }

  private long interArrival(long t) {
    double hourWeight = HOURLY[(int) ((t / HOUR) % 24)] / HOURLY_MEAN;
    double perMs = config.ticketsPerMinute() * hourWeight / MINUTE;
    return Math.max(1, (long) (-Math.log(1 - random.nextDouble()) / perMs));
  }

  private void simulateTicket(long opened) {
    simulateTicket(opened, customers[zipfCustomer()], 0, false);
  }

  // The steps below draw from the seeded generator: adding, dropping or reordering a draw changes
  // every record after it, so a seed would no longer give the data that tests were written against.
  private void simulateTicket(long opened, Customer customer, double penalty, boolean planted) {
    tickets++;
    if (!planted && opened >= customer.plantedCancelAt && customer.active) {
      customer.active = false; // the planted cancellation has happened by now
    }
    if (!customer.active) {
      resubscribe(customer, opened);
    }
    Ticket t = openTicket(customer, opened);
    long firstReply = opened + lognormal(FIRST_REPLY_MEDIAN[t.c], 0.9);
    if (config.queueEvents()) {
      queueAndIvr(t, opened, firstReply);
    }
    if (abandoned(t, opened, firstReply)) {
      return;
    }
    long resolved = workUntilResolved(t, opened, firstReply, penalty);
    long finalResolution = maybeReopen(t, resolved, penalty);
    double experience = experience(t, opened, finalResolution, penalty);
    if (planted || random.nextDouble() < surveyResponseRate(t.channel, finalResolution)) {
      survey(t.id, customer, t.channel, t.team, finalResolution + lognormal(20 * MINUTE, 1.0),
          experience, t.transferred, t.reopened);
    }
    if (!planted && customer.plantedCancelAt == Long.MAX_VALUE) {
      churnAfter(customer, experience, finalResolution);
    }
  }

  /** A customer who cancelled comes back: a new subscription, on a plan drawn afresh. */
  private void resubscribe(Customer customer, long at) {
    customer.active = true;
    customer.plan = random.nextInt(PLANS.length);
    lifecycle(customer, LifecycleType.SUBSCRIBED, at); // never before the arrival being simulated: emission order relies on it
  }

  /** Draws the ticket's channel and priority and emits its OPENED event. */
  private Ticket openTicket(Customer customer, long opened) {
    int c = pick(CHANNEL_MIX);
    Ticket t = new Ticket("tk-" + Long.toHexString(config.seed()) + "-" + tickets, customer, c, priority());
    t.event(InteractionType.OPENED, opened, null, false, null);
    return t;
  }

  private Priority priority() {
    return random.nextDouble() < 0.05 ? Priority.URGENT
        : random.nextDouble() < 0.2 ? Priority.HIGH : random.nextDouble() < 0.3 ? Priority.LOW : Priority.NORMAL;
  }

  /**
   * With queue events: a phone call spends 5–30 s in the IVR and a chat or Zalo contact up to 5 s
   * with a bot before it enters the agent queue (always before it is answered or abandoned); and
   * one phone call in four comes with an IVR-only call of the same customer that hangs up there
   * or is served by the IVR — a ticket closed with that reason, never queued.
   */
  private void queueAndIvr(Ticket t, long opened, long firstReply) {
    if (t.channel != Channel.PHONE && t.channel != Channel.CHAT && t.channel != Channel.ZALO_OA) {
      return;
    }
    long beforeAgent = t.channel == Channel.PHONE ? 5 * SECOND + (long) (queues.nextDouble() * 25 * SECOND)
        : (long) (queues.nextDouble() * 5 * SECOND);
    // the generator abandons a contact half-way to its first reply: the queue entry comes first
    long queuedAt = opened + Math.min(beforeAgent, (firstReply - opened) / 4);
    interaction(t.id, t.customer, t.channel, t.team, t.priority, InteractionType.QUEUED, queuedAt, null, false, null, null,
        queues);
    if (t.channel == Channel.PHONE && queues.nextDouble() < 0.25) {
      String ivr = t.id + "-ivr";
      long ivrOpened = opened + (long) (queues.nextDouble() * MINUTE);
      interaction(ivr, t.customer, t.channel, t.team, t.priority, InteractionType.OPENED, ivrOpened, null, false, null, null,
          queues);
      CloseReason reason = queues.nextDouble() < 0.7 ? CloseReason.IVR_HANGUP : CloseReason.SELF_SERVED_IVR;
      interaction(ivr, t.customer, t.channel, t.team, t.priority, InteractionType.CLOSED,
          ivrOpened + 20 * SECOND + (long) (queues.nextDouble() * 70 * SECOND), null, false, null, reason, queues);
    }
  }

  /** Queued channels lose some contacts before the first reply; many more during an abandonment spike. */
  private boolean abandoned(Ticket t, long opened, long firstReply) {
    boolean queued = t.channel == Channel.PHONE || t.channel == Channel.CHAT || t.channel == Channel.ZALO_OA;
    boolean spike = scenario != null && scenario.kind() == Scenario.Kind.ABANDONMENT_SPIKE && scenario.hits(t.channel, opened);
    if (queued && random.nextDouble() < (spike ? 0.4 : 0.07)) {
      t.event(InteractionType.ABANDONED, opened + (firstReply - opened) / 2, null, false, null);
      return true;
    }
    return false;
  }

  /**
   * An agent replies, sometimes transfers (more often when the customer is a planted churner) and
   * the customer sometimes writes back, then the ticket is resolved; app and web tickets are
   * sometimes self-served instead. Returns the resolution time.
   */
  private long workUntilResolved(Ticket t, long opened, long firstReply, double penalty) {
    boolean selfService = (t.channel == Channel.APP || t.channel == Channel.WEB) && random.nextDouble() < 0.25;
    t.agent = "agent-" + t.team + "-" + random.nextInt(40); // drawn even for self-service: keeps the sequence
    long resolved = opened + lognormal(RESOLUTION_MEDIAN[t.c], 0.8);
    if (!selfService) {
      t.event(InteractionType.AGENT_REPLY, Math.min(firstReply, resolved - 1), t.agent, false, null);
      if (random.nextDouble() < (penalty > 0 ? 0.4 : 0.1)) {
        resolved = transferToTier2(t, firstReply, resolved);
      }
      if (random.nextDouble() < 0.3) {
        t.event(InteractionType.CUSTOMER_REPLY, firstReply + (resolved - firstReply) / 2, null, false, null);
      }
    }
    t.event(InteractionType.RESOLVED, resolved, selfService ? null : t.agent, selfService, null);
    return resolved;
  }

  /** Tier 2 takes the ticket from here on, which delays the resolution: returns the new resolution time. */
  private long transferToTier2(Ticket t, long firstReply, long resolved) {
    t.transferred = true;
    t.event(InteractionType.TRANSFERRED, firstReply + (resolved - firstReply) / 3, t.agent, false, "tier2");
    t.team = "tier2";
    return resolved + lognormal(RESOLUTION_MEDIAN[t.c] / 2, 0.6);
  }

  /** Some tickets come back after resolution (more for planted churners): returns the final resolution time. */
  private long maybeReopen(Ticket t, long resolved, double penalty) {
    t.reopened = random.nextDouble() < (penalty > 0 ? 0.3 : 0.06);
    if (!t.reopened) {
      return resolved;
    }
    long reopenAt = resolved + lognormal(6 * HOUR, 1.0);
    t.event(InteractionType.REOPENED, reopenAt, null, false, null);
    long finalResolution = reopenAt + lognormal(RESOLUTION_MEDIAN[t.c], 0.8);
    t.event(InteractionType.RESOLVED, finalResolution, t.agent, false, null);
    return finalResolution;
  }

  /**
   * How the customer felt about the ticket: the channel's quality plus noise, minus a penalty for
   * planted churners, a transfer, a reopen and a resolution much slower than the channel's median.
   */
  private double experience(Ticket t, long opened, long finalResolution, double penalty) {
    double ttrRatio = (double) (finalResolution - opened) / RESOLUTION_MEDIAN[t.c];
    return QUALITY[t.c] - penalty + gaussian(0.8)
        - (t.transferred ? 0.5 : 0) - (t.reopened ? 0.7 : 0)
        - 0.35 * Math.max(0, Math.min(2.5, Math.log(ttrRatio)));
  }

  /** Unhappy customers answer surveys more often: during a CSAT incident most of them do. */
  private double surveyResponseRate(Channel channel, long resolvedAt) {
    boolean incident = scenario != null && scenario.kind() == Scenario.Kind.CSAT_DROP && scenario.hits(channel, resolvedAt);
    return incident ? 0.9 : config.surveyResponseRate();
  }

  /** One ticket being simulated: what all its interaction events share, and what happened to it so far. */
  private final class Ticket {
    final String id;
    final Customer customer;
    /** Index of the channel in the per-channel tables. */
    final int c;
    final Channel channel;
    final Priority priority;
    String team;
    String agent;
    boolean transferred;
    boolean reopened;

    Ticket(String id, Customer customer, int c, Priority priority) {
      this.id = id;
      this.customer = customer;
      this.c = c;
      this.channel = CHANNELS[c];
      this.team = TEAM_BY_CHANNEL[c];
      this.priority = priority;
    }

    void event(InteractionType type, long at, String agent, boolean selfService, String toTeam) {
      interaction(id, customer, channel, team, priority, type, at, agent, selfService, toTeam);
    }
  }

  private void survey(String ticket, Customer customer, Channel channel, String team, long at,
      double experience, boolean transferred, boolean reopened) {
    if (scenario != null && scenario.kind() == Scenario.Kind.CSAT_DROP && scenario.hits(channel, at)) {
      experience -= 2.5;
    }
    Integer nps = random.nextDouble() < 0.9 ? clamp((int) Math.round(7.3 + 2.3 * experience + gaussian(1.0)), 0, 10) : null;
    Integer csat = random.nextDouble() < 0.8 ? clamp((int) Math.round(3.8 + 1.1 * experience + gaussian(0.6)), 1, 5) : null;
    Integer ces = random.nextDouble() < 0.6
        ? clamp((int) Math.round(3.0 - 1.2 * experience + gaussian(0.8) + (transferred ? 1.5 : 0) + (reopened ? 1 : 0)), 1, 7)
        : null;
    if (nps == null && csat == null && ces == null) {
      nps = clamp((int) Math.round(7.3 + 2.3 * experience), 0, 10);
    }
    String comment = null;
    if (random.nextDouble() < 0.25) {
      comment = experience < -0.3 ? BAD_COMMENTS[random.nextInt(BAD_COMMENTS.length)]
          : GOOD_COMMENTS[random.nextInt(GOOD_COMMENTS.length)];
    }
    SurveyResponse r = SurveyResponse.newBuilder()
        .setResponseId("sr-" + ticket.substring(3))
        .setCustomerId(customer.id).setTicketId(ticket).setEventTime(Instant.ofEpochMilli(at))
        .setChannel(channel).setRegion(customer.region).setTeam(team).setProduct(customer.product)
        .setNps(nps).setCsat(csat).setCes(ces).setComment(comment).build();
    schedule(Topics.SURVEYS, customer.id, r, at);
    boolean needsFollowUp = (nps != null && nps <= 6) || (csat != null && csat <= 2);
    if (needsFollowUp && followUps.nextDouble() < 0.8) {
      // the CX team calls back: usually within a day, sometimes after the due time
      long doneAt = at + Math.max(MINUTE, (long) (10 * HOUR * Math.exp(0.9 * gaussianFrom(followUps))));
      String actionId = io.cxmonitor.churn.followups.FollowUpSignal.actionId(r.getResponseId());
      schedule(Topics.FOLLOW_UPS_DONE, actionId, io.cxmonitor.schemas.FollowUpDone.newBuilder()
          .setActionId(actionId).setDoneAt(Instant.ofEpochMilli(doneAt))
          .setAgentId("cx-agent-" + followUps.nextInt(12)).setOutcome("called back").build(), doneAt, followUps);
    }
  }

  private static double gaussianFrom(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private void churnAfter(Customer customer, double experience, long after) {
    double risk = experience < -1 ? 0.08 : experience < -0.3 ? 0.02 : 0.003;
    double u = random.nextDouble();
    if (u < risk) {
      customer.active = false;
      lifecycle(customer, LifecycleType.CANCELLED, after + lognormal(2 * HOUR, 1.0));
    } else if (u < risk + 0.01 && customer.plan > 0) {
      customer.plan--;
      lifecycle(customer, LifecycleType.DOWNGRADED, after + lognormal(HOUR, 1.0));
    } else if (u < risk + 0.015 && customer.plan < PLANS.length - 1 && experience > 0.3) {
      customer.plan++;
      lifecycle(customer, LifecycleType.UPGRADED, after + lognormal(HOUR, 1.0));
    } else if (u < risk + 0.03) {
      lifecycle(customer, LifecycleType.RENEWED, after + lognormal(6 * HOUR, 1.0));
    }
  }

  private void lifecycle(Customer customer, LifecycleType type, long at) {
    CustomerLifecycleEvent e = CustomerLifecycleEvent.newBuilder()
        .setEventId("lc-" + Long.toHexString(config.seed()) + "-" + (++seq))
        .setCustomerId(customer.id).setType(type).setEventTime(Instant.ofEpochMilli(at))
        .setPlan(PLANS[customer.plan]).setMrrMinor(type == LifecycleType.CANCELLED ? 0 : PLAN_MRR[customer.plan])
        .setCurrency("USD").setRegion(customer.region).setProduct(customer.product).build();
    schedule(Topics.LIFECYCLE, customer.id, e, at);
  }

  private void interaction(String ticket, Customer customer, Channel channel, String team, Priority priority,
      InteractionType type, long at, String agent, boolean selfService, String toTeam) {
    interaction(ticket, customer, channel, team, priority, type, at, agent, selfService, toTeam, null, random);
  }

  private void interaction(String ticket, Customer customer, Channel channel, String team, Priority priority,
      InteractionType type, long at, String agent, boolean selfService, String toTeam, CloseReason reason,
      SplittableRandom rng) {
    InteractionEvent e = InteractionEvent.newBuilder()
        .setEventId("ie-" + Long.toHexString(config.seed()) + "-" + (++seq))
        .setTicketId(ticket).setCustomerId(customer.id).setEventType(type).setEventTime(Instant.ofEpochMilli(at))
        .setChannel(channel).setRegion(customer.region).setTeam(team).setProduct(customer.product)
        .setPriority(priority).setAgentId(agent).setSelfService(selfService).setToTeam(toTeam).setCloseReason(reason).build();
    schedule(Topics.INTERACTIONS, ticket, e, at, rng);
  }

  private void schedule(String topic, String key, org.apache.avro.specific.SpecificRecord record, long eventTime) {
    schedule(topic, key, record, eventTime, random);
  }

  private void schedule(String topic, String key, org.apache.avro.specific.SpecificRecord record, long eventTime,
      SplittableRandom rng) {
    if (eventTime >= end) {
      return;
    }
    long emit = eventTime;
    double u = rng.nextDouble();
    if (u < config.lateShare()) {
      long min = config.lateDelayMin().toMillis();
      emit += min + (long) (rng.nextDouble() * (config.lateDelayMax().toMillis() - min));
    } else if (u < config.lateShare() + config.outOfOrderShare()) {
      emit += (long) (rng.nextDouble() * config.maxOutOfOrder().toMillis());
    }
    pending.add(new Scheduled(++seq, new GeneratedRecord(topic, key, record, eventTime, emit)));
  }

  private record Scheduled(long seq, GeneratedRecord record) {}

  private int zipfCustomer() {
    // Heavy users contact more often: index ~ n * u^2 favours low indices.
    double u = random.nextDouble();
    return (int) (customers.length * u * u);
  }

  private int pick(double[] weights) {
    double u = random.nextDouble() * sum(weights);
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private long lognormal(long median, double sigma) {
    return Math.max(SECOND, (long) (median * Math.exp(sigma * gaussian(1.0))));
  }

  private double gaussian(double sd) {
    // Box–Muller on the seeded generator, so runs are reproducible.
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  private static double mean(double[] a) {
    return sum(a) / a.length;
  }
}
