package io.cxmonitor.churn;

import static io.cxmonitor.churn.ChurnInfluxNames.*;
import static io.cxmonitor.platform.influx.InfluxSchema.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import io.cxmonitor.churn.risk.RiskPolicy;
import io.cxmonitor.inputs.TestInputs;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.testing.CollectingSink;
import io.cxmonitor.platform.testing.DecodedRecords;
import io.cxmonitor.platform.testing.InMemorySource;
import io.cxmonitor.platform.testing.KpiPoints;
import io.cxmonitor.platform.testing.WorkflowTestCluster;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.schemas.AtRiskEvent;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.FollowUpAction;
import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.FollowUpStatus;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.LifecycleType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.RiskReason;
import io.cxmonitor.schemas.RiskState;
import io.cxmonitor.schemas.SurveyResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The churn workflow as the job builds it, on a MiniCluster, fed by four in-memory sources instead
 * of Kafka and writing into collecting sinks: subscriptions, surveys, interactions and follow-ups
 * done in; churn windows, customer gauges, at-risk events, follow-up actions, dead letters and
 * pipeline counters out.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChurnWorkflowTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = WorkflowTestCluster.extension();

  private static final String JOB = "churn";
  /** An hour's half-life, so an at-risk customer recovers within the test's day. */
  private static final Duration HALF_LIFE = Duration.ofHours(1);
  private static final RiskPolicy RISK = new RiskPolicy(RiskPolicy.DEFAULT_WEIGHTS, HALF_LIFE, 4.0, 2.0);
  private static final Duration DETRACTOR_DUE = Duration.ofHours(2);
  private static final Duration LOW_CSAT_DUE = Duration.ofHours(1);
  // Idleness is processing time: far beyond the test's run time, so it never changes a result.
  private static final ChurnWorkflow.Settings SETTINGS = new ChurnWorkflow.Settings(JOB, Duration.ofSeconds(30),
      Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(1), RISK, SlaPolicy.defaults(), Duration.ofDays(7),
      Duration.ofDays(30), DETRACTOR_DUE, LOW_CSAT_DUE);

  private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

  private final CollectingSink<KpiPoint> kpis = CollectingSink.create();
  private final CollectingSink<AtRiskEvent> atRisk = CollectingSink.create();
  private final CollectingSink<FollowUpAction> followUps = CollectingSink.create();
  private final CollectingSink<DeadLetter> deadLetters = CollectingSink.create();

  @AfterEach
  void closeSinks() {
    kpis.close();
    atRisk.close();
    followUps.close();
    deadLetters.close();
  }

  @Test
  void customerEventsBecomeChurnKpisRiskEventsAndFollowUps() throws Exception {
    DecodedRecords<CustomerLifecycleEvent> lifecycle = TestInputs.lifecycle("lifecycle");
    DecodedRecords<SurveyResponse> surveys = TestInputs.surveys("surveys");
    DecodedRecords<InteractionEvent> interactions = TestInputs.interactions("interactions");
    DecodedRecords<FollowUpDone> done = TestInputs.followUpsDone("follow-ups-done");

    CustomerLifecycleEvent negativeMrr = lifecycle("l-bad", "cE", LifecycleType.SUBSCRIBED, at(0, 50), "Pro", -5, "North", "Fiber");
    Decoded<CustomerLifecycleEvent> invalid = lifecycle.invalid(negativeMrr);
    InMemorySource.Builder<Decoded<CustomerLifecycleEvent>> lifecycleSource = InMemorySource.of(lifecycle.type()).add(
        lifecycle.good(lifecycle("l1", "cA", LifecycleType.SUBSCRIBED, at(0, 10), "Pro", 5000, "North", "Fiber")),
        lifecycle.good(lifecycle("l2", "cB", LifecycleType.SUBSCRIBED, at(0, 20), "Basic", 2000, "South", "Fiber")),
        lifecycle.good(lifecycle("l3", "cC", LifecycleType.SUBSCRIBED, at(0, 40), "Pro", 3000, "North", "Mobile")),
        invalid,
        lifecycle.good(lifecycle("l4", "cB", LifecycleType.CANCELLED, at(3, 0), "Basic", 0, "South", "Fiber")),
        lifecycle.good(lifecycle("l5", "cC", LifecycleType.UPGRADED, at(4, 0), "Max", 4500, "North", "Mobile")),
        // 08:10:30 moves the lifecycle watermark to 08:10
        lifecycle.good(lifecycle("l6", "cA", LifecycleType.RENEWED, at(10, 30), "Pro", 5000, "North", "Fiber")));
    // cD's subscription at 08:01:30 arrives once the minutes up to 08:10 are closed for the facts'
    // pre-aggregation, which merges all four inputs (without the wait this would depend on timing): late.
    Instant minute9End = at(10, 0);
    lifecycleSource.thenWaitFor(kpis.gateWhen("customer gauges of the minute ending 08:10 written",
        p -> p.measurement().equals(MEASUREMENT_CUSTOMERS) && p.timeMillis() >= minute9End.toEpochMilli(), Duration.ofSeconds(60)));
    lifecycleSource.add(lifecycle.good(lifecycle("l7", "cD", LifecycleType.SUBSCRIBED, at(1, 30), "Basic", 1000, "North", "Fiber")));

    // cA: a detractor who is also dissatisfied and had to work hard: 2 + 1.5 + 1 = 4.5 risk points.
    SurveyResponse r1 = survey("r1", "cA", at(2, 0), 2, 1, 7, "North", "Fiber");
    // cC: satisfied enough to recommend (8) but CSAT 2: a follow-up, 1.5 risk points.
    SurveyResponse r2 = survey("r2", "cC", at(6, 0), 8, 2, 3, "North", "Mobile");
    byte[] notAvro = "garbage".getBytes(StandardCharsets.UTF_8);
    Decoded<InteractionEvent> undecodable = interactions.undecodable(notAvro, at(5, 0));
    ChurnWorkflow.Sources sources = new ChurnWorkflow.Sources(
        lifecycleSource.build(),
        InMemorySource.of(surveys.type()).add(surveys.good(r1), surveys.good(r2)).build(),
        InMemorySource.of(interactions.type()).add(undecodable, interactions.good(opened("cC", at(8, 0)))).build(),
        // the last follow-up event, at 09:20, takes the input past r2's due time (09:06): the end of a
        // bounded input is not the end of time, so without it r2 would not be overdue
        InMemorySource.of(done.type()).add(done.good(FollowUpDone.newBuilder().setActionId("fu-r1").setDoneAt(at(3, 30)).build()),
            done.good(FollowUpDone.newBuilder().setActionId("fu-elsewhere").setDoneAt(at(80, 0)).build()))
            .build());

    StreamExecutionEnvironment env = WorkflowTestCluster.environment();
    ChurnWorkflow.defineWorkflow(env, sources, kpis, atRisk, followUps, deadLetters, SETTINGS);
    env.execute("churn workflow test");

    // cA's score decays from 4.5 at 08:02 to the exit threshold 2 after log2(4.5 / 2) half-lives.
    Instant recovered = at(2, 0).plusNanos((long) (HALF_LIFE.toNanos() * Math.log(4.5 / 2) / Math.log(2)));
    assertThat(recovered).isBetween(at(72, 0), at(73, 0));

    KpiPoints points = new KpiPoints(kpis.records());
    // Gauge changes by minute; cD's late subscription counts from the first minute still open when it arrived (08:10).
    record Change(int minute, long active, long mrr, long atRisk, long revenueAtRisk) {}
    List<Change> changes = List.of(
        new Change(0, 1, 5000, 0, 0), new Change(0, 1, 2000, 0, 0), new Change(0, 1, 3000, 0, 0), // cA, cB, cC subscribe
        new Change(2, 0, 0, 1, 5000),          // cA at risk
        new Change(3, -1, -2000, 0, 0),        // cB cancels
        new Change(4, 0, 4500 - 3000, 0, 0),   // cC upgrades
        new Change(10, 1, 1000, 0, 0),         // cD (late)
        new Change(72, 0, 0, -1, -5000));      // cA recovers
    var gauges = points.series(MEASUREMENT_CUSTOMERS, tags(null));
    for (int minute = 0; minute <= 75; minute++) {
      long active = 0;
      long mrr = 0;
      long risky = 0;
      long revenueAtRisk = 0;
      for (Change c : changes) {
        if (c.minute() <= minute) {
          active += c.active();
          mrr += c.mrr();
          risky += c.atRisk();
          revenueAtRisk += c.revenueAtRisk();
        }
      }
      Instant end = at(minute + 1, 0);
      assertThat(gauges.get(end)).as("customer gauges at %s", end).containsOnly(
          entry(FIELD_ACTIVE, active), entry(FIELD_MRR, mrr), entry(FIELD_AT_RISK, risky), entry(FIELD_REVENUE_AT_RISK, revenueAtRisk));
    }
    assertThat(points.fields(MEASUREMENT_CUSTOMERS, tags(null, TAG_PLAN, "pro"), at(5, 0)))
        .contains(entry(FIELD_ACTIVE, 1L), entry(FIELD_MRR, 5000L), entry(FIELD_AT_RISK, 1L), entry(FIELD_REVENUE_AT_RISK, 5000L));
    assertThat(points.fields(MEASUREMENT_CUSTOMERS, tags(null, TAG_PLAN, "max"), at(5, 0)))
        .contains(entry(FIELD_ACTIVE, 1L), entry(FIELD_MRR, 4500L));

    // cB's cancellation in minute 08:03: one of the three active at the minute's start, 2000 of 10000 MRR.
    Map<String, Object> minute3 = points.fields(MEASUREMENT_CHURN, tags(WINDOW_1M), at(4, 0));
    assertThat(minute3).contains(entry(FIELD_CANCELLATIONS, 1L), entry(n(RATE_CHURN), 3L), entry(FIELD_MRR_CHURNED, 2000L),
        entry(FIELD_MRR_START, 10000L));
    assertThat((Double) minute3.get(pct(RATE_CHURN))).isCloseTo(100.0 / 3, within(1e-9));
    assertThat((Double) minute3.get(FIELD_REVENUE_CHURN_PCT)).isCloseTo(100.0 * 2000 / 10000, within(1e-9));
    Map<String, Object> south = points.fields(MEASUREMENT_CHURN, tags(WINDOW_1M, TAG_REGION, "south"), at(4, 0));
    assertThat(south).contains(entry(FIELD_CANCELLATIONS, 1L), entry(n(RATE_CHURN), 1L));
    assertThat((Double) south.get(pct(RATE_CHURN))).isCloseTo(100.0, within(1e-9));

    // The hour to 08:11: three subscriptions (not cD's, which was late), MRR movement, two
    // follow-ups created and r1's done on time.
    Map<String, Object> hour = points.fields(MEASUREMENT_CHURN, tags(WINDOW_1H), at(11, 0));
    assertThat(hour).contains(entry(FIELD_SUBSCRIPTIONS, 3L), entry(FIELD_CANCELLATIONS, 1L), entry(FIELD_RENEWALS, 1L),
        entry(FIELD_MRR_NEW, 10000L), entry(FIELD_MRR_EXPANSION, 1500L), entry(FIELD_MRR_CHURNED, 2000L),
        entry(FIELD_MRR_NET, 10000L + 1500 - 2000), entry(FIELD_AT_RISK_ENTERED, 1L), entry(FIELD_FOLLOW_UPS_CREATED, 2L),
        entry(FIELD_FOLLOW_UPS_OVERDUE, 0L), entry(n(RATE_FOLLOW_UP_ON_TIME), 1L));
    assertThat((Double) hour.get(pct(RATE_FOLLOW_UP_ON_TIME))).isCloseTo(100.0, within(1e-9));
    // cB cancelled in that hour, but the hour began at 07:11 with nobody active: its cohort is
    // empty, so nobody churned from it (the cancellation is counted, the rate has no value).
    assertThat(hour).contains(entry(FIELD_CHURNED, 0L), entry(FIELD_CHURNED_MRR_AT_START, 0L), entry(n(RATE_CHURN), 0L))
        .doesNotContainKeys(pct(RATE_CHURN), FIELD_REVENUE_CHURN_PCT);
    // The hour to 09:01 began at 08:01 with cA, cB and cC active (10,000 MRR): cB churned from it.
    Map<String, Object> hourFrom0801 = points.fields(MEASUREMENT_CHURN, tags(WINDOW_1H), at(61, 0));
    assertThat(hourFrom0801).contains(entry(FIELD_CANCELLATIONS, 1L), entry(FIELD_CHURNED, 1L), entry(n(RATE_CHURN), 3L),
        entry(FIELD_CHURNED_MRR_AT_START, 2000L), entry(FIELD_MRR_START, 10000L));
    assertThat((Double) hourFrom0801.get(pct(RATE_CHURN))).isCloseTo(100.0 / 3, within(1e-9));
    // The hour to 09:13: r2's follow-up fell due undone at 09:06, and cA recovered at 09:12.
    Map<String, Object> laterHour = points.fields(MEASUREMENT_CHURN, tags(WINDOW_1H), at(73, 0));
    assertThat(laterHour).contains(entry(FIELD_FOLLOW_UPS_OVERDUE, 1L), entry(n(RATE_FOLLOW_UP_ON_TIME), 1L),
        entry(FIELD_AT_RISK_RECOVERED, 1L), entry(FIELD_FOLLOW_UPS_CREATED, 0L));
    assertThat((Double) laterHour.get(pct(RATE_FOLLOW_UP_ON_TIME))).isCloseTo(0.0, within(1e-9));

    // cA went at risk with the survey and recovered as the score decayed.
    List<AtRiskEvent> riskEvents = atRisk.records();
    assertThat(riskEvents).extracting(AtRiskEvent::getState).containsExactlyInAnyOrder(RiskState.AT_RISK, RiskState.RECOVERED);
    AtRiskEvent entered = riskEvents.stream().filter(e -> e.getState() == RiskState.AT_RISK).findFirst().orElseThrow();
    assertThat(entered.getCustomerId()).isEqualTo("cA");
    assertThat(entered.getEventTime()).isEqualTo(at(2, 0));
    assertThat(entered.getScore()).isCloseTo(2 + 1.5 + 1, within(1e-9));
    assertThat(entered.getMrrMinor()).isEqualTo(5000L);
    assertThat(entered.getReasons()).extracting(RiskReason::getSignal).containsExactly("detractor", "low_csat", "high_effort");
    AtRiskEvent left = riskEvents.stream().filter(e -> e.getState() == RiskState.RECOVERED).findFirst().orElseThrow();
    assertThat(left.getCustomerId()).isEqualTo("cA");
    assertThat(Duration.between(recovered, left.getEventTime()).abs()).isLessThanOrEqualTo(Duration.ofMillis(1));
    assertThat(left.getScore()).isLessThanOrEqualTo(2.0 + 1e-9);

    // r1 asks for a detractor follow-up, done on time; r2 for a low-CSAT one, never done: overdue.
    List<FollowUpAction> actions = followUps.records();
    assertThat(actions).extracting(a -> a.getActionId() + " " + a.getStatus()).containsExactlyInAnyOrder(
        "fu-r1 OPEN", "fu-r2 OPEN", "fu-r2 OVERDUE");
    for (FollowUpAction a : actions) {
      if (a.getActionId().equals("fu-r1")) {
        assertThat(a.getReason()).isEqualTo("detractor");
        assertThat(a.getCustomerId()).isEqualTo("cA");
        assertThat(a.getDueAt()).isEqualTo(at(2, 0).plus(DETRACTOR_DUE));
      } else {
        assertThat(a.getReason()).isEqualTo("low_csat");
        assertThat(a.getDueAt()).isEqualTo(at(6, 0).plus(LOW_CSAT_DUE));
      }
    }

    // Bad records from any input reach the one dead-letter sink, named by the input's router.
    List<DeadLetter> dead = deadLetters.records();
    assertThat(dead).extracting(d -> d.kind + " " + d.job + " " + d.topic).containsExactlyInAnyOrder(
        "INVALID churn.lifecycle lifecycle", "UNDECODABLE churn.interactions interactions");
    for (DeadLetter d : dead) {
      if (d.kind == DeadLetter.Kind.INVALID) {
        assertThat(d.reason).isEqualTo("mrr_minor = -5 is negative (event l-bad)");
        assertThat(d.value).isEqualTo(lifecycle.encode(negativeMrr));
        assertThat(d.offset).isEqualTo(invalid.offset);
      } else {
        assertThat(d.reason).startsWith("not Avro single-object encoding");
        assertThat(d.value).isEqualTo(notAvro);
      }
    }

    // Each input's router counts records; the pre-aggregation counts facts: 14 on time (3 SUBSCRIBED,
    // AT_RISK, CANCELLED, GROUP_OUT, GROUP_IN, EXPANSION, RENEWED, RECOVERED, 2 FOLLOW_UP_CREATED,
    // FOLLOW_UP_DONE_ON_TIME, FOLLOW_UP_OVERDUE) and cD's SUBSCRIBED late.
    assertThat(points.pipelineTotals(JOB + ".lifecycle")).contains(entry(FIELD_EVENTS_TOTAL, 7L), entry(FIELD_INVALID_TOTAL, 1L));
    assertThat(points.pipelineTotals(JOB + ".surveys")).contains(entry(FIELD_EVENTS_TOTAL, 2L));
    assertThat(points.pipelineTotals(JOB + ".interactions")).contains(entry(FIELD_EVENTS_TOTAL, 1L), entry(FIELD_UNDECODABLE_TOTAL, 1L));
    assertThat(points.pipelineTotals(JOB + ".follow-ups-done")).contains(entry(FIELD_EVENTS_TOTAL, 2L));
    assertThat(points.pipelineTotals(JOB + ".facts")).containsOnly(
        entry(FIELD_EVENTS_TOTAL, 14L), entry(FIELD_LATE_TOTAL, 1L), entry(FIELD_INVALID_TOTAL, 0L), entry(FIELD_UNDECODABLE_TOTAL, 0L));
  }

  /**
   * A snapshot of the active base published before the streams, and by mistake twice: both
   * customers count once in the gauges and in the churn rate's n, and neither as a subscription.
   */
  @Test
  void aBootstrappedBaseCountsOnceInTheGaugesAndTheChurnRate() throws Exception {
    DecodedRecords<CustomerLifecycleEvent> lifecycle = TestInputs.lifecycle("lifecycle");
    Instant snapshot = at(-1, 0);
    Instant importedAgain = at(-1, 30);
    Instant cancelled = at(30, 0);
    InMemorySource.Builder<Decoded<CustomerLifecycleEvent>> source = InMemorySource.of(lifecycle.type()).add(
        lifecycle.good(lifecycle("s1", "cX", LifecycleType.ACTIVE, snapshot, "Pro", 3000, "North", "Fiber")),
        lifecycle.good(lifecycle("s2", "cY", LifecycleType.ACTIVE, snapshot, "Basic", 2000, "South", "Fiber")),
        lifecycle.good(lifecycle("s3", "cX", LifecycleType.ACTIVE, importedAgain, "Pro", 3000, "North", "Fiber")),
        lifecycle.good(lifecycle("s4", "cY", LifecycleType.ACTIVE, importedAgain, "Basic", 2000, "South", "Fiber")),
        lifecycle.good(lifecycle("l1", "cX", LifecycleType.CANCELLED, cancelled, "Pro", 0, "North", "Fiber")));
    DecodedRecords<SurveyResponse> surveys = TestInputs.surveys("surveys");
    DecodedRecords<InteractionEvent> interactions = TestInputs.interactions("interactions");
    DecodedRecords<FollowUpDone> done = TestInputs.followUpsDone("follow-ups-done");
    // the other inputs need a record each: a content customer who is not subscribed
    ChurnWorkflow.Sources sources = new ChurnWorkflow.Sources(source.build(),
        InMemorySource.of(surveys.type()).add(surveys.good(survey("r-z", "cZ", at(0, 0), 9, 5, 1, "North", "Fiber"))).build(),
        InMemorySource.of(interactions.type()).add(interactions.good(opened("cZ", at(0, 0)))).build(),
        InMemorySource.of(done.type()).add(done.good(FollowUpDone.newBuilder().setActionId("fu-none").setDoneAt(at(0, 0)).build()))
            .build());
    StreamExecutionEnvironment env = WorkflowTestCluster.environment();
    ChurnWorkflow.defineWorkflow(env, sources, kpis, atRisk, followUps, deadLetters, SETTINGS);
    env.execute("churn bootstrap test");

    KpiPoints points = new KpiPoints(kpis.records());
    assertThat(points.fields(MEASUREMENT_CUSTOMERS, tags(null), at(0, 0))).contains(entry(FIELD_ACTIVE, 2L), entry(FIELD_MRR, 5000L));
    // the hour 08:00–09:00 starts with cX and cY active; cX cancels
    Map<String, Object> hour = points.fields(MEASUREMENT_CHURN, tags(WINDOW_1H), at(60, 0));
    assertThat(hour).contains(entry(n(RATE_CHURN), 2L), entry(FIELD_CHURNED, 1L), entry(FIELD_CANCELLATIONS, 1L),
        entry(FIELD_MRR_START, 5000L), entry(FIELD_CHURNED_MRR_AT_START, 3000L), entry(FIELD_SUBSCRIPTIONS, 0L), entry(FIELD_MRR_NEW, 0L));
    assertThat((Double) hour.get(pct(RATE_CHURN))).isCloseTo(50.0, within(1e-9));
    assertThat(points.fields(MEASUREMENT_CUSTOMERS, tags(null, TAG_REGION, "north"), at(31, 0))).contains(entry(FIELD_ACTIVE, 0L));
    assertThat(points.fields(MEASUREMENT_CUSTOMERS, tags(null, TAG_REGION, "south"), at(31, 0))).contains(entry(FIELD_ACTIVE, 1L));
  }

  /** T0 plus minutes and seconds. */
  private static Instant at(int minutes, int seconds) {
    return T0.plus(Duration.ofMinutes(minutes)).plusSeconds(seconds);
  }

  private static Map<String, String> tags(String window, String... dimensionAndValue) {
    return KpiPoints.tags(CHURN_DIMENSION_TAGS, window, dimensionAndValue);
  }

  private static CustomerLifecycleEvent lifecycle(String id, String customer, LifecycleType type, Instant at, String plan,
      long mrr, String region, String product) {
    return CustomerLifecycleEvent.newBuilder().setEventId(id).setCustomerId(customer).setType(type).setEventTime(at)
        .setPlan(plan).setMrrMinor(mrr).setRegion(region).setProduct(product).build();
  }

  private static SurveyResponse survey(String id, String customer, Instant at, Integer nps, Integer csat, Integer ces,
      String region, String product) {
    return SurveyResponse.newBuilder().setResponseId(id).setCustomerId(customer).setEventTime(at).setChannel(Channel.CHAT)
        .setRegion(region).setProduct(product).setNps(nps).setCsat(csat).setCes(ces).build();
  }

  private static InteractionEvent opened(String customer, Instant at) {
    return InteractionEvent.newBuilder().setEventId("i-" + customer).setTicketId("tk-" + customer).setCustomerId(customer)
        .setEventType(InteractionType.OPENED).setEventTime(at).setChannel(Channel.CHAT).setRegion("North").setProduct("Mobile")
        .setPriority(Priority.NORMAL).build();
  }
}
