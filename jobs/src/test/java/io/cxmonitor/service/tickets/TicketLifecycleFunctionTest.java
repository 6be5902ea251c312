package io.cxmonitor.service.tickets;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.service.TicketFact.Kind;
import io.cxmonitor.metrics.TicketState;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.schemas.SlaKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
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
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new TicketLifecycleFunction(SLA, REOPEN.toMillis(), ORPHAN.toMillis(), Duration.ofDays(1).toMillis())),
        e -> e.getTicketId(), Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void event(InteractionType type, Instant at) throws Exception {
    event(type, at, null, false);
  }

  private void event(InteractionType type, Instant at, String toTeam, boolean selfService) throws Exception {
    InteractionEvent e = InteractionEvent.newBuilder()
        .setEventId("e" + (++seq)).setTicketId("t1").setCustomerId("c1").setEventType(type).setEventTime(at)
        .setChannel(Channel.PHONE).setTeam("Voice").setRegion("north").setPriority(Priority.NORMAL)
        .setToTeam(toTeam).setSelfService(selfService).build();
    harness.processElement(new StreamRecord<>(e, at.toEpochMilli()));
  }

  private void advanceTo(Instant t) throws Exception {
    harness.processWatermark(t.toEpochMilli());
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
    List<TicketFact> f = facts();
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE, Kind.RESOLVED);
    assertThat(f.get(0).flag).as("phone is queued").isTrue();
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
    assertThat(facts()).isEmpty();
    event(InteractionType.OPENED, T0);
    List<TicketFact> f = facts();
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
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE);
    advanceTo(firstResponseDue);
    List<TicketFact> breach = facts();
    assertThat(kinds(breach)).containsExactly(Kind.SLA_BREACH_FIRST_RESPONSE);
    assertThat(breach.get(0).time).isEqualTo(firstResponseDue.toEpochMilli());
    assertThat(harness.getSideOutput(TicketLifecycleFunction.SLA_ALERTS)).extracting(r -> r.getValue().getKind())
        .containsExactly(SlaKind.FIRST_RESPONSE);
  }

  @Test
  void anInTimeReplyThatArrivesBeforeItsOpenedIsNoBreach() throws Exception {
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(30));
    event(InteractionType.OPENED, T0);
    facts();
    advanceTo(T0.plus(Duration.ofHours(5)));
    assertThat(facts()).isEmpty();
    assertThat(harness.getSideOutput(TicketLifecycleFunction.SLA_ALERTS)).isNullOrEmpty();
  }

  @Test
  void resolvedBeforeOpenIsResolvedWhenTheOpenArrives() throws Exception {
    event(InteractionType.RESOLVED, T0.plusSeconds(120));
    event(InteractionType.OPENED, T0);
    List<TicketFact> f = facts();
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.RESOLVED);
    assertThat(f.get(1).durationMs).isEqualTo(120_000);
  }

  @Test
  void aDuplicateResolvedCountsOnce() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.RESOLVED, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(300));
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.RESOLVED);
  }

  @Test
  void reopenAfterCloseIsNotFirstContactResolution() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.AGENT_REPLY, T0.plusSeconds(60));
    event(InteractionType.RESOLVED, T0.plusSeconds(120));
    advanceTo(T0.plus(Duration.ofDays(2)));
    event(InteractionType.REOPENED, T0.plus(Duration.ofDays(2)).plusSeconds(1));
    event(InteractionType.RESOLVED, T0.plus(Duration.ofDays(3)));
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE, Kind.RESOLVED, Kind.REOPENED, Kind.RESOLVED_AGAIN);
    advanceTo(T0.plus(Duration.ofDays(3)).plus(REOPEN));
    List<TicketFact> fin = facts();
    assertThat(kinds(fin)).containsExactly(Kind.FCR_FINAL);
    assertThat(fin.get(0).flag).isFalse();
    assertCleared();
  }

  @Test
  void aTicketWithNoEventForDaysBreachesBothSlasWhileOpenAndRaisesAlerts() throws Exception {
    event(InteractionType.OPENED, T0);
    facts();
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
    assertThat(kinds(facts())).containsExactly(Kind.RESOLVED, Kind.FCR_FINAL);
    assertCleared();
  }

  @Test
  void aResolutionAfterTheDeadlineThatArrivesBeforeTheWatermarkStillBreaches() throws Exception {
    event(InteractionType.OPENED, T0);
    advanceTo(T0.plus(Duration.ofHours(4)).minusSeconds(30));
    event(InteractionType.RESOLVED, T0.plus(Duration.ofHours(4)).plusSeconds(10));
    advanceTo(T0.plus(Duration.ofHours(5)));
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.RESOLVED, Kind.SLA_BREACH_FIRST_RESPONSE);
  }

  @Test
  void aResolutionJustBeforeTheDeadlineMeansNoBreach() throws Exception {
    event(InteractionType.OPENED, T0);
    event(InteractionType.RESOLVED, T0.plus(Duration.ofHours(4)).minusSeconds(1));
    advanceTo(T0.plus(Duration.ofDays(4)));
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.RESOLVED);
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
    List<TicketFact> f = facts();
    assertThat(kinds(f)).containsExactly(Kind.OPENED, Kind.FIRST_RESPONSE, Kind.MOVED_OUT, Kind.MOVED_IN, Kind.RESOLVED);
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
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.ABANDONED);
    advanceTo(T0.plus(Duration.ofDays(1)).plusSeconds(45));
    assertThat(facts()).isEmpty();
    assertCleared();
  }

  @Test
  void abandonedBeforeOpenClosesTheTicketWhenTheOpenArrives() throws Exception {
    event(InteractionType.ABANDONED, T0.plusSeconds(20));
    event(InteractionType.OPENED, T0);
    assertThat(kinds(facts())).containsExactly(Kind.OPENED, Kind.ABANDONED);
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
    List<TicketFact> f = facts();
    assertThat(f.get(1).flag).isTrue();
    advanceTo(T0.plus(REOPEN).plusSeconds(5));
    assertThat(facts()).isEmpty();
    assertCleared();
  }

  @Test
  void eventsOfATicketThatNeverOpensAreForgotten() throws Exception {
    event(InteractionType.AGENT_REPLY, T0);
    advanceTo(T0.plus(ORPHAN));
    assertThat(facts()).isEmpty();
    assertCleared();
  }

  @Test
  void oneOpenTicketCostsAFewHundredBytesOfState() throws Exception {
    TicketState s = new TicketState();
    s.customerId = "cust-000123";
    s.channel = "zalo_oa";
    s.team = "digital-care";
    s.region = "central";
    s.priority = "normal";
    s.openedAt = T0.toEpochMilli();
    TypeSerializer<TicketState> serializer = TypeInformation.of(TicketState.class).createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(s, out);
    System.out.printf("one open ticket: %d bytes serialised state (+ key and timers)%n", out.length());
    assertThat(out.length()).isBetween(60, 300);
  }
}
