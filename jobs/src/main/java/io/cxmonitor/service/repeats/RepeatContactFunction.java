package io.cxmonitor.service.repeats;

import io.cxmonitor.functions.RepeatContactFunction.Contact;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.rules.RepeatContactRule;
import io.cxmonitor.rules.RepeatContactRule.Verdict;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.service.TicketFact.Kind;
import io.cxmonitor.schemas.InteractionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per customer (keyed by customer id): emits a contact for every new ticket and a repeat contact
 * (flagged when it switched channel) as {@link RepeatContactRule} judges it against the
 * customer's latest contact.
 *
 * <p>A customer's tickets arrive from different partitions (interactions are keyed by ticket),
 * so contacts are buffered until the watermark passes them and then handled in event-time
 * order: the result does not depend on arrival order. State: the buffered contacts (seconds'
 * worth) and the latest contact, cleared when the window after it has passed (about 100 bytes
 * per customer seen within the window).
 */
public final class RepeatContactFunction extends KeyedProcessFunction<String, InteractionEvent, TicketFact> {
  private static final long serialVersionUID = 1L;

  private final RepeatContactRule rule;
  private transient ValueState<Contact> last;
  private transient MapState<Long, List<Contact>> pending;

  public RepeatContactFunction(long repeatWindowMs) {
    this.rule = new RepeatContactRule(Duration.ofMillis(repeatWindowMs));
  }

  @Override
  public void open(OpenContext openContext) {
    last = getRuntimeContext().getState(new ValueStateDescriptor<>("last-contact", Contact.class));
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-contacts",
        org.apache.flink.api.common.typeinfo.Types.LONG,
        org.apache.flink.api.common.typeinfo.Types.LIST(org.apache.flink.api.common.typeinfo.TypeInformation.of(Contact.class))));
  }

  @Override
  public void processElement(InteractionEvent e, Context ctx, Collector<TicketFact> out) throws Exception {
    if (!RepeatContactRule.opensContact(e.getEventType())) {
      return;
    }
    Contact c = contact(e);
    List<Contact> atTime = pending.get(c.at);
    if (atTime == null) {
      atTime = new ArrayList<>(1);
    }
    atTime.add(c);
    pending.put(c.at, atTime);
    ctx.timerService().registerEventTimeTimer(c.at);
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<TicketFact> out) throws Exception {
    List<Contact> due = pending.get(ts);
    if (due != null) {
      pending.remove(ts);
      due.sort(Comparator.comparing(c -> c.ticketId));
      for (Contact c : due) {
        handle(c, ctx, out);
      }
    }
    Contact l = last.value();
    if (l != null && rule.forgetAt(l.at) <= ts && pending.isEmpty()) {
      last.clear();
    }
  }

  private void handle(Contact c, OnTimerContext ctx, Collector<TicketFact> out) throws Exception {
    Contact previous = last.value();
    RepeatContactRule.Contact next = judged(c);
    RepeatContactRule.Contact before = previous == null ? null : judged(previous);
    // only the latest contact is remembered, so a duplicate OPENED is recognised against that one
    Verdict verdict = rule.judge(before, next, false);
    if (verdict == Verdict.DUPLICATE) {
      return;
    }
    out.collect(fact(Kind.CONTACT, c));
    if (verdict == Verdict.REPEAT) {
      TicketFact repeat = fact(Kind.REPEAT_CONTACT, c).withFlag(RepeatContactRule.switchedChannel(before, next));
      repeat.fromChannel = previous.channel;
      out.collect(repeat);
    }
    last.update(c);
    ctx.timerService().registerEventTimeTimer(rule.forgetAt(c.at));
  }

  private static Contact contact(InteractionEvent e) {
    Contact c = new Contact();
    c.at = e.getEventTime().toEpochMilli();
    c.ticketId = e.getTicketId();
    c.channel = Grouping.tagValue(e.getChannel().name());
    c.team = Grouping.tagValue(e.getTeam());
    c.region = Grouping.tagValue(e.getRegion());
    c.priority = Grouping.tagValue(e.getPriority().name());
    c.product = Grouping.tagValue(e.getProduct());
    return c;
  }

  private static RepeatContactRule.Contact judged(Contact c) {
    return new RepeatContactRule.Contact(c.ticketId, c.at, c.channel);
  }

  private static TicketFact fact(Kind kind, Contact c) {
    TicketFact f = new TicketFact(kind, c.at, c.channel, c.team, c.region, c.priority);
    f.product = c.product;
    return f;
  }
}
