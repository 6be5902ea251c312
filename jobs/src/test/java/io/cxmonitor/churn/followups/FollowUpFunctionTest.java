package io.cxmonitor.churn.followups;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.churn.CustomerFact;
import io.cxmonitor.churn.CustomerFact.Kind;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.FollowUpAction;
import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.FollowUpStatus;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FollowUpFunctionTest {
  private static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");
  private static final Duration DETRACTOR_DUE = Duration.ofHours(48);
  private static final Duration KEEP = Duration.ofDays(30);

  private KeyedOneInputStreamOperatorTestHarness<String, FollowUpSignal, CustomerFact> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
        new FollowUpFunction(DETRACTOR_DUE.toMillis(), Duration.ofHours(24).toMillis(), KEEP.toMillis())),
        s -> s.actionId, Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void detractor(Instant at) throws Exception {
    SurveyResponse r = SurveyResponse.newBuilder().setResponseId("r1").setCustomerId("c1").setTicketId("t1")
        .setEventTime(at).setChannel(Channel.ZALO_OA).setRegion("South").setNps(3).setComment("nobody called").build();
    FollowUpSignal s = FollowUpSignal.of(r);
    harness.processElement(new StreamRecord<>(s, s.time));
  }

  private void done(Instant at) throws Exception {
    FollowUpSignal s = FollowUpSignal.of(FollowUpDone.newBuilder().setActionId("fu-r1").setDoneAt(at).build());
    harness.processElement(new StreamRecord<>(s, s.time));
  }

  private List<Kind> facts() {
    List<Kind> out = harness.extractOutputValues().stream().map(f -> f.kind).toList();
    harness.getOutput().clear();
    return out;
  }

  private List<FollowUpAction> actions() {
    var q = harness.getSideOutput(FollowUpFunction.ACTIONS);
    return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void aDetractorOpensAFollowUpThatIsClosedOnTime() throws Exception {
    detractor(T0);
    assertThat(facts()).containsExactly(Kind.FOLLOW_UP_CREATED);
    FollowUpAction open = actions().get(0);
    assertThat(open.getStatus()).isEqualTo(FollowUpStatus.OPEN);
    assertThat(open.getDueAt()).isEqualTo(T0.plus(DETRACTOR_DUE));
    assertThat(open.getComment()).isEqualTo("nobody called");
    done(T0.plus(Duration.ofHours(5)));
    assertThat(facts()).containsExactly(Kind.FOLLOW_UP_DONE_ON_TIME);
    harness.processWatermark(T0.plus(DETRACTOR_DUE).toEpochMilli());
    assertThat(facts()).isEmpty();
    assertThat(actions()).hasSize(1);
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aFollowUpNotDoneByItsDueTimeIsOverdueOnceAndLateWhenDone() throws Exception {
    detractor(T0);
    facts();
    harness.processWatermark(T0.plus(DETRACTOR_DUE).toEpochMilli());
    assertThat(facts()).containsExactly(Kind.FOLLOW_UP_OVERDUE);
    assertThat(actions()).extracting(FollowUpAction::getStatus).containsExactly(FollowUpStatus.OPEN, FollowUpStatus.OVERDUE);
    done(T0.plus(DETRACTOR_DUE).plusSeconds(3600));
    assertThat(facts()).containsExactly(Kind.FOLLOW_UP_DONE_LATE);
    harness.processWatermark(T0.plus(DETRACTOR_DUE).plus(KEEP).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aDoneEventBeforeItsActionCountsWhenTheActionArrives() throws Exception {
    done(T0.plusSeconds(30));
    assertThat(facts()).isEmpty();
    detractor(T0);
    assertThat(facts()).containsExactly(Kind.FOLLOW_UP_CREATED, Kind.FOLLOW_UP_DONE_ON_TIME);
  }

  @Test
  void satisfiedCustomersNeedNoFollowUp() {
    SurveyResponse promoter = SurveyResponse.newBuilder().setResponseId("r2").setCustomerId("c2").setEventTime(T0)
        .setChannel(Channel.CHAT).setNps(9).setCsat(5).build();
    assertThat(FollowUpSignal.of(promoter)).isNull();
    SurveyResponse lowCsat = SurveyResponse.newBuilder(promoter).setNps(8).setCsat(2).build();
    assertThat(FollowUpSignal.of(lowCsat).reason).isEqualTo("low_csat");
  }

  @Test
  void theEndOfABoundedInputDoesNotMakeAnActionOverdue() throws Exception {
    detractor(T0);
    facts();
    // the input ends a day later: the action is due in two days, so it is not overdue
    harness.processWatermark(T0.plus(Duration.ofDays(1)).toEpochMilli());
    harness.processWatermark(Long.MAX_VALUE);
    assertThat(facts()).isEmpty();
    assertThat(actions()).extracting(FollowUpAction::getStatus).containsExactly(FollowUpStatus.OPEN);
  }

  @Test
  void atTheEndOfABoundedInputAnActionDueBeforeTheLatestEventIsOverdue() throws Exception {
    detractor(T0);
    facts();
    // another detractor three days later: the input has seen the first action's due time pass,
    // not the second's (due two days after it)
    SurveyResponse later = SurveyResponse.newBuilder().setResponseId("r2").setCustomerId("c2").setTicketId("t2")
        .setEventTime(T0.plus(Duration.ofDays(3))).setChannel(Channel.PHONE).setRegion("North").setNps(2).build();
    FollowUpSignal s = FollowUpSignal.of(later);
    harness.processElement(new StreamRecord<>(s, s.time));
    facts();
    harness.processWatermark(Long.MAX_VALUE);
    assertThat(facts()).containsExactly(Kind.FOLLOW_UP_OVERDUE);
    assertThat(actions()).filteredOn(a -> a.getStatus() == FollowUpStatus.OVERDUE)
        .extracting(FollowUpAction::getActionId).containsExactly("fu-r1");
  }
}
