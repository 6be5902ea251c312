package io.cxmonitor.service.repeats;

import io.cxmonitor.functions.RepeatContactFunction.Contact;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.service.TicketFact.Kind;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
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
 * Per customer (keyed by customer id): every new ticket is a contact; it is a repeat contact
 * when the same customer opened another ticket at most {@code repeatWindow} before, and it
 * switched channel when that ticket was on another channel.
 *
 * <p>A customer's tickets arrive from different partitions (interactions are keyed by ticket),
 * so contacts are buffered until the watermark passes them and then handled in event-time
 * order: the result does not depend on arrival order. State: the buffered contacts (seconds'
 * worth) and the latest contact, cleared when the window after it has passed (about 100 bytes
 * per customer seen within the window).
 */
public final class RepeatContactFunction extends KeyedProcessFunction<String, InteractionEvent, TicketFact> {
  private static final long serialVersionUID = 1L;

  private final long repeatWindowMs;
  private transient ValueState<Contact> last;
  private transient MapState<Long, List<Contact>> pending;

  public RepeatContactFunction(long repeatWindowMs) {
    this.repeatWindowMs = repeatWindowMs;
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
    if (e.getEventType() != InteractionType.OPENED) {
      return;
    }
    Contact c = new Contact();
    c.at = e.getEventTime().toEpochMilli();
    c.ticketId = e.getTicketId();
    c.channel = Grouping.tagValue(e.getChannel().name());
    c.team = Grouping.tagValue(e.getTeam());
    c.region = Grouping.tagValue(e.getRegion());
    c.priority = Grouping.tagValue(e.getPriority().name());
    c.product = Grouping.tagValue(e.getProduct());
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
    if (l != null && l.at + repeatWindowMs <= ts && pending.isEmpty()) {
      last.clear();
    }
  }

  private void handle(Contact c, OnTimerContext ctx, Collector<TicketFact> out) throws Exception {
    Contact latest = last.value();
    if (latest != null && latest.ticketId.equals(c.ticketId)) {
      return; // a duplicate OPENED (replay): not a new contact
    }
    TicketFact contact = new TicketFact(Kind.CONTACT, c.at, c.channel, c.team, c.region, c.priority);
    contact.product = c.product;
    out.collect(contact);
    Contact previous = last.value();
    if (previous != null && !previous.ticketId.equals(c.ticketId) && c.at - previous.at <= repeatWindowMs) {
      TicketFact repeat = new TicketFact(Kind.REPEAT_CONTACT, c.at, c.channel, c.team, c.region, c.priority)
          .withFlag(!previous.channel.equals(c.channel));
      repeat.fromChannel = previous.channel;
      repeat.product = c.product;
      out.collect(repeat);
    }
    last.update(c);
    ctx.timerService().registerEventTimeTimer(c.at + repeatWindowMs);
  }
}
