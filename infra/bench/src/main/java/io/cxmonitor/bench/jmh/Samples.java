package io.cxmonitor.bench.jmh;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.metrics.TicketState;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.service.ServiceFacts;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The micro-benchmarks' input: six simulated hours of the project's generator ({@link CxSimulation},
 * same seed every run, yesterday from 18:00 UTC as in the harness), its records encoded as the jobs
 * read them (single-object encoding), and what the service job derives from them: ticket facts,
 * ticket states and per-minute aggregates. Built once per benchmark fork.
 */
final class Samples {
  static final long SEED = 16;
  /** About the first hour of interactions at 60 tickets a minute; responses come slower (six hours). */
  static final int MAX_INTERACTIONS = 12_288;
  static final int MAX_SURVEYS = 4096;
  static final long MINUTE = 60_000;

  final List<InteractionEvent> interactions = new ArrayList<>();
  final List<SurveyResponse> surveys = new ArrayList<>();
  final byte[][] interactionBytes;
  final byte[][] surveyBytes;
  /** Facts as the per-ticket function emits them, derived from the interactions (see {@link #facts}). */
  final List<TicketFact> facts = new ArrayList<>();
  /** A ticket that has an agent reply and is still open, and one that was resolved. */
  final TicketState openTicket;
  final TicketState resolvedTicket;
  /** The overall group's counts per event-time minute, sealed as the pre-aggregator ships them. */
  final List<ServiceCounts> minutes = new ArrayList<>();

  private static Samples instance;

  static synchronized Samples get() {
    if (instance == null) {
      instance = new Samples();
    }
    return instance;
  }

  private Samples() {
    Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1)).plus(Duration.ofHours(18));
    SimulationConfig config = SimulationConfig.defaults(SEED, start, Duration.ofHours(6))
        .withRate(60).withCustomers(50_000, 0.002).withQueueEvents(true);
    CxSimulation world = new CxSimulation(config);
    while (world.hasNext() && (interactions.size() < MAX_INTERACTIONS || surveys.size() < MAX_SURVEYS)) {
      GeneratedRecord r = world.next();
      if (r.topic().equals(Topics.INTERACTIONS) && interactions.size() < MAX_INTERACTIONS) {
        interactions.add((InteractionEvent) r.record());
      } else if (r.topic().equals(Topics.SURVEYS) && surveys.size() < MAX_SURVEYS) {
        surveys.add((SurveyResponse) r.record());
      }
    }
    WireFormat.Codec<InteractionEvent> ic = WireFormat.interactions();
    WireFormat.Codec<SurveyResponse> sc = WireFormat.surveys();
    interactionBytes = interactions.stream().map(ic::encode).toArray(byte[][]::new);
    surveyBytes = surveys.stream().map(sc::encode).toArray(byte[][]::new);
    Map<String, TicketState> tickets = facts();
    openTicket = tickets.values().stream().filter(t -> t.open && t.firstReplyAt != TicketState.UNKNOWN)
        .findFirst().orElseThrow(() -> new IllegalStateException("no open ticket with a reply in the sample"));
    resolvedTicket = tickets.values().stream().filter(t -> t.everResolved && !t.open).findFirst()
        .orElseThrow(() -> new IllegalStateException("no resolved ticket in the sample"));
    TreeMap<Long, ServiceCounts> perMinute = new TreeMap<>();
    for (TicketFact f : facts) {
      ServiceFacts.count(perMinute.computeIfAbsent(f.time / MINUTE, m -> new ServiceCounts()), f,
          channelOrdinal(f.fromChannel), channelOrdinal(f.channel));
    }
    perMinute.values().forEach(c -> minutes.add(c.seal()));
  }

  /**
   * Follows each ticket through its events in arrival order, as far as the service job's facts
   * and state need: opening, queue, first reply, resolution, reopen, close, transfer. A simplified
   * version of {@code TicketLifecycleFunction} (no timers, no SLA or repeat rules): realistic
   * dimensions, durations and state sizes, not the job's exact facts.
   */
  private Map<String, TicketState> facts() {
    Map<String, TicketState> tickets = new HashMap<>();
    for (InteractionEvent e : interactions) {
      long t = e.getEventTime().toEpochMilli();
      TicketState s = tickets.computeIfAbsent(e.getTicketId(), id -> new TicketState());
      switch (e.getEventType()) {
        case OPENED -> {
          s.customerId = e.getCustomerId();
          s.channel = Grouping.tagValue(e.getChannel().name());
          s.team = Grouping.tagValue(e.getTeam());
          s.region = Grouping.tagValue(e.getRegion());
          s.product = Grouping.tagValue(e.getProduct());
          s.priority = Grouping.tagValue(e.getPriority().name());
          s.priorityOrdinal = e.getPriority().ordinal();
          s.openedAt = t;
          s.open = true;
          s.cleanupAt = t + Duration.ofDays(7).toMillis();
          s.frtDue = t + Duration.ofHours(1).toMillis();
          s.ttrDue = t + Duration.ofHours(24).toMillis();
          fact(s, TicketFact.Kind.OPENED, t);
        }
        case QUEUED -> {
          s.queueEntered = true;
          s.queueEnteredAt = t;
          s.queueTeam = s.team;
          fact(s, TicketFact.Kind.QUEUED, t);
        }
        case AGENT_REPLY -> {
          if (s.queueEntered && !s.queueLeft) {
            s.queueLeft = true;
            fact(s, TicketFact.Kind.QUEUE_ANSWERED, s.queueEnteredAt).withDuration(t - s.queueEnteredAt)
                .withFlag(t - s.queueEnteredAt < 20_000);
          }
          if (s.firstReplyAt == TicketState.UNKNOWN && s.openedAt != TicketState.UNKNOWN) {
            s.firstReplyAt = t;
            s.frtDue = TicketState.UNKNOWN;
            fact(s, TicketFact.Kind.FIRST_RESPONSE, t).withDuration(t - s.openedAt);
          }
        }
        case CUSTOMER_REPLY -> s.lastCustomerReplyAt = t;
        case TRANSFERRED -> {
          s.transferred = true;
          fact(s, TicketFact.Kind.MOVED_OUT, t);
          s.team = Grouping.tagValue(e.getToTeam());
          fact(s, TicketFact.Kind.MOVED_IN, t);
        }
        case RESOLVED -> {
          boolean first = !s.everResolved;
          s.resolvedAt = t;
          s.open = false;
          s.selfService = e.getSelfService();
          if (first && s.openedAt != TicketState.UNKNOWN) {
            s.everResolved = true;
            s.firstResolvedAt = t;
            s.ttrDue = TicketState.UNKNOWN;
            s.fcrDue = t + Duration.ofDays(7).toMillis();
            fact(s, TicketFact.Kind.RESOLVED, t).withDuration(t - s.openedAt).withFlag(s.selfService);
          } else {
            fact(s, TicketFact.Kind.RESOLVED_AGAIN, t);
          }
        }
        case REOPENED -> {
          s.reopened = true;
          s.reopenedAt = t;
          s.open = true;
          fact(s, TicketFact.Kind.REOPENED, t);
        }
        case ABANDONED -> {
          s.abandonedAt = t;
          s.open = false;
          fact(s, TicketFact.Kind.ABANDONED, t);
        }
        case CLOSED -> {
          s.closed = true;
          s.closedAt = t;
          s.open = false;
          TicketFact f = fact(s, TicketFact.Kind.CLOSED, t);
          f.closeReason = e.getCloseReason() == null ? null : e.getCloseReason().name();
        }
        default -> { }
      }
    }
    return tickets;
  }

  private TicketFact fact(TicketState s, TicketFact.Kind kind, long time) {
    TicketFact f = new TicketFact(kind, time, s.channel, s.team, s.region, s.priority);
    f.product = s.product;
    facts.add(f);
    return f;
  }

  static int channelOrdinal(String tag) {
    if (tag == null) {
      return -1;
    }
    for (io.cxmonitor.schemas.Channel c : io.cxmonitor.schemas.Channel.values()) {
      if (Grouping.tagValue(c.name()).equals(tag)) {
        return c.ordinal();
      }
    }
    return -1;
  }
}
