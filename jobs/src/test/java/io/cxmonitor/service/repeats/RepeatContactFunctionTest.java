package io.cxmonitor.service.repeats;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.service.TicketFact.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Backward and forward repeat contacts, anonymous callers and the end of a bounded input. */
class RepeatContactFunctionTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WEEK = Duration.ofDays(7);

  private KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, TicketFact> harness;
  private int seq;

  private void start(Duration window) throws Exception {
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new RepeatContactFunction(window.toMillis(), DAY.toMillis())),
        InteractionEvent::getCustomerId, Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private void contact(String customer, String ticket, Instant at) throws Exception {
    contact(customer, ticket, at, false, Channel.PHONE);
  }

  private void contact(String customer, String ticket, Instant at, boolean anonymous, Channel channel) throws Exception {
    InteractionEvent e = InteractionEvent.newBuilder()
        .setEventId("e" + (++seq)).setTicketId(ticket).setCustomerId(customer).setEventType(InteractionType.OPENED)
        .setEventTime(at).setChannel(channel).setTeam("voice").setRegion("north").setPriority(Priority.NORMAL)
        .setAnonymous(anonymous).build();
    harness.processElement(new StreamRecord<>(e, at.toEpochMilli()));
  }

  private List<TicketFact> factsUpTo(Instant t) throws Exception {
    harness.processWatermark(t.toEpochMilli());
    return facts();
  }

  private List<TicketFact> facts() {
    List<TicketFact> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  private static List<String> described(List<TicketFact> facts) {
    return facts.stream().map(f -> f.kind + "@" + Duration.between(T0, Instant.ofEpochMilli(f.time)) + (f.flag ? "+" : "")).toList();
  }

  @Test
  void backwardIsKnownAtTheContactAndForwardIsFinalAWindowLater() throws Exception {
    start(WEEK);
    contact("c1", "t1", T0);
    contact("c1", "t2", T0.plus(Duration.ofDays(3)));
    contact("c1", "t3", T0.plus(Duration.ofDays(12)));
    assertThat(described(factsUpTo(T0.plus(Duration.ofDays(3))))).containsExactly(
        "CONTACT@PT0S",
        "CONTACT@PT72H", "REPEAT_CONTACT@PT72H"); // a follow-up 3 days later can change no window of a day: no provisional fact
    assertThat(described(factsUpTo(T0.plus(WEEK)))).as("t1 was followed within the week: final at T0 + 7 d")
        .containsExactly("FORWARD_FINAL@PT168H+");
    assertThat(described(factsUpTo(T0.plus(Duration.ofDays(12)))))
        .as("t2 was not followed within its week (t3 came 9 days later); t3 is no backward repeat")
        .containsExactly("FORWARD_FINAL@PT240H", "CONTACT@PT288H");
    assertThat(described(factsUpTo(T0.plus(Duration.ofDays(19))))).containsExactly("FORWARD_FINAL@PT456H");
    assertThat(harness.numKeyedStateEntries()).as("everything forgotten a window after the last contact").isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void provisionalForwardFactsAreDatedByTheFirstContact() throws Exception {
    Duration window = Duration.ofHours(2);
    start(window);
    contact("c1", "t1", T0);
    contact("c1", "t2", T0.plus(Duration.ofHours(1)));
    assertThat(described(factsUpTo(T0.plus(Duration.ofHours(1))))).containsExactly(
        "CONTACT@PT0S",
        "CONTACT@PT1H", "REPEAT_CONTACT@PT1H", "FORWARD_FOLLOWED@PT0S");
    assertThat(described(factsUpTo(T0.plus(Duration.ofHours(2))))).containsExactly("FORWARD_FINAL@PT2H+");
    assertThat(described(factsUpTo(T0.plus(Duration.ofHours(3)))))
        .as("t2's window passed without a follow-up: final, and expired in its own (first contact's) bucket")
        .containsExactly("FORWARD_FINAL@PT3H", "FORWARD_EXPIRED@PT1H");
  }

  @Test
  void aContactAtTheEndOfTheWindowStillCounts() throws Exception {
    start(Duration.ofHours(2));
    contact("c1", "t1", T0);
    contact("c1", "t2", T0.plus(Duration.ofHours(2)));
    assertThat(described(factsUpTo(T0.plus(Duration.ofHours(2))))).containsExactly(
        "CONTACT@PT0S", "CONTACT@PT2H", "REPEAT_CONTACT@PT2H", "FORWARD_FOLLOWED@PT0S", "FORWARD_FINAL@PT2H+");
  }

  @Test
  void theArrivalOrderDoesNotMatter() throws Exception {
    start(Duration.ofHours(2));
    List<Instant> times = List.of(T0, T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofHours(3)));
    contact("c1", "t1", times.get(0));
    contact("c1", "t2", times.get(1));
    contact("c1", "t3", times.get(2));
    List<String> inOrder = described(factsUpTo(T0.plus(Duration.ofDays(1))));
    harness.close();
    start(Duration.ofHours(2));
    contact("c1", "t3", times.get(2));
    contact("c1", "t1", times.get(0));
    contact("c1", "t2", times.get(1));
    assertThat(described(factsUpTo(T0.plus(Duration.ofDays(1))))).isEqualTo(inOrder);
  }

  @Test
  void anonymousCallersAreCountedApartAndInNeitherRate() throws Exception {
    start(WEEK);
    // an anonymous caller's customer id is its ticket id; a replayed OPENED comes twice
    contact("t-a1", "t-a1", T0, true, Channel.PHONE);
    contact("t-a1", "t-a1", T0, true, Channel.PHONE);
    contact("t-a2", "t-a2", T0.plusSeconds(60), true, Channel.PHONE);
    // a source that sends an anonymous contact under a real customer id: it joins no chain
    contact("c1", "t1", T0.plusSeconds(120));
    contact("c1", "t-a3", T0.plusSeconds(180), true, Channel.PHONE);
    contact("c1", "t2", T0.plusSeconds(240));
    List<TicketFact> f = factsUpTo(T0.plus(Duration.ofDays(30)));
    Map<Kind, Long> counts = new TreeMap<>();
    f.forEach(x -> counts.merge(x.kind, 1L, Long::sum));
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(
        Kind.ANONYMOUS_CONTACT, 3L, Kind.CONTACT, 2L, Kind.REPEAT_CONTACT, 1L,
        Kind.FORWARD_FOLLOWED, 1L, Kind.FORWARD_FINAL, 2L));
    assertThat(f).filteredOn(x -> x.kind == Kind.REPEAT_CONTACT).singleElement()
        .satisfies(x -> assertThat(x.time).isEqualTo(T0.plusSeconds(240).toEpochMilli()));
  }

  @Test
  void theEndOfABoundedInputFinalisesNoOutcomeWhoseWindowEndsAfterTheLatestEvent() throws Exception {
    start(WEEK);
    contact("c1", "t1", T0);
    contact("c2", "t2", T0.plus(Duration.ofDays(8)));
    contact("c3", "t3", T0.plus(Duration.ofDays(9)));
    factsUpTo(T0.plus(Duration.ofDays(1)));
    harness.processWatermark(Long.MAX_VALUE);
    assertThat(described(facts())).as("t1's week ended before the latest event (day 9); t2's and t3's had not")
        .containsExactly("FORWARD_FINAL@PT168H", "CONTACT@PT192H", "CONTACT@PT216H");
  }

  /**
   * Many customers with contacts at random times (crossing minute, hour and day buckets and the
   * window's end): every contact's backward and forward outcome equals a straightforward
   * computation from the sorted contact times, and per bucket the followed and repeat counts never
   * exceed the contacts.
   */
  @Test
  void bothMeaningsMatchAnIndependentComputationAndStayProportions() throws Exception {
    Duration window = Duration.ofHours(6);
    start(window);
    Random random = new Random(20260302L);
    Map<String, List<Long>> byCustomer = new HashMap<>();
    List<long[]> arrivals = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String customer = "c" + random.nextInt(40);
      long at = T0.toEpochMilli() + (long) (random.nextDouble() * Duration.ofDays(3).toMillis()) / 1000 * 1000;
      byCustomer.computeIfAbsent(customer, k -> new ArrayList<>()).add(at);
      arrivals.add(new long[] {Long.parseLong(customer.substring(1)), at, i});
    }
    Collections.shuffle(arrivals, random);
    for (long[] a : arrivals) {
      contact("c" + a[0], "t" + a[2], Instant.ofEpochMilli(a[1]));
    }
    List<TicketFact> f = factsUpTo(T0.plus(Duration.ofDays(5)));

    long w = window.toMillis();
    long repeats = 0;
    long followed = 0;
    long followedWithinADay = 0;
    Map<Long, Long> contactsPerHour = new HashMap<>();
    for (List<Long> times : byCustomer.values()) {
      Collections.sort(times);
      for (int i = 0; i < times.size(); i++) {
        contactsPerHour.merge(times.get(i) / 3_600_000L, 1L, Long::sum);
        if (i > 0 && times.get(i) - times.get(i - 1) <= w) {
          repeats++;
        }
        if (i + 1 < times.size() && times.get(i + 1) - times.get(i) <= w) {
          followed++;
          followedWithinADay++; // the window (6 h) is under a day: every follow-up can still show provisionally
        }
      }
    }
    assertThat(repeats).as("the data has repeats").isPositive();
    assertThat(f).filteredOn(x -> x.kind == Kind.CONTACT).hasSize(400);
    assertThat(f).filteredOn(x -> x.kind == Kind.REPEAT_CONTACT).hasSize((int) repeats);
    assertThat(f).filteredOn(x -> x.kind == Kind.FORWARD_FINAL).hasSize(400);
    assertThat(f).filteredOn(x -> x.kind == Kind.FORWARD_FINAL && x.flag).hasSize((int) followed);
    assertThat(f).filteredOn(x -> x.kind == Kind.FORWARD_FOLLOWED).hasSize((int) followedWithinADay);
    assertThat(f).filteredOn(x -> x.kind == Kind.FORWARD_EXPIRED).hasSize((int) (400 - followed));
    // per cohort bucket (hour of the first contact): followed + expired = contacts, repeats <= contacts
    Map<Long, Long> forwardPerHour = new HashMap<>();
    Map<Long, Long> repeatsPerHour = new HashMap<>();
    for (TicketFact x : f) {
      if (x.kind == Kind.FORWARD_FOLLOWED || x.kind == Kind.FORWARD_EXPIRED) {
        forwardPerHour.merge(x.time / 3_600_000L, 1L, Long::sum);
      } else if (x.kind == Kind.REPEAT_CONTACT) {
        repeatsPerHour.merge(x.time / 3_600_000L, 1L, Long::sum);
      }
    }
    assertThat(forwardPerHour).isEqualTo(contactsPerHour);
    repeatsPerHour.forEach((hour, n) -> assertThat(n).isLessThanOrEqualTo(contactsPerHour.get(hour)));
  }
}
