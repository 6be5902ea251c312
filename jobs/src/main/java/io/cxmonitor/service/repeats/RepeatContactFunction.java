package io.cxmonitor.service.repeats;

import io.cxmonitor.functions.RepeatContactFunction.Contact;
import io.cxmonitor.platform.time.EventTimeHorizon;
import io.cxmonitor.platform.time.HorizonKeyedProcessFunction;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.rules.RepeatContactRule;
import io.cxmonitor.rules.RepeatContactRule.Verdict;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.service.TicketFact.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.util.Collector;

/**
 * Per customer (keyed by customer id): the contacts (new tickets) and both repeat-contact
 * meanings, as {@link RepeatContactRule} judges each contact against the customer's latest one.
 *
 * <ul>
 *   <li><b>Backward</b> ("this contact is a repeat"): a {@code CONTACT} for every contact and a
 *       {@code REPEAT_CONTACT} when the previous contact was at most the window before; final at
 *       once.
 *   <li><b>Forward</b> ("this contact was followed by another within the window", the FCR proxy):
 *       dated by the first contact. Provisional: {@code FORWARD_FOLLOWED} dated by the earlier
 *       contact when the next one comes (only while a written window, at most a day long, can
 *       still include it), and {@code FORWARD_EXPIRED} when the window passed without one (only
 *       for windows under a day; longer ones leave every written window's unfollowed contacts
 *       open). Final: {@code FORWARD_FINAL} when the window has passed, dated then, flag =
 *       followed. A contact is followed exactly when the customer's next contact is within the
 *       window, so the latest contact is all a judgement needs.
 *   <li>Anonymous callers ({@code anonymous} events) are no customer: {@code ANONYMOUS_CONTACT},
 *       in neither rate.
 * </ul>
 *
 * <p>A customer's tickets arrive from different partitions (interactions are keyed by ticket),
 * so contacts are buffered until the watermark passes them and then handled in event-time
 * order: the result does not depend on arrival order. State: the buffered contacts (seconds'
 * worth) and the customer's contacts of the last window awaiting their final outcome (about 50
 * bytes each, {@link ContactSerializer}; the newest of them is the latest contact), all cleared
 * when the window after them has passed. Per contact the work is constant, apart from finding the
 * newest of the customer's contacts (a few). At the end of a bounded input no outcome whose window
 * ends after the latest event time is finalised ({@link EventTimeHorizon}).
 */
public final class RepeatContactFunction extends HorizonKeyedProcessFunction<String, InteractionEvent, TicketFact> {
  private static final long serialVersionUID = 1L;

  private final RepeatContactRule rule;
  /** Follow-ups later than this after their contact can change no provisional window (the longest is a day). */
  private final long provisionalHorizonMs;
  /** Flink's POJO serializer in releases before {@link ContactSerializer}; tests of the migration set it back. */
  private TypeSerializer<Contact> contactSerializer = ContactSerializer.INSTANCE;
  /**
   * An anonymous caller's contact (keyed by its ticket id, never awaiting an outcome); in states
   * restored from earlier releases also the customer's latest contact, until the next one.
   */
  private transient ValueState<Contact> last;
  private transient MapState<Long, List<Contact>> pending;
  /** Contacts whose forward outcome is not final yet, by contact time. */
  private transient MapState<Long, List<Contact>> awaiting;

  public RepeatContactFunction(long repeatWindowMs) {
    this(repeatWindowMs, Duration.ofDays(1).toMillis());
  }

  /** @param provisionalHorizonMs the longest window the provisional forward figure is written for */
  public RepeatContactFunction(long repeatWindowMs, long provisionalHorizonMs) {
    super("repeat-contacts-latest-event-time");
    this.rule = new RepeatContactRule(Duration.ofMillis(repeatWindowMs));
    this.provisionalHorizonMs = provisionalHorizonMs;
  }

  /** This function with its contacts written by {@code serializer}: for tests of a savepoint of an earlier release. */
  RepeatContactFunction withContactSerializer(TypeSerializer<Contact> serializer) {
    this.contactSerializer = serializer;
    return this;
  }

  @Override
  public void open(OpenContext openContext) {
    TypeSerializer<List<Contact>> contacts = new ListSerializer<>(contactSerializer);
    last = getRuntimeContext().getState(new ValueStateDescriptor<>("last-contact", contactSerializer));
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-contacts", LongSerializer.INSTANCE, contacts));
    awaiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("forward-awaiting", LongSerializer.INSTANCE, contacts));
  }

  @Override
  public void processElement(InteractionEvent e, Context ctx, Collector<TicketFact> out) throws Exception {
    seen(e.getEventTime().toEpochMilli());
    if (!RepeatContactRule.opensContact(e.getEventType())) {
      return;
    }
    Contact c = contact(e);
    add(pending, c);
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
    if (!decides(ts, ctx.timerService().currentWatermark())) {
      return; // end of input before the window ended: the outcomes are not known, nothing is final
    }
    finalise(ts - rule.windowMs(), out);
    Contact l = last.value();
    if (l != null && rule.forgetAt(l.at) <= ts && pending.isEmpty()) {
      last.clear();
    }
  }

  private void handle(Contact c, OnTimerContext ctx, Collector<TicketFact> out) throws Exception {
    Contact kept = last.value();
    Contact previous = newer(kept, newestAwaiting());
    RepeatContactRule.Contact next = judged(c);
    RepeatContactRule.Contact before = previous == null ? null : judged(previous);
    // only the latest contact is remembered, so a duplicate OPENED is recognised against that one
    Verdict verdict = rule.judge(before, next, false);
    if (verdict == Verdict.DUPLICATE) {
      return;
    }
    if (c.anonymous) {
      out.collect(fact(Kind.ANONYMOUS_CONTACT, c, c.at));
      if (previous == null) {
        last.update(latest(c)); // keyed by its ticket id: remembered only to recognise a duplicate OPENED
        ctx.timerService().registerEventTimeTimer(rule.forgetAt(c.at));
      }
      return;
    }
    if (previous != null && previous.anonymous) {
      previous = null;
      verdict = Verdict.FIRST;
      before = null;
    }
    out.collect(fact(Kind.CONTACT, c, c.at));
    if (verdict == Verdict.REPEAT) {
      TicketFact repeat = fact(Kind.REPEAT_CONTACT, c, c.at).withFlag(RepeatContactRule.switchedChannel(before, next));
      repeat.fromChannel = previous.channel;
      out.collect(repeat);
      followed(previous, c, out);
    }
    if (kept != null) {
      last.clear(); // the latest contact is now the newest awaiting one
    }
    add(awaiting, c);
    ctx.timerService().registerEventTimeTimer(rule.forgetAt(c.at));
  }

  /**
   * {@code earlier} was followed by {@code next} within the window: its forward outcome is
   * "followed". Only the customer's latest contact can be followed, so this happens once per
   * contact. A contact restored from a release that kept no outcomes is added here, followed.
   */
  private void followed(Contact earlier, Contact next, Collector<TicketFact> out) throws Exception {
    boolean provisional = next.at - earlier.at < provisionalHorizonMs;
    List<Contact> atTime = awaiting.get(earlier.at);
    if (atTime == null) {
      atTime = new ArrayList<>(1);
    }
    for (Contact a : atTime) {
      if (a.ticketId.equals(earlier.ticketId)) {
        if (provisional) {
          out.collect(fact(Kind.FORWARD_FOLLOWED, a, a.at)); // its dimensions: the latest contact keeps none
        }
        a.followed = true;
        awaiting.put(earlier.at, atTime);
        return;
      }
    }
    if (provisional) {
      out.collect(fact(Kind.FORWARD_FOLLOWED, earlier, earlier.at));
    }
    earlier.followed = true;
    atTime.add(earlier);
    awaiting.put(earlier.at, atTime); // its forget timer, registered with it, finalises it
  }

  /** The window after the contacts at {@code at} has passed: their forward outcomes are final. */
  private void finalise(long at, Collector<TicketFact> out) throws Exception {
    List<Contact> done = awaiting.get(at);
    if (done == null) {
      return;
    }
    awaiting.remove(at);
    boolean expiryCanShow = rule.windowMs() < provisionalHorizonMs;
    for (Contact c : done) {
      out.collect(fact(Kind.FORWARD_FINAL, c, c.at + rule.windowMs()).withFlag(c.followed));
      if (!c.followed && expiryCanShow) {
        out.collect(fact(Kind.FORWARD_EXPIRED, c, c.at));
      }
    }
  }

  private static void add(MapState<Long, List<Contact>> byTime, Contact c) throws Exception {
    List<Contact> atTime = byTime.get(c.at);
    if (atTime == null) {
      atTime = new ArrayList<>(1);
    }
    atTime.add(c);
    byTime.put(c.at, atTime);
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
    c.anonymous = e.getAnonymous();
    return c;
  }

  /**
   * The customer's newest contact awaiting its forward outcome (the last handled of those at the
   * newest time): its latest contact, kept once. Contacts are forgotten when the window after them
   * has passed, so a contact older than the window is no "latest contact" to judge against.
   */
  private Contact newestAwaiting() throws Exception {
    Contact newest = null;
    long newestAt = Long.MIN_VALUE;
    for (Map.Entry<Long, List<Contact>> e : awaiting.entries()) {
      if (newest == null || e.getKey() > newestAt) {
        List<Contact> atTime = e.getValue();
        if (!atTime.isEmpty()) {
          newestAt = e.getKey();
          newest = atTime.get(atTime.size() - 1);
        }
      }
    }
    return newest;
  }

  /** The later of the contact in "last-contact" (an anonymous caller's, or one restored from an earlier release) and the newest awaiting one. */
  private static Contact newer(Contact kept, Contact newestAwaiting) {
    if (kept == null || newestAwaiting != null && newestAwaiting.at >= kept.at) {
      return newestAwaiting;
    }
    return kept;
  }

  /** What an anonymous caller's contact keeps to recognise a duplicate OPENED: time, ticket, channel. */
  private static Contact latest(Contact c) {
    Contact l = new Contact();
    l.at = c.at;
    l.ticketId = c.ticketId;
    l.channel = c.channel;
    l.anonymous = c.anonymous;
    return l;
  }

  private static RepeatContactRule.Contact judged(Contact c) {
    return new RepeatContactRule.Contact(c.ticketId, c.at, c.channel);
  }

  private static TicketFact fact(Kind kind, Contact c, long time) {
    TicketFact f = new TicketFact(kind, time, c.channel, c.team, c.region, c.priority);
    f.product = c.product;
    return f;
  }
}
