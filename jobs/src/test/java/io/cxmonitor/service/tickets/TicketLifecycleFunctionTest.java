package io.cxmonitor.service.tickets;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.service.TicketFact.Kind;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.CloseReason;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.schemas.SlaKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TicketLifecycleFunctionTest {
  private static final Instant T0 = Instant.parse("2026-06-01T09:00:00Z");
  private static final Duration REOPEN = Duration.ofDays(7);
  private static final Duration ORPHAN = Duration.ofDays(2);
  private static final SlaPolicy SLA = new SlaPolicy("NORMAL=PT4H", "NORMAL=PT72H");

  private KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, TicketFact> harness;
  private int seq;

  @BeforeEach
  void setUp() throws Exception {
    harness = harness(QueuePolicy.defaults(), 0);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, TicketFact> harness(QueuePolicy queue,
      long maxTicketAgeMs) throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new TicketLifecycleFunction(SLA, REOPEN.toMillis(), ORPHAN.toMillis(), Duration.ofDays(1).toMillis(),
            queue, maxTicketAgeMs)),
        InteractionEvent::getTicketId, Types.STRING);
    h.open();
    return h;
  }

  /** Replaces the default harness (queue entry from events, no maximum age). */
  private void useHarness(QueuePolicy queue, long maxTicketAgeMs) throws Exception {
    harness.close();
    harness = harness(queue, maxTicketAgeMs);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void event(InteractionType type, Instant at) throws Exception {
    event(type, at, null, false);
  }

  private void event(InteractionType type, Instant at, String toTeam, boolean selfService) throws Exception {
    harness.processElement(new StreamRecord<>(build("t1", type, at, toTeam, selfService, null), at.toEpochMilli()));
  }

  private void closed(Instant at, CloseReason reason) throws Exception {
    harness.processElement(new StreamRecord<>(build("t1", InteractionType.CLOSED, at, null, false, reason), at.toEpochMilli()));
  }

  private InteractionEvent build(String ticket, InteractionType type, Instant at, String toTeam, boolean selfService,
      CloseReason reason) {
    return InteractionEvent.newBuilder()
        .setEventId("e" + (++seq)).setTicketId(ticket).setCustomerId("c1").setEventType(type).setEventTime(at)
        .setChannel(Channel.PHONE).setTeam("Voice").setRegion("north").setPriority(Priority.NORMAL)
        .setToTeam(toTeam).setSelfService(selfService).setCloseReason(reason).build();
  }

  private void advanceTo(Instant t) throws Exception {
    harness.processWatermark(t.toEpochMilli());
  }

  /** Events are applied in event-time order once the watermark passes them. */
  private List<TicketFact> factsUpTo(Instant t) throws Exception {
    advanceTo(t);
    return facts();
  }

  private List<TicketFact> facts() {
    List<TicketFact> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  private static List<Kind> kinds(List<TicketFact> facts) {
    return facts.stream().map(f -> f.kind).toList();
  }

  private void assertCleared() {
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void answeredAndResolvedTicketIsFirstContactResolutionOnceTheReopenWindowPassed() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(90));
    event(InteractionType.RESOLVED, T0.plusSeconds(600));
    assertThat(facts()).as("nothing before the watermark passes the events").isEmpty();
    List<TicketFact> f = factsUpTo(T0.plusSeconds(600));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE, Kind.RESOLVED, Kind.FCR_PROVISIONAL);
    assertThat(f.get(1).durationMs).isEqualTo(90_000);
    assertThat(f.get(2).durationMs).isEqualTo(600_000);
    assertThat(f.get(0).team).isEqualTo("voice");
    advanceTo(T0.plus(REOPEN).plusSeconds(599));
    assertThat(facts()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isPositive();
    advanceTo(T0.plus(REOPEN).plusSeconds(600));
    List<TicketFact> fin = facts();
    assertThat(kinds(fin)).containsExactly(Kind.FCR_FINAL);
    assertThat(fin.get(0).flag).isTrue();
    assertCleared();
    assertThat(harness.getSideOutput(TicketLifecycleFunction.SLA_ALERTS)).isNullOrEmpty();
  }

  @Test
  void replyBeforeOpenIsCountedWhenTheOpenArrives() throws Exception {
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(30));
    assertThat(factsUpTo(T0.minusSeconds(1))).isEmpty();
    event(InteractionType.OPENED, T0);
    List<TicketFact> f = factsUpTo(T0.plusSeconds(30));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE);
    assertThat(f.get(1).durationMs).isEqualTo(30_000);
    assertThat(f.get(1).time).isEqualTo(T0.plusSeconds(30).toEpochMilli());
  }

  /**
   * Behaviour change with SlaRule: before, a reply that reached the job before its OPENED meant no
   * first-response timer, so a late reply was never a breach when the arrival order was reversed.
   * The SLA depends on event times only, as the churn job's risk score already judged it.
   */
  @Test
  void aLateReplyThatArrivesBeforeItsOpenedStillBreachesTheFirstResponseSla() throws Exception {
    Instant lateReply = T0.plus(Duration.ofHours(5));
    Instant firstResponseDue = T0.plus(Duration.ofHours(4));
    event(InteractionType.AGENT_REPLY, lateReply);
    event(InteractionType.OPENED, T0);
    advanceTo(firstResponseDue);
    List<TicketFact> breach = facts();
    assertThat(kinds(breach)).containsExactly(Kind.OPENED, Kind.SLA_BREACH_FIRST_RESPONSE);
    assertThat(breach.get(1).time).isEqualTo(firstResponseDue.toEpochMilli());
    assertThat(kinds(factsUpTo(lateReply))).containsExactly(Kind.FIRST_RESPONSE);
    assertThat(harness.getSideOutput(TicketLifecycleFunction.SLA_ALERTS)).extracting(r -> r.getValue().getKind())
        .containsExactly(SlaKind.FIRST_RESPONSE);
  }

  @Test
  void anInTimeReplyThatArrivesBeforeItsOpenedIsNoBreach() throws Exception {
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(30));
    event(InteractionType.OPENED, T0);
    factsUpTo(T0.plusSeconds(30));
    advanceTo(T0.plus(Duration.ofHours(5)));
    assertThat(facts()).isEmpty();
    assertThat(harness.getSideOutput(TicketLifecycleFunction.SLA_ALERTS)).isNullOrEmpty();
  }

  @Test
  void resolvedBeforeOpenIsResolvedWhenTheOpenArrives() throws Exception {
    event(InteractionType.RESOLVED, T0.plusSeconds(120));
    event(InteractionType.OPENED, T0);
    List<TicketFact> f = factsUpTo(T0.plusSeconds(120));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.RESOLVED, Kind.FCR_PROVISIONAL);
    assertThat(f.get(1).durationMs).isEqualTo(120_000);
  }

  @Test
  void aDuplicateResolvedCountsOnce() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.RESOLVED, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(300));
    assertThat(kinds(factsUpTo(T0.plusSeconds(300)))).containsExactly(Kind.OPENED, Kind.RESOLVED, Kind.FCR_PROVISIONAL);
  }

  @Test
  void reopenAfterCloseIsNotFirstContactResolution() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(120));
    advanceTo(T0.plus(Duration.ofDays(2)));
    event(InteractionType.REOPENED, T0.plus(Duration.ofDays(2)).plusSeconds(1));
    event(InteractionType.RESOLVED, T0.plus(Duration.ofDays(3)));
    assertThat(kinds(factsUpTo(T0.plus(Duration.ofDays(3))))).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE, Kind.RESOLVED, Kind.FCR_PROVISIONAL, Kind.REOPENED, Kind.RESOLVED_AGAIN);
    advanceTo(T0.plus(Duration.ofDays(3)).plus(REOPEN));
    List<TicketFact> fin = facts();
    assertThat(kinds(fin)).containsExactly(Kind.FCR_FINAL);
    assertThat(fin.get(0).flag).isFalse();
    assertThat(fin.get(0).reopened).isTrue();
    assertCleared();
  }

  @Test
  void aTicketWithNoEventForDaysBreachesBothSlasWhileOpenAndRaisesAlerts() throws Exception {
    event(InteractionType.OPENED, T0);
    factsUpTo(T0);
    advanceTo(T0.plus(Duration.ofHours(4)).minusMillis(1));
    assertThat(facts()).isEmpty();
    advanceTo(T0.plus(Duration.ofHours(4)));
    List<TicketFact> frt = facts();
    assertThat(kinds(frt)).containsExactly(Kind.SLA_BREACH_FIRST_RESPONSE);
    assertThat(frt.get(0).time).isEqualTo(T0.plus(Duration.ofHours(4)).toEpochMilli());
    advanceTo(T0.plus(Duration.ofDays(5)));
    assertThat(kinds(facts())).containsExactly(Kind.SLA_BREACH_RESOLUTION);
    List<SlaBreachAlert> alerts = harness.getSideOutput(TicketLifecycleFunction.SLA_ALERTS).stream()
        .map(StreamRecord::getValue).toList();
    assertThat(alerts).extracting(SlaBreachAlert::getKind).containsExactly(SlaKind.FIRST_RESPONSE, SlaKind.RESOLUTION);
    assertThat(alerts.get(1).getDueAt()).isEqualTo(T0.plus(Duration.ofHours(72)));
    assertThat(alerts.get(1).getAlertId()).isEqualTo("t1/RESOLUTION");
    assertThat(harness.numKeyedStateEntries()).as("still open: kept").isPositive();
    event(InteractionType.RESOLVED, T0.plus(Duration.ofDays(6)));
    advanceTo(T0.plus(Duration.ofDays(13)));
    assertThat(kinds(facts())).containsExactly(Kind.RESOLVED, Kind.FCR_PROVISIONAL, Kind.FCR_FINAL);
    assertCleared();
  }

  @Test
  void aResolutionAfterTheDeadlineThatArrivesBeforeTheWatermarkStillBreaches() throws Exception {
    event(InteractionType.OPENED, T0);
    advanceTo(T0.plus(Duration.ofHours(4)).minusSeconds(30));
    event(InteractionType.RESOLVED, T0.plus(Duration.ofHours(4)).plusSeconds(10));
    // the resolution is applied once the watermark passes it, after the deadline's check
    advanceTo(T0.plus(Duration.ofHours(5)));
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.SLA_BREACH_FIRST_RESPONSE, Kind.RESOLVED, Kind.FCR_PROVISIONAL);
  }

  @Test
  void aResolutionJustBeforeTheDeadlineMeansNoBreach() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.RESOLVED, T0.plus(Duration.ofHours(4)).minusSeconds(1));
    advanceTo(T0.plus(Duration.ofDays(4)));
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.RESOLVED, Kind.FCR_PROVISIONAL);
  }

  @Test
  void answeredInTimeMeansNoFirstResponseBreach() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.AGENT_REPLY, T0.plus(Duration.ofHours(1)));
    advanceTo(T0.plus(Duration.ofHours(5)));
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE);
  }

  @Test
  void transfersMoveTheBacklogAndRuleOutFirstContactResolution() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(10));
    event(InteractionType.TRANSFERRED, T0.plusSeconds(20), "Tier2", false);
    event(InteractionType.RESOLVED, T0.plusSeconds(30));
    List<TicketFact> f = factsUpTo(T0.plusSeconds(30));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE, Kind.MOVED_OUT, Kind.MOVED_IN, Kind.RESOLVED, Kind.FCR_PROVISIONAL);
    assertThat(f.get(2).team).isEqualTo("voice");
    assertThat(f.get(3).team).isEqualTo("tier2");
    assertThat(f.get(4).team).isEqualTo("tier2");
    advanceTo(T0.plus(REOPEN).plusSeconds(30));
    assertThat(facts().get(0).flag).isFalse();
  }

  @Test
  void abandonedContactsCloseTheTicketAndAreForgottenADayLater() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.ABANDONED, T0.plusSeconds(45));
    assertThat(kinds(factsUpTo(T0.plusSeconds(45)))).containsExactly(Kind.OPENED, Kind.ABANDONED);
    advanceTo(T0.plus(Duration.ofDays(1)).plusSeconds(45));
    assertThat(facts()).isEmpty();
    assertCleared();
  }

  @Test
  void abandonedBeforeOpenClosesTheTicketWhenTheOpenArrives() throws Exception {
    event(InteractionType.ABANDONED, T0.plusSeconds(20));
    event(InteractionType.OPENED, T0);
    assertThat(kinds(factsUpTo(T0.plusSeconds(20)))).containsExactly(Kind.OPENED, Kind.ABANDONED);
    advanceTo(T0.plus(Duration.ofDays(2)));
    assertThat(facts()).as("no SLA breach for an abandoned contact").isEmpty();
    assertCleared();
  }

  @Test
  void aCustomerReplyAfterTheAgentsRulesOutFcrWhateverTheArrivalOrder() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.CUSTOMER_REPLY, T0.plusSeconds(120));
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(300));
    advanceTo(T0.plus(REOPEN).plusSeconds(300));
    List<TicketFact> f = facts();
    assertThat(f.get(f.size() - 1).kind).isEqualTo(Kind.FCR_FINAL);
    assertThat(f.get(f.size() - 1).flag).isFalse();
  }

  @Test
  void selfServiceResolutionIsFlaggedAndNotPartOfFcr() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.RESOLVED, T0.plusSeconds(5), null, true);
    List<TicketFact> f = factsUpTo(T0.plusSeconds(5));
    assertThat(f.get(1).flag).isTrue();
    advanceTo(T0.plus(REOPEN).plusSeconds(5));
    List<TicketFact> fin = facts();
    assertThat(kinds(fin)).as("counts in the reopen rate, not in FCR").containsExactly(Kind.FCR_FINAL);
    assertThat(fin.get(0).selfService).isTrue();
    assertThat(fin.get(0).flag).isFalse();
    assertCleared();
  }

  @Test
  void eventsOfATicketThatNeverOpensAreForgotten() throws Exception {
    event(InteractionType.AGENT_REPLY, T0);
    advanceTo(T0.plus(ORPHAN));
    assertThat(facts()).isEmpty();
    assertCleared();
  }

  // --- arrival order ---

  /** One event of the permutation test: type, seconds after T0, to-team. */
  private record Step(InteractionType type, long atSeconds, String toTeam) {}

  /** A fact with its time relative to the ticket's T0, so tickets shifted in time compare equal. */
  private record Seen(Kind kind, long atSeconds, long durationSeconds, boolean flag, boolean reopened, String team) {}

  /**
   * Every arrival order of a ticket's seven events (queue entry, reply, transfer, resolution,
   * reopen, second resolution) gives the same facts: those of the ticket as it happened, derived
   * here by hand. Each order is a ticket of its own, 30 days after the previous one.
   */
  @Test
  void everyArrivalOrderOfATicketsEventsGivesTheSameFacts() throws Exception {
    List<Step> steps = List.of(
        new Step(InteractionType.OPENED, 0, null),
        new Step(InteractionType.QUEUED, 10, null),
        new Step(InteractionType.AGENT_REPLY, 40, null),
        new Step(InteractionType.TRANSFERRED, 600, "Tier2"),
        new Step(InteractionType.RESOLVED, 1_200, null),
        new Step(InteractionType.REOPENED, 7_200, null),
        new Step(InteractionType.RESOLVED, 10_800, null));
    long reopenWindow = REOPEN.toSeconds();
    List<Seen> expected = List.of(
        new Seen(Kind.OPENED, 0, 0, false, false, "voice"),
        new Seen(Kind.QUEUED, 10, 0, false, false, "voice"),
        // dated by the queue entry; waited 30 s, over the phone's 20 s service level
        new Seen(Kind.QUEUE_ANSWERED, 10, 30, false, false, "voice"),
        new Seen(Kind.FIRST_RESPONSE, 40, 40, false, false, "voice"),
        new Seen(Kind.MOVED_OUT, 600, 0, false, false, "voice"),
        new Seen(Kind.MOVED_IN, 600, 0, false, false, "tier2"),
        new Seen(Kind.RESOLVED, 1_200, 1_200, false, false, "tier2"),
        new Seen(Kind.FCR_PROVISIONAL, 1_200, 0, false, false, "tier2"),
        new Seen(Kind.REOPENED, 7_200, 0, false, false, "tier2"),
        new Seen(Kind.RESOLVED_AGAIN, 10_800, 0, false, false, "tier2"),
        new Seen(Kind.FCR_FINAL, 10_800 + reopenWindow, 0, false, true, "tier2"));
    List<List<Step>> orders = new ArrayList<>();
    permutations(new ArrayList<>(steps), 0, orders);
    assertThat(orders).hasSize(5_040);
    for (int i = 0; i < orders.size(); i++) {
      Instant t0 = T0.plus(Duration.ofDays(30L * i));
      for (Step step : orders.get(i)) {
        Instant at = t0.plusSeconds(step.atSeconds());
        harness.processElement(new StreamRecord<>(build("p" + i, step.type(), at, step.toTeam(), false, null), at.toEpochMilli()));
      }
      advanceTo(t0.plus(Duration.ofDays(29)));
      List<Seen> seen = facts().stream().map(f -> new Seen(f.kind, (f.time - t0.toEpochMilli()) / 1000, f.durationMs / 1000,
          f.flag, f.reopened, f.team)).toList();
      assertThat(seen).as("arrival order %s", orders.get(i)).containsExactlyElementsOf(expected);
    }
    assertCleared();
  }

  private static void permutations(List<Step> steps, int k, List<List<Step>> out) {
    if (k == steps.size()) {
      out.add(List.copyOf(steps));
      return;
    }
    for (int i = k; i < steps.size(); i++) {
      java.util.Collections.swap(steps, k, i);
      permutations(steps, k + 1, out);
      java.util.Collections.swap(steps, k, i);
    }
  }

  @Test
  void theFirstResponseIsTheEarliestReplyNotTheFirstToArrive() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(300));
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(60));
    List<TicketFact> f = factsUpTo(T0.plusSeconds(300));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE);
    assertThat(f.get(1).durationMs).isEqualTo(60_000);
  }

  @Test
  void aSecondResolutionThatArrivesBeforeItsReopenLeavesNoPhantomOpenTicket() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.RESOLVED, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(600));
    event(InteractionType.REOPENED, T0.plusSeconds(300));
    List<TicketFact> f = factsUpTo(T0.plusSeconds(600));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.RESOLVED, Kind.FCR_PROVISIONAL, Kind.REOPENED, Kind.RESOLVED_AGAIN);
    advanceTo(T0.plusSeconds(600).plus(REOPEN));
    assertThat(kinds(facts())).containsExactly(Kind.FCR_FINAL);
    assertCleared();
  }

  @Test
  void aLateEventIsAppliedAtOnceAfterWhatWasAlreadyApplied() throws Exception {
    event(InteractionType.OPENED, T0);
    advanceTo(T0.plusSeconds(100));
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(50));
    List<TicketFact> f = facts();
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE);
    assertThat(f.get(1).durationMs).isEqualTo(50_000);
  }

  // --- queue ---

  @Test
  void aContactAbandonedWhileQueuedCountsInTheCohortOfItsQueueEntry() throws Exception {
    Instant queued = T0.plusSeconds(5);
    Instant abandoned = T0.plusSeconds(50);
    event(InteractionType.OPENED, T0);
    event(InteractionType.QUEUED, queued);
    event(InteractionType.ABANDONED, abandoned);
    List<TicketFact> f = factsUpTo(abandoned);
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.QUEUED, Kind.QUEUE_ABANDONED, Kind.ABANDONED);
    assertThat(f.get(1).time).isEqualTo(queued.toEpochMilli());
    assertThat(f.get(2).time).as("dated by the queue entry").isEqualTo(queued.toEpochMilli());
    assertThat(f.get(2).durationMs).isEqualTo(45_000);
    assertThat(f.get(3).time).isEqualTo(abandoned.toEpochMilli());
  }

  @Test
  void aContactAnsweredWithinTheServiceLevelIsFlagged() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.QUEUED, T0.plusSeconds(10));
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(30));
    List<TicketFact> f = factsUpTo(T0.plusSeconds(30));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.QUEUED, Kind.QUEUE_ANSWERED, Kind.FIRST_RESPONSE);
    assertThat(f.get(2).durationMs).isEqualTo(20_000);
    assertThat(f.get(2).flag).as("20 s: at the phone threshold is within it").isTrue();
  }

  @Test
  void withQueueEntryFromEventsAPhoneCallThatNeverQueuedIsNotCounted() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.ABANDONED, T0.plusSeconds(20));
    assertThat(kinds(factsUpTo(T0.plusSeconds(20)))).containsExactly(Kind.OPENED, Kind.ABANDONED);
  }

  @Test
  void theChannelFallbackQueuesEveryPhoneContactAtOpenedAndIgnoresQueueEvents() throws Exception {
    useHarness(new QueuePolicy(QueuePolicy.Mode.CHANNEL, QueuePolicy.DEFAULT_SERVICE_LEVEL), 0);
    event(InteractionType.OPENED, T0);
    event(InteractionType.QUEUED, T0.plusSeconds(5));
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(25));
    List<TicketFact> f = factsUpTo(T0.plusSeconds(25));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.QUEUED, Kind.QUEUE_ANSWERED, Kind.FIRST_RESPONSE);
    assertThat(f.get(1).time).isEqualTo(T0.toEpochMilli());
    assertThat(f.get(2).durationMs).isEqualTo(25_000);
    assertThat(f.get(2).flag).isFalse();
  }

  // --- ends without resolution ---

  @Test
  void aClosedTicketIsNeitherResolvedNorAbandonedAndRaisesNoSlaAlert() throws Exception {
    event(InteractionType.OPENED, T0);
    closed(T0.plusSeconds(30), CloseReason.IVR_HANGUP);
    List<TicketFact> f = factsUpTo(T0.plusSeconds(30));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.CLOSED);
    assertThat(f.get(1).flag).as("not stale").isFalse();
    assertThat(f.get(1).closeReason).isEqualTo("IVR_HANGUP");
    advanceTo(T0.plus(Duration.ofDays(5)));
    assertThat(facts()).isEmpty();
    assertThat(harness.getSideOutput(TicketLifecycleFunction.SLA_ALERTS)).isNullOrEmpty();
    assertCleared();
  }

  @Test
  void aContactClosedWhileQueuedLeavesTheQueueWithoutAnswerOrAbandonment() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.QUEUED, T0.plusSeconds(10));
    closed(T0.plusSeconds(40), CloseReason.MERGED);
    List<TicketFact> f = factsUpTo(T0.plusSeconds(40));
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.QUEUED, Kind.QUEUE_ENDED, Kind.CLOSED);
    assertThat(f.get(2).time).isEqualTo(T0.plusSeconds(10).toEpochMilli());
  }

  @Test
  void aClosedAfterResolutionChangesNothing() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.RESOLVED, T0.plusSeconds(60));
    closed(T0.plusSeconds(120), CloseReason.OTHER);
    assertThat(kinds(factsUpTo(T0.plusSeconds(120)))).containsExactly(Kind.OPENED, Kind.RESOLVED, Kind.FCR_PROVISIONAL);
  }

  @Test
  void anOpenTicketIsClosedAsStaleAtTheMaximumAge() throws Exception {
    Duration maxAge = Duration.ofDays(2);
    useHarness(QueuePolicy.defaults(), maxAge.toMillis());
    event(InteractionType.OPENED, T0);
    advanceTo(T0.plus(maxAge).minusMillis(1));
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.SLA_BREACH_FIRST_RESPONSE);
    advanceTo(T0.plus(maxAge));
    List<TicketFact> f = facts();
    assertThat(kinds(f)).containsExactly(Kind.CLOSED);
    assertThat(f.get(0).flag).as("stale").isTrue();
    assertThat(f.get(0).time).isEqualTo(T0.plus(maxAge).toEpochMilli());
    advanceTo(T0.plus(maxAge).plus(Duration.ofDays(1)));
    assertThat(facts()).as("no resolution-SLA breach (72 h) after the stale close").isEmpty();
    assertCleared();
  }

  // --- provisional FCR ---

  @Test
  void theProvisionalFcrIsKnownAtTheFirstResolutionAndTheFinalOneAfterTheReopenWindow() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(300));
    List<TicketFact> f = factsUpTo(T0.plusSeconds(300));
    TicketFact provisional = f.stream().filter(x -> x.kind == Kind.FCR_PROVISIONAL).findFirst().orElseThrow();
    assertThat(provisional.time).as("dated by the resolution").isEqualTo(T0.plusSeconds(300).toEpochMilli());
    assertThat(provisional.flag).as("FCR so far").isTrue();
    event(InteractionType.REOPENED, T0.plus(Duration.ofDays(2)));
    event(InteractionType.RESOLVED, T0.plus(Duration.ofDays(3)));
    List<TicketFact> later = factsUpTo(T0.plus(Duration.ofDays(3)).plus(REOPEN));
    assertThat(kinds(later)).as("no second provisional outcome for a resolution again")
        .containsExactly(Kind.REOPENED, Kind.RESOLVED_AGAIN, Kind.FCR_FINAL);
    assertThat(later.get(2).flag).as("reopened: the final outcome is no FCR").isFalse();
  }

  @Test
  void aSelfServiceResolutionHasNoProvisionalFcr() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.RESOLVED, T0.plusSeconds(30), null, true);
    assertThat(kinds(factsUpTo(T0.plusSeconds(30)))).containsExactly(Kind.OPENED, Kind.RESOLVED);
  }

  // --- end of input is not the end of time ---

  @Test
  void aBoundedInputThatEndsWithOpenTicketsRaisesNoAlertForDeadlinesAfterItsLastEvent() throws Exception {
    // t1 opened at T0 (first-response SLA 4 h, resolution 72 h); the input's latest event, of
    // another ticket, is 5 h later: the first-response deadline has passed, the resolution one not
    event(InteractionType.OPENED, T0);
    Instant last = T0.plus(Duration.ofHours(5));
    harness.processElement(new StreamRecord<>(build("t2", InteractionType.OPENED, last, null, false, null), last.toEpochMilli()));
    advanceTo(T0.plus(Duration.ofHours(1)));
    facts();
    harness.processWatermark(Long.MAX_VALUE);
    List<TicketFact> f = facts();
    assertThat(kinds(f)).as("t1's first-response breach (4 h), then t2's OPENED (5 h); nothing after the latest event time")
        .containsExactly(Kind.SLA_BREACH_FIRST_RESPONSE, Kind.OPENED);
    List<SlaBreachAlert> alerts = harness.getSideOutput(TicketLifecycleFunction.SLA_ALERTS).stream()
        .map(r -> (SlaBreachAlert) r.getValue()).toList();
    assertThat(alerts).extracting(SlaBreachAlert::getAlertId).containsExactly("t1/FIRST_RESPONSE");
    assertThat(alerts).allSatisfy(a -> assertThat(a.getDueAt()).isBeforeOrEqualTo(last));
  }

  @Test
  void theEndOfABoundedInputDoesNotFinaliseFcr() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(300));
    advanceTo(T0.plusSeconds(300));
    facts();
    harness.processWatermark(Long.MAX_VALUE);
    assertThat(kinds(facts())).as("the reopen window has not passed by the last event").isEmpty();
  }
}
