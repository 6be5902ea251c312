package io.cxmonitor.functions;

import io.cxmonitor.metrics.Grouping;
import io.cxmonitor.metrics.TicketFact;
import io.cxmonitor.metrics.TicketFact.Kind;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per customer (keyed by customer id): every new ticket is a contact; it is a repeat contact
 * when the same customer opened another ticket at most {@code repeatWindow} before, and it
 * switched channel when that ticket was on another channel. State: the customer's latest
 * contact, cleared when the window after it has passed (about 100 bytes per recent customer).
 */
public final class RepeatContactFunction extends KeyedProcessFunction<String, InteractionEvent, TicketFact> {
  private static final long serialVersionUID = 1L;

  /** The customer's latest contact. */
  public static final class LastContact {
    public long at;
    public String ticketId;
    public String channel;

    public LastContact() {}
  }

  private final long repeatWindowMs;
  private transient ValueState<LastContact> last;

  public RepeatContactFunction(long repeatWindowMs) {
    this.repeatWindowMs = repeatWindowMs;
  }

  @Override
  public void open(OpenContext openContext) {
    last = getRuntimeContext().getState(new ValueStateDescriptor<>("last-contact", LastContact.class));
  }

  @Override
  public void processElement(InteractionEvent e, Context ctx, Collector<TicketFact> out) throws Exception {
    if (e.getEventType() != InteractionType.OPENED) {
      return;
    }
    long t = e.getEventTime().toEpochMilli();
    String channel = Grouping.tagValue(e.getChannel().name());
    TicketFact contact = new TicketFact(Kind.CONTACT, t, channel, Grouping.tagValue(e.getTeam()),
        Grouping.tagValue(e.getRegion()), Grouping.tagValue(e.getPriority().name()));
    out.collect(contact);
    LastContact previous = last.value();
    if (previous != null && !previous.ticketId.equals(e.getTicketId()) && t >= previous.at && t - previous.at <= repeatWindowMs) {
      TicketFact repeat = new TicketFact(Kind.REPEAT_CONTACT, t, channel, contact.team, contact.region, contact.priority)
          .withFlag(!previous.channel.equals(channel));
      repeat.fromChannel = previous.channel;
      out.collect(repeat);
    }
    if (previous == null || t >= previous.at) {
      if (previous != null) {
        ctx.timerService().deleteEventTimeTimer(previous.at + repeatWindowMs);
      }
      LastContact now = new LastContact();
      now.at = t;
      now.ticketId = e.getTicketId();
      now.channel = channel;
      last.update(now);
      ctx.timerService().registerEventTimeTimer(t + repeatWindowMs);
    }
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<TicketFact> out) throws Exception {
    LastContact l = last.value();
    if (l != null && l.at + repeatWindowMs == ts) {
      last.clear();
    }
  }
}
