package io.cxmonitor.churn.followups;

import io.cxmonitor.functions.FollowUpFunction.Action;
import io.cxmonitor.churn.CustomerFact;
import io.cxmonitor.churn.CustomerFact.Kind;
import io.cxmonitor.platform.time.EventTimeHorizon;
import io.cxmonitor.platform.time.HorizonKeyedProcessFunction;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.schemas.FollowUpAction;
import io.cxmonitor.schemas.FollowUpStatus;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Closed loop, keyed by action id: a detractor NPS or a CSAT of 1–2 creates a follow-up action
 * (OPEN event to Kafka) due after the policy's delay; a done event closes it — on time or late;
 * an action not done by its due time is reported once as OVERDUE. State is cleared when the action
 * is done and past due, or {@code keepAfterDue} after an overdue action's due time. At the end of
 * a bounded input an action due after the latest event time seen is not overdue ({@link
 * EventTimeHorizon}): it stays open.
 */
public final class FollowUpFunction extends HorizonKeyedProcessFunction<String, FollowUpSignal, CustomerFact> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<FollowUpAction> ACTIONS = new OutputTag<>("follow-ups", TypeInformation.of(FollowUpAction.class));

  private final long detractorDueMs;
  private final long lowCsatDueMs;
  private final long keepAfterDueMs;
  private transient ValueState<Action> state;

  public FollowUpFunction(long detractorDueMs, long lowCsatDueMs, long keepAfterDueMs) {
    super("follow-ups-latest-event-time");
    this.detractorDueMs = detractorDueMs;
    this.lowCsatDueMs = lowCsatDueMs;
    this.keepAfterDueMs = keepAfterDueMs;
  }

  @Override
  public void open(OpenContext openContext) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("follow-up", Action.class));
  }

  @Override
  public void processElement(FollowUpSignal s, Context ctx, Collector<CustomerFact> out) throws Exception {
    seen(s.time);
    Action a = state.value();
    if (a == null) {
      a = new Action();
    }
    if (s.created) {
      if (a.createdAt != Long.MIN_VALUE) {
        return; // duplicate survey response
      }
      SurveyResponse r = s.response;
      a.createdAt = s.time;
      a.dueAt = s.time + (s.reason.equals("detractor") ? detractorDueMs : lowCsatDueMs);
      a.region = Grouping.tagValue(r.getRegion());
      a.product = Grouping.tagValue(r.getProduct());
      a.event = FollowUpAction.newBuilder()
          .setActionId(s.actionId).setStatus(FollowUpStatus.OPEN).setCustomerId(r.getCustomerId())
          .setTicketId(r.getTicketId()).setReason(s.reason).setNps(r.getNps()).setCsat(r.getCsat())
          .setComment(r.getComment()).setCreatedAt(Instant.ofEpochMilli(a.createdAt)).setDueAt(Instant.ofEpochMilli(a.dueAt))
          .setChannel(r.getChannel()).setRegion(r.getRegion()).setTeam(r.getTeam()).setProduct(r.getProduct()).build();
      out.collect(fact(Kind.FOLLOW_UP_CREATED, a, s.time));
      ctx.output(ACTIONS, a.event);
      ctx.timerService().registerEventTimeTimer(a.dueAt);
      if (a.doneAt != Long.MIN_VALUE) {
        done(a, a.doneAt, out); // the done event came first
      }
    } else if (a.doneAt == Long.MIN_VALUE) {
      a.doneAt = s.time;
      if (a.createdAt != Long.MIN_VALUE) {
        done(a, s.time, out);
      } else {
        ctx.timerService().registerEventTimeTimer(s.time + keepAfterDueMs); // forget a done event without action
      }
    }
    state.update(a);
  }

  private void done(Action a, long t, Collector<CustomerFact> out) {
    out.collect(fact(t <= a.dueAt ? Kind.FOLLOW_UP_DONE_ON_TIME : Kind.FOLLOW_UP_DONE_LATE, a, Math.max(t, a.createdAt)));
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<CustomerFact> out) throws Exception {
    Action a = state.value();
    if (a == null) {
      return;
    }
    if (!decides(ts, ctx.timerService().currentWatermark())) {
      return; // end of a bounded input before this time: the action is not overdue (yet), nothing is decided
    }
    if (a.createdAt == Long.MIN_VALUE) {
      state.clear(); // done event whose action never came
      return;
    }
    if (ts == a.dueAt) {
      boolean doneInTime = a.doneAt != Long.MIN_VALUE && a.doneAt <= a.dueAt;
      if (!doneInTime) {
        out.collect(fact(Kind.FOLLOW_UP_OVERDUE, a, ts));
        FollowUpAction overdue = FollowUpAction.newBuilder(a.event).setStatus(FollowUpStatus.OVERDUE).build();
        ctx.output(ACTIONS, overdue);
      }
      if (a.doneAt != Long.MIN_VALUE) {
        state.clear();
      } else {
        ctx.timerService().registerEventTimeTimer(a.dueAt + keepAfterDueMs);
      }
    } else if (ts == a.dueAt + keepAfterDueMs) {
      state.clear();
    }
  }

  private static CustomerFact fact(Kind kind, Action a, long t) {
    return new CustomerFact(kind, t, a.region, a.product, Grouping.UNKNOWN, 0);
  }
}
