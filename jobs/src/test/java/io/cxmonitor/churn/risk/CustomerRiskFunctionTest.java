package io.cxmonitor.churn.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import io.cxmonitor.churn.CustomerFact;
import io.cxmonitor.churn.CustomerFact.Kind;
import io.cxmonitor.metrics.CustomerSignal;
import io.cxmonitor.metrics.CustomerState;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.schemas.AtRiskEvent;
import io.cxmonitor.schemas.RiskReason;
import io.cxmonitor.schemas.RiskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CustomerRiskFunctionTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration HALF_LIFE = Duration.ofDays(14);
  private static final Duration TTL = Duration.ofDays(30);
  private static final RiskPolicy POLICY = new RiskPolicy(RiskPolicy.DEFAULT_WEIGHTS, HALF_LIFE, 4.0, 2.0);

  private KeyedOneInputStreamOperatorTestHarness<String, CustomerSignal, CustomerFact> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
        new CustomerRiskFunction(POLICY, SlaPolicy.defaults(), Duration.ofDays(7).toMillis(), TTL.toMillis())),
        s -> s.customerId, Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void send(CustomerSignal s) throws Exception {
    s.customerId = "c1";
    harness.processElement(new StreamRecord<>(s, s.time));
  }

  private static CustomerSignal survey(Instant at, Integer nps, Integer csat) {
    CustomerSignal s = new CustomerSignal();
    s.kind = CustomerSignal.Kind.SURVEY;
    s.time = at.toEpochMilli();
    s.nps = nps;
    s.csat = csat;
    s.region = "North";
    return s;
  }

  private static CustomerSignal lifecycle(CustomerSignal.Kind kind, Instant at, String plan, long mrr) {
    CustomerSignal s = new CustomerSignal();
    s.kind = kind;
    s.time = at.toEpochMilli();
    s.plan = plan;
    s.mrr = mrr;
    s.region = "North";
    s.product = "Mobile";
    return s;
  }

  private void advanceTo(Instant t) throws Exception {
    harness.processWatermark(t.toEpochMilli());
  }

  /** The facts so far except cohort corrections (tested on their own). */
  private List<Kind> facts() {
    List<Kind> out = harness.extractOutputValues().stream().map(f -> f.kind).filter(k -> k != Kind.COHORT).toList();
    harness.getOutput().clear();
    return out;
  }

  private List<AtRiskEvent> events() {
    var q = harness.getSideOutput(CustomerRiskFunction.AT_RISK_EVENTS);
    return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void twoDetractorsPutASubscriberAtRiskWithTheirMrrAndReasons() throws Exception {
    send(lifecycle(CustomerSignal.Kind.SUBSCRIBED, T0.minus(Duration.ofDays(100)), "Premium", 39_900));
    send(survey(T0, 3, 4));
    send(survey(T0.plusSeconds(60), 5, 1));
    advanceTo(T0.plusSeconds(60));
    assertThat(facts()).containsExactly(Kind.SUBSCRIBED, Kind.AT_RISK);
    AtRiskEvent e = events().get(0);
    assertThat(e.getState()).isEqualTo(RiskState.AT_RISK);
    assertThat(e.getMrrMinor()).isEqualTo(39_900);
    assertThat(e.getPlan()).isEqualTo("premium");
    // 2 (detractor) decayed over one minute + 2 (detractor) + 1.5 (CSAT 1)
    double decayedFirst = 2 * Math.pow(0.5, 60_000.0 / HALF_LIFE.toMillis());
    assertThat(e.getScore()).isCloseTo(decayedFirst + 2 + 1.5, within(1e-9));
    assertThat(e.getReasons()).extracting(RiskReason::getSignal).containsExactly("detractor", "low_csat");
    assertThat(e.getReasons().get(0).getCount()).isEqualTo(2);
  }

  @Test
  void theScoreDecaysWithTheHalfLifeAndTheCustomerRecoversBelowTheExitThreshold() throws Exception {
    send(survey(T0, 0, null));
    send(survey(T0, 6, null));
    advanceTo(T0);
    assertThat(facts()).containsExactly(Kind.AT_RISK);
    // 4 points halve to the exit threshold 2 after exactly one half-life
    advanceTo(T0.plus(HALF_LIFE).minusMillis(1));
    assertThat(facts()).isEmpty();
    advanceTo(T0.plus(HALF_LIFE));
    assertThat(facts()).containsExactly(Kind.RECOVERED);
    AtRiskEvent recovered = events().get(1);
    assertThat(recovered.getState()).isEqualTo(RiskState.RECOVERED);
    assertThat(recovered.getScore()).isCloseTo(2.0, within(1e-6));
  }

  @Test
  void hysteresisKeepsTheCustomerAtRiskBetweenTheThresholdsWithoutFlapping() throws Exception {
    send(survey(T0, 0, null));
    send(survey(T0, 0, null));
    advanceTo(T0);
    facts();
    // a week later the score is 2.83: below enter (4), above exit (2): still at risk
    Instant week = T0.plus(Duration.ofDays(7));
    send(survey(week, null, 2)); // +1.5 → 4.33: no second AT_RISK event
    advanceTo(week);
    assertThat(facts()).isEmpty();
    assertThat(events()).hasSize(1);
    // 4.33 decays to 2 after log2(4.33/2) half-lives ≈ 15.6 days after the week mark
    double score = 4 * Math.pow(0.5, 0.5) + 1.5;
    long exitAfter = (long) Math.ceil(HALF_LIFE.toMillis() * Math.log(score / 2) / Math.log(2));
    advanceTo(week.plusMillis(exitAfter - 1));
    assertThat(facts()).isEmpty();
    advanceTo(week.plusMillis(exitAfter));
    assertThat(facts()).containsExactly(Kind.RECOVERED);
  }

  @Test
  void cancellingWhileAtRiskCountsAsChurnedAtRisk() throws Exception {
    send(lifecycle(CustomerSignal.Kind.SUBSCRIBED, T0, "basic", 9_900));
    send(lifecycle(CustomerSignal.Kind.DOWNGRADED, T0.plusSeconds(1), "basic", 4_900));
    send(survey(T0.plusSeconds(2), 4, 1)); // 2 (downgrade, decayed a little) + 2 + 1.5
    send(lifecycle(CustomerSignal.Kind.CANCELLED, T0.plusSeconds(3), "basic", 0));
    advanceTo(T0.plus(Duration.ofDays(60)));
    assertThat(facts()).containsExactly(Kind.SUBSCRIBED, Kind.GROUP_OUT, Kind.GROUP_IN, Kind.CONTRACTION,
        Kind.AT_RISK, Kind.CANCELLED, Kind.CHURNED_AT_RISK);
    assertThat(events()).extracting(AtRiskEvent::getState).containsExactly(RiskState.AT_RISK, RiskState.CHURNED);
    assertThat(events().get(1).getMrrMinor()).isEqualTo(4_900);
    assertThat(harness.numKeyedStateEntries()).as("cancelled and quiet for the TTL: forgotten").isZero();
  }

  @Test
  void aQuietNonSubscriberIsForgottenAfterTheTtl() throws Exception {
    send(survey(T0, 8, 3));
    advanceTo(T0.plus(TTL).minusMillis(1));
    assertThat(harness.numKeyedStateEntries()).isPositive();
    advanceTo(T0.plus(TTL));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aSubscriberIsKeptAfterTheTtl() throws Exception {
    send(lifecycle(CustomerSignal.Kind.SUBSCRIBED, T0, "basic", 9_900));
    advanceTo(T0.plus(TTL).plus(Duration.ofDays(1)));
    assertThat(harness.numKeyedStateEntries()).isPositive();
    send(lifecycle(CustomerSignal.Kind.CANCELLED, T0.plus(TTL).plus(Duration.ofDays(2)), "basic", 0));
    advanceTo(T0.plus(TTL).plus(Duration.ofDays(2)));
    assertThat(facts()).containsExactly(Kind.SUBSCRIBED, Kind.CANCELLED);
  }

  @Test
  void signalsAreHandledInEventTimeOrderWhateverTheArrivalOrder() throws Exception {
    send(lifecycle(CustomerSignal.Kind.CANCELLED, T0.plusSeconds(10), "basic", 0));
    send(lifecycle(CustomerSignal.Kind.SUBSCRIBED, T0, "basic", 9_900));
    advanceTo(T0.plusSeconds(10));
    assertThat(facts()).containsExactly(Kind.SUBSCRIBED, Kind.CANCELLED);
  }

  private static CustomerSignal opened(String ticket, Instant at) {
    CustomerSignal s = new CustomerSignal();
    s.kind = CustomerSignal.Kind.OPENED;
    s.time = at.toEpochMilli();
    s.ticketId = ticket;
    s.priority = 1;
    return s;
  }

  @Test
  void repeatContactsRaiseTheScoreButAReplayedOpenedDoesNot() throws Exception {
    send(opened("t1", T0));
    send(opened("t1", T0.plusSeconds(5))); // the same ticket again (replay)
    send(opened("t2", T0.plusSeconds(60)));
    send(opened("t3", T0.plusSeconds(120)));
    send(opened("t4", T0.plusSeconds(180)));
    send(opened("t5", T0.plusSeconds(240)));
    send(opened("t6", T0.plusSeconds(300)));
    advanceTo(T0.plusSeconds(240));
    // four repeats: 4 points minus a little decay, just below the threshold — the replay added none
    assertThat(facts()).isEmpty();
    advanceTo(T0.plusSeconds(300));
    assertThat(facts()).as("the fifth repeat crosses 4").containsExactly(Kind.AT_RISK);
    assertThat(events().get(0).getReasons().get(0).getSignal()).isEqualTo("repeat_contact");
    assertThat(events().get(0).getReasons().get(0).getCount()).isEqualTo(5);
  }

  private static CustomerSignal ticketEvent(CustomerSignal.Kind kind, String ticket, Instant at) {
    CustomerSignal s = opened(ticket, at);
    s.kind = kind;
    return s;
  }

  /** NPS 0 and CSAT 1: 3.5 points, so one SLA signal more (0.75 or 1) puts the customer at risk. */
  private void almostAtRisk(Instant at) throws Exception {
    send(survey(at, 0, 1));
  }

  private List<String> reasonsAtRisk() {
    List<AtRiskEvent> e = events();
    assertThat(e).extracting(AtRiskEvent::getState).containsExactly(RiskState.AT_RISK);
    return e.get(0).getReasons().stream().map(r -> r.getSignal() + "×" + r.getCount()).toList();
  }

  @Test
  void aLateFirstReplyAddsSlaPointsOnceEvenWhenTheResolutionFollows() throws Exception {
    Instant lateReply = T0.plus(Duration.ofHours(5)); // NORMAL: first response due after 4 h
    almostAtRisk(T0);
    send(opened("t1", T0));
    send(ticketEvent(CustomerSignal.Kind.AGENT_REPLY, "t1", lateReply));
    send(ticketEvent(CustomerSignal.Kind.RESOLVED, "t1", lateReply.plus(Duration.ofHours(1))));
    advanceTo(lateReply.plus(Duration.ofHours(1)));
    assertThat(reasonsAtRisk()).containsExactly("detractor×1", "low_csat×1", "sla_breach×1");
  }

  @Test
  void aTicketClosedWithoutAReplyAtTheFirstResponseDeadlineAddsNoSlaPoints() throws Exception {
    Instant firstResponseDue = T0.plus(Duration.ofHours(4));
    almostAtRisk(T0);
    send(opened("t1", T0));
    send(ticketEvent(CustomerSignal.Kind.ABANDONED, "t1", firstResponseDue));
    advanceTo(T0.plus(Duration.ofHours(5)));
    assertThat(facts()).isEmpty();
    assertThat(events()).isEmpty();
  }

  /**
   * Behaviour change with SlaRule: a ticket resolved 5 h after it opened without any agent reply
   * (SLA 4 h) used to add no first-response points, because only a reply was checked. At the
   * deadline it was open and unanswered, which the service job has always counted as a
   * first-response breach; now the risk score counts the same breach.
   */
  @Test
  void aTicketResolvedUnansweredPastTheFirstResponseDeadlineIsAnSlaBreach() throws Exception {
    Instant resolvedWithoutReply = T0.plus(Duration.ofHours(5));
    almostAtRisk(T0);
    send(opened("t1", T0));
    send(ticketEvent(CustomerSignal.Kind.RESOLVED, "t1", resolvedWithoutReply));
    advanceTo(resolvedWithoutReply);
    assertThat(facts()).containsExactly(Kind.AT_RISK);
    assertThat(reasonsAtRisk()).containsExactly("detractor×1", "low_csat×1", "sla_breach×1");
  }

  /**
   * Behaviour change with SlaRule: an abandonment only removed the ticket. A customer who gave up
   * after waiting past the first-response deadline unanswered breached it (the service job's
   * breach count and alert say so); now it adds the same risk points.
   */
  @Test
  void aTicketAbandonedUnansweredPastTheFirstResponseDeadlineIsAnSlaBreach() throws Exception {
    Instant gaveUp = T0.plus(Duration.ofHours(5));
    almostAtRisk(T0);
    send(opened("t1", T0));
    send(ticketEvent(CustomerSignal.Kind.ABANDONED, "t1", gaveUp));
    advanceTo(gaveUp);
    assertThat(reasonsAtRisk()).containsExactly("detractor×1", "low_csat×1", "sla_breach×1");
  }

  /** Behaviour change with SlaRule: still open at the resolution deadline is a breach however the ticket ends. */
  @Test
  void aTicketAbandonedPastTheResolutionDeadlineIsALongResolution() throws Exception {
    Instant repliedInTime = T0.plus(Duration.ofHours(1));
    Instant resolutionDue = T0.plus(Duration.ofHours(72));
    Instant gaveUp = resolutionDue.plus(Duration.ofHours(1));
    send(opened("t1", T0));
    send(ticketEvent(CustomerSignal.Kind.AGENT_REPLY, "t1", repliedInTime));
    almostAtRisk(gaveUp);
    send(ticketEvent(CustomerSignal.Kind.ABANDONED, "t1", gaveUp));
    advanceTo(gaveUp);
    assertThat(reasonsAtRisk()).containsExactly("detractor×1", "low_csat×1", "long_resolution×1");
  }

  /** Every customer's gauge entries so far, folded per region and per product the way the pre-aggregation counts them. */
  private final List<CustomerFact> allFacts = new java.util.ArrayList<>();

  private java.util.Map<String, List<Long>> gaugesBy(boolean region) {
    allFacts.addAll(harness.extractOutputValues());
    harness.getOutput().clear();
    java.util.Map<String, io.cxmonitor.metrics.ChurnCounts> by = new java.util.TreeMap<>();
    for (CustomerFact f : allFacts) {
      io.cxmonitor.churn.ChurnFacts.count(by.computeIfAbsent(region ? f.region : f.product, k -> new io.cxmonitor.metrics.ChurnCounts()), f);
    }
    java.util.Map<String, List<Long>> out = new java.util.TreeMap<>();
    by.forEach((k, c) -> {
      if (c.activeDelta != 0 || c.mrrDelta != 0 || c.atRiskDelta != 0 || c.revenueAtRiskDelta != 0) {
        out.put(k, List.of(c.activeDelta, c.mrrDelta, c.atRiskDelta, c.revenueAtRiskDelta));
      }
    });
    return out;
  }

  private void sendAs(String customer, CustomerSignal s) throws Exception {
    s.customerId = customer;
    harness.processElement(new StreamRecord<>(s, s.time));
  }

  private static CustomerSignal at(CustomerSignal s, String region, String product) {
    s.region = region;
    s.product = product;
    return s;
  }

  /**
   * Behaviour change: any signal used to overwrite the customer's region and product, so a
   * subscriber who answered a survey tagged with another region was added to one region and
   * removed from the other, which went negative. Now billing owns the subscription's group, other
   * signals only fill in an unknown value, and every change moves the entries explicitly. The
   * expected gauges are counted by hand from the story below.
   */
  @Test
  void regionAndProductChangesMoveTheGaugesAndNoGroupGoesNegative() throws Exception {
    Instant subscribed = T0;
    Instant surveyedElsewhere = T0.plusSeconds(60);
    Instant filledIn = T0.plusSeconds(120);
    Instant moved = T0.plusSeconds(180);
    Instant aCancels = T0.plusSeconds(240);
    Instant bCancels = T0.plusSeconds(300);
    sendAs("cA", at(lifecycle(CustomerSignal.Kind.SUBSCRIBED, subscribed, "pro", 5_000), "North", "Mobile"));
    sendAs("cB", at(lifecycle(CustomerSignal.Kind.SUBSCRIBED, subscribed, "basic", 2_000), null, null));
    advanceTo(subscribed);
    assertThat(gaugesBy(true)).containsOnly(entry("north", List.of(1L, 5_000L, 0L, 0L)), entry("unknown", List.of(1L, 2_000L, 0L, 0L)));

    // cA answers two surveys tagged South/Fiber (5.5 points: at risk); cA stays in North/Mobile
    sendAs("cA", at(survey(surveyedElsewhere, 0, 1), "South", "Fiber"));
    sendAs("cA", at(survey(surveyedElsewhere, 5, null), "South", "Fiber"));
    advanceTo(surveyedElsewhere);
    assertThat(gaugesBy(true)).containsOnly(entry("north", List.of(1L, 5_000L, 1L, 5_000L)), entry("unknown", List.of(1L, 2_000L, 0L, 0L)));
    assertThat(gaugesBy(false)).containsOnly(entry("mobile", List.of(1L, 5_000L, 1L, 5_000L)), entry("unknown", List.of(1L, 2_000L, 0L, 0L)));

    // a contact of cB's tells us where cB is: moved out of unknown
    sendAs("cB", at(opened("t-b", filledIn), "East", "Fiber"));
    advanceTo(filledIn);
    assertThat(gaugesBy(true)).containsOnly(entry("north", List.of(1L, 5_000L, 1L, 5_000L)), entry("east", List.of(1L, 2_000L, 0L, 0L)));
    assertThat(gaugesBy(false)).containsOnly(entry("mobile", List.of(1L, 5_000L, 1L, 5_000L)), entry("fiber", List.of(1L, 2_000L, 0L, 0L)));

    // billing moves cA to West: the active and the at-risk entries move with them
    sendAs("cA", at(lifecycle(CustomerSignal.Kind.RENEWED, moved, "pro", 5_000), "West", "Mobile"));
    advanceTo(moved);
    assertThat(gaugesBy(true)).containsOnly(entry("west", List.of(1L, 5_000L, 1L, 5_000L)), entry("east", List.of(1L, 2_000L, 0L, 0L)));

    sendAs("cA", at(lifecycle(CustomerSignal.Kind.CANCELLED, aCancels, "pro", 0), "West", "Mobile"));
    sendAs("cB", at(lifecycle(CustomerSignal.Kind.CANCELLED, bCancels, "basic", 0), null, null));
    advanceTo(aCancels);
    assertThat(gaugesBy(true)).containsOnly(entry("east", List.of(1L, 2_000L, 0L, 0L)));
    advanceTo(bCancels);
    assertThat(gaugesBy(true)).as("everyone left: nothing remains, nothing negative").isEmpty();
    assertThat(gaugesBy(false)).isEmpty();
  }

  @Test
  void aSnapshotBootstrapsTheActiveBaseOnceWithoutCountingNewSubscriptions() throws Exception {
    Instant snapshot = T0.minus(Duration.ofMinutes(1));
    Instant importedAgain = T0;
    Instant cancelled = T0.plus(Duration.ofMinutes(30));
    sendAs("cA", at(lifecycle(CustomerSignal.Kind.ACTIVE, snapshot, "pro", 5_000), "North", "Mobile"));
    sendAs("cB", at(lifecycle(CustomerSignal.Kind.ACTIVE, snapshot, "basic", 2_000), "North", "Fiber"));
    sendAs("cA", at(lifecycle(CustomerSignal.Kind.ACTIVE, importedAgain, "pro", 5_000), "North", "Mobile"));
    sendAs("cB", at(lifecycle(CustomerSignal.Kind.ACTIVE, importedAgain, "basic", 2_000), "North", "Fiber"));
    advanceTo(importedAgain);
    List<Kind> kinds = harness.extractOutputValues().stream().map(f -> f.kind).toList();
    assertThat(kinds).as("joins the base, not a new subscription").containsExactly(Kind.GROUP_IN, Kind.GROUP_IN);
    assertThat(gaugesBy(true)).containsOnly(entry("north", List.of(2L, 7_000L, 0L, 0L)));

    sendAs("cA", at(lifecycle(CustomerSignal.Kind.CANCELLED, cancelled, "pro", 0), "North", "Mobile"));
    advanceTo(cancelled);
    assertThat(gaugesBy(true)).containsOnly(entry("north", List.of(1L, 2_000L, 0L, 0L)));
  }

  @Test
  void oneCustomerCostsAFewHundredBytesOfState() throws Exception {
    CustomerState s = CustomerRiskFunction.newCustomer();
    s.active = true;
    s.plan = "standard";
    s.mrr = 19_900;
    s.region = "central";
    s.product = "broadband";
    s.lastContactTicket = "tk-2a-123456";
    // a subscription unchanged for the last day keeps one version for the churn cohorts
    s.versionFrom = new long[] {T0.toEpochMilli()};
    s.versionMrr = new long[] {19_900};
    s.versionGroup = new String[] {String.join(CustomerState.GROUP_SEPARATOR, "central", "broadband", "standard")};
    DataOutputSerializer out = new DataOutputSerializer(512);
    TypeInformation.of(CustomerState.class).createSerializer(new SerializerConfigImpl()).serialize(s, out);
    System.out.printf("one customer: %d bytes serialised state%n", out.length());
    assertThat(out.length()).isBetween(100, 400);
  }
}
