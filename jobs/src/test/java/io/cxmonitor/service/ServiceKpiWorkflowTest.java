package io.cxmonitor.service;

import static io.cxmonitor.platform.influx.InfluxSchema.*;
import static io.cxmonitor.service.ServiceInfluxNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

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
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.schemas.SlaKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service workflow as the job builds it, on a MiniCluster, fed from memory instead of Kafka and
 * writing into collecting sinks: interaction events in; service counts and rates, FRT/TTR,
 * backlog, repeat pairs, SLA alerts, dead letters and pipeline counters out.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServiceKpiWorkflowTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = WorkflowTestCluster.extension();

  private static final String JOB = "interactions";
  /** A short reopen window, so the first-contact-resolution outcomes are final within the test's day. */
  private static final Duration REOPEN = Duration.ofHours(1);
  /**
   * Five-minute buckets: the same code as one-minute ones with a fifth of the ticks. At the end of
   * a bounded input every group ticks on through the next 24 h, and with a repeat contact the
   * overall group writes 100 channel-pair points per window and tick; with one-minute buckets
   * that alone is 300 000 points and most of the run time.
   */
  private static final Duration BUCKET = Duration.ofMinutes(5);
  private static final String WINDOW_5M = "5m";
  // Idleness is processing time: far beyond the test's run time, so it never changes a result.
  private static final ServiceKpiWorkflow.Settings SETTINGS = new ServiceKpiWorkflow.Settings(JOB, Duration.ofSeconds(30),
      Duration.ofHours(1), Duration.ofHours(1), SlaPolicy.defaults(), REOPEN, Duration.ofDays(7), Duration.ofDays(7), BUCKET);

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  private final CollectingSink<KpiPoint> kpis = CollectingSink.create();
  private final CollectingSink<SlaBreachAlert> alerts = CollectingSink.create();
  private final CollectingSink<DeadLetter> deadLetters = CollectingSink.create();
  private int eventSeq;

  @AfterEach
  void closeSinks() {
    kpis.close();
    alerts.close();
    deadLetters.close();
  }

  @Test
  void interactionsBecomeServiceKpisAlertsAndDeadLetters() throws Exception {
    DecodedRecords<InteractionEvent> in = TestInputs.interactions("interactions");
    Ticket t1 = new Ticket("t1", "c1", Channel.CHAT, "Billing", "North", Priority.NORMAL);
    Ticket t2 = new Ticket("t2", "c2", Channel.PHONE, "Support", "South", Priority.URGENT);
    Ticket t3 = new Ticket("t3", "c1", Channel.EMAIL, "Billing", "North", Priority.NORMAL); // c1 again: a repeat contact
    Ticket t4 = new Ticket("t4", "c3", Channel.CHAT, "Billing", "North", Priority.NORMAL);
    Ticket t5 = new Ticket("t5", "c4", Channel.WEB, "Support", "South", Priority.HIGH);
    Ticket t6 = new Ticket("t6", "c5", Channel.PHONE, "Support", "South", Priority.NORMAL);
    byte[] notAvro = "not avro".getBytes(StandardCharsets.UTF_8);
    InteractionEvent noTicket = InteractionEvent.newBuilder(event(t1, InteractionType.OPENED, at(3, 45)))
        .setEventId("e-bad").setTicketId("").build();
    Decoded<InteractionEvent> undecodable = in.undecodable(notAvro, at(3, 40));
    Decoded<InteractionEvent> invalid = in.invalid(noTicket);

    Instant bucket3End = at(20, 0);
    InMemorySource.Builder<Decoded<InteractionEvent>> source = InMemorySource.of(in.type()).add(
        // bucket 0: 10:00-10:05
        in.good(event(t1, InteractionType.OPENED, at(0, 10))),
        in.good(event(t1, InteractionType.QUEUED, at(0, 20))),
        in.good(event(t2, InteractionType.OPENED, at(0, 30))),
        in.good(event(t2, InteractionType.QUEUED, at(0, 40))), // never answered
        in.good(event(t4, InteractionType.OPENED, at(1, 0))),
        in.good(event(t1, InteractionType.AGENT_REPLY, at(2, 0))),
        in.good(event(t3, InteractionType.OPENED, at(3, 0))),
        // the customer writes again after the agent's reply: t1 is not a first-contact resolution
        in.good(event(t1, InteractionType.CUSTOMER_REPLY, at(3, 30))),
        in.good(event(t6, InteractionType.OPENED, at(4, 40))),
        in.good(event(t6, InteractionType.QUEUED, at(4, 50))),
        undecodable,
        invalid,
        // bucket 1: 10:05-10:10, the first resolution exactly on its start
        in.good(event(t1, InteractionType.RESOLVED, at(5, 0))),
        in.good(selfServed(event(t3, InteractionType.RESOLVED, at(8, 0)))),
        // t6 hangs up in the queue in bucket 1, arriving when the watermark is past its queue entry's
        // bucket: the abandonment still counts in bucket 0, the cohort of its queue entry
        in.good(event(t6, InteractionType.ABANDONED, at(5, 20))),
        // bucket 2
        in.good(event(t5, InteractionType.OPENED, at(12, 0))),
        // bucket 4: 10:20:30 moves the watermark to 10:20, past t2's first-response deadline (10:15:30)
        in.good(event(t5, InteractionType.AGENT_REPLY, at(20, 30))));
    // t4's resolution at 10:02:30 arrives after 10:20:30 in its partition, whose watermark has
    // closed the buckets up to 10:20: late at its source subtask, whatever the timing, so
    // dead-lettered by the router and never seen by the per-ticket function.
    Decoded<InteractionEvent> lateResolution = in.good(event(t4, InteractionType.RESOLVED, at(2, 30)));
    source.add(lateResolution);
    // The input's last event, at 11:30, is past the reopen window of the resolutions (FCR final) but
    // before the resolution deadlines of the tickets still open: the end of input decides no more.
    Instant lastEvent = at(90, 0);
    source.add(in.good(event(t2, InteractionType.CUSTOMER_REPLY, lastEvent)));

    StreamExecutionEnvironment env = WorkflowTestCluster.environment();
    ServiceKpiWorkflow.defineWorkflow(env, source.build(), kpis, alerts, deadLetters, SETTINGS);
    env.execute("service workflow test");

    KpiPoints points = new KpiPoints(kpis.records());
    Map<String, Object> bucket0 = points.fields(MEASUREMENT_SERVICE, tags(WINDOW_5M), at(5, 0));
    // queued t1, t2, t6; left the queue: t1 answered after 100 s (chat threshold 60 s), t6 abandoned
    // after 30 s; t2 still waits, so it is not yet in the rates' n
    assertThat(bucket0).contains(entry(FIELD_OPENED, 5L), entry(FIELD_QUEUED, 3L), entry(FIELD_CONTACTS, 5L),
        entry(FIELD_ANSWERED, 1L), entry(FIELD_ABANDONED, 1L), entry(n(RATE_ABANDON), 2L), entry(FIELD_ANSWERED_IN_SL, 0L),
        entry(n(RATE_SERVICE_LEVEL), 2L), entry(FIELD_REPEATS, 1L), entry(FIELD_REPEATS_SWITCHED, 1L), entry(FIELD_RESOLVED, 0L));
    assertThat((Double) bucket0.get(pct(RATE_ABANDON))).isCloseTo(50.0, within(1e-9));
    assertThat((Double) bucket0.get(pct(RATE_SERVICE_LEVEL))).isCloseTo(0.0, within(1e-9));
    Map<String, Object> queueTime = points.fields(MEASUREMENT_QUEUE_TIME, tags(WINDOW_5M), at(5, 0));
    assertThat(queueTime).containsEntry(FIELD_N, 2L);
    assertThat((Double) queueTime.get(FIELD_MAX_S)).isCloseTo(100.0, withinPercentage(1));
    assertThat(points.fields(MEASUREMENT_SERVICE, tags(WINDOW_5M, TAG_CHANNEL, "phone"), at(5, 0)))
        .contains(entry(FIELD_QUEUED, 2L), entry(FIELD_ABANDONED, 1L), entry(n(RATE_ABANDON), 1L));
    assertThat(points.fields(MEASUREMENT_REPEAT_PAIRS,
        Map.of(TAG_WINDOW, WINDOW_5M, TAG_CHANNEL, "chat", TAG_TO_CHANNEL, "email"), at(5, 0))).containsEntry(FIELD_N, 1L);
    Map<String, Object> bucket1 = points.fields(MEASUREMENT_SERVICE, tags(WINDOW_5M), at(10, 0));
    assertThat(bucket1).contains(entry(FIELD_OPENED, 0L), entry(FIELD_RESOLVED, 2L), entry(FIELD_SELF_SERVED, 1L),
        entry(FIELD_QUEUED, 0L), entry(FIELD_ABANDONED, 0L), entry(n(RATE_ABANDON), 0L));
    assertThat(points.fields(MEASUREMENT_SERVICE, tags(WINDOW_5M, TAG_CHANNEL, "email"), at(10, 0)))
        .contains(entry(FIELD_RESOLVED, 1L), entry(FIELD_SELF_SERVED, 1L));
    // provisional FCR at the first resolution by an agent: t1 (10:05), not FCR (the customer came
    // back); t3 was self-served
    assertThat(bucket1).contains(entry(n(RATE_FCR_PROVISIONAL), 1L), entry(FIELD_FCR_PROVISIONAL_YES, 0L));
    // forward repeat, provisional, in the cohort of the first contact: t1 (c1) was followed by t3
    Map<String, String> provisional = new java.util.HashMap<>(tags(WINDOW_5M));
    provisional.put(TAG_STATUS, STATUS_PROVISIONAL);
    Map<String, Object> forward0 = points.fields(MEASUREMENT_REPEAT_FORWARD, provisional, at(5, 0));
    assertThat(forward0).contains(entry(n(RATE_REPEAT_FORWARD), 5L), entry(FIELD_FOLLOWED, 1L), entry(FIELD_OPEN_CONTACTS, 4L));
    assertThat((Double) forward0.get(pct(RATE_REPEAT_FORWARD))).isCloseTo(20.0, within(1e-9));
    assertThat(bucket0).containsEntry(FIELD_ANONYMOUS_CONTACTS, 0L);
    Map<String, String> finalDay = new java.util.HashMap<>(tags(WINDOW_24H));
    finalDay.put(TAG_STATUS, STATUS_FINAL);
    assertThat(points.series(MEASUREMENT_REPEAT_FORWARD, finalDay)).as("no forward outcome is final: the input ends within the week")
        .isEmpty();

    // Up to 10:20: six opened, two resolved (t4's resolution is late and dead-lettered), one of them self-served.
    Map<String, Object> hour = points.fields(MEASUREMENT_SERVICE, tags(WINDOW_1H), bucket3End);
    assertThat(hour).contains(entry(FIELD_OPENED, 6L), entry(FIELD_RESOLVED, 2L), entry(FIELD_SELF_SERVED, 1L),
        entry(FIELD_QUEUED, 3L), entry(FIELD_ABANDONED, 1L), entry(n(RATE_ABANDON), 2L), entry(FIELD_CONTACTS, 6L),
        entry(FIELD_REPEATS, 1L), entry(FIELD_SLA_FRT_BREACHES, 1L), entry(n(RATE_REPEAT), 6L), entry(n(RATE_SELF_SERVICE), 2L));
    assertThat((Double) hour.get(pct(RATE_SELF_SERVICE))).isCloseTo(50.0, within(1e-9));
    assertThat((Double) hour.get(pct(RATE_REPEAT))).isCloseTo(100.0 / 6, within(1e-9));
    Map<String, Object> ttr = points.fields(MEASUREMENT_TTR, tags(WINDOW_1H), bucket3End);
    assertThat(ttr).containsEntry(FIELD_N, 2L);
    // durations come from a 2-significant-digit histogram: within 1 %
    assertThat((Double) ttr.get(FIELD_MEAN_S)).isCloseTo((290 + 300) / 2.0, withinPercentage(1));
    assertThat((Double) ttr.get(FIELD_MAX_S)).isCloseTo(300.0, withinPercentage(1));
    Map<String, Object> frt = points.fields(MEASUREMENT_FRT, tags(WINDOW_1H), at(25, 0));
    assertThat(frt).containsEntry(FIELD_N, 2L);
    assertThat((Double) frt.get(FIELD_MAX_S)).isCloseTo(510.0, withinPercentage(1));
    assertThat(points.fields(MEASUREMENT_FRT, tags(WINDOW_1H, TAG_TEAM, "billing"), at(25, 0))).containsEntry(FIELD_N, 1L);

    // FCR is final an hour (the reopen window) after resolution: t1 at 11:05 no (the customer came
    // back); t3 (11:08) was self-served: no FCR outcome, but in the reopen rate's n. t4 was never
    // resolved (its resolution was late).
    Map<String, Object> fcrHour = points.fields(MEASUREMENT_SERVICE, tags(WINDOW_1H), at(70, 0));
    assertThat(fcrHour).contains(entry(n(RATE_FCR), 1L), entry(FIELD_FCR_YES, 0L), entry(n(RATE_REOPEN), 2L));
    assertThat((Double) fcrHour.get(pct(RATE_FCR))).isCloseTo(0.0, within(1e-9));
    assertThat((Double) fcrHour.get(pct(RATE_REOPEN))).isCloseTo(0.0, within(1e-9));

    // The backlog gauge counts t4 as open: its only resolution was late.
    Map<String, Integer[]> openClose = Map.of(  // ticket → [bucket opened, bucket closed or null]
        "t1", new Integer[] {0, 1}, "t2", new Integer[] {0, null}, "t3", new Integer[] {0, 1},
        "t4", new Integer[] {0, null}, "t5", new Integer[] {2, null}, "t6", new Integer[] {0, 1});
    var backlog = points.series(MEASUREMENT_BACKLOG, backlogTags());
    for (int bucket = 0; bucket <= 4; bucket++) {
      long open = 0;
      for (Integer[] oc : openClose.values()) {
        if (oc[0] <= bucket && (oc[1] == null || oc[1] > bucket)) {
          open++;
        }
      }
      Instant end = at(5 * (bucket + 1), 0);
      assertThat(backlog.get(end)).as("backlog at %s", end).containsEntry(FIELD_OPEN, open);
    }
    assertThat(points.fields(MEASUREMENT_BACKLOG, backlogTags(TAG_TEAM, "billing"), bucket3End)).containsEntry(FIELD_OPEN, 1L);
    assertThat(points.fields(MEASUREMENT_BACKLOG, backlogTags(TAG_TEAM, "billing"), at(25, 0))).containsEntry(FIELD_OPEN, 1L);

    // t2 breached its first-response SLA while the data ran. The end of a bounded input is not the
    // end of time: the resolution deadlines of the tickets still open (t2 14:00:30, t5 tomorrow) are
    // after the last event (11:30) and have not passed.
    Map<String, SlaBreachAlert> byId = new TreeMap<>();
    alerts.records().forEach(a -> byId.put(a.getAlertId(), a));
    assertThat(byId).containsOnlyKeys("t2/FIRST_RESPONSE");
    SlaBreachAlert frtBreach = byId.get("t2/FIRST_RESPONSE");
    assertThat(frtBreach.getKind()).isEqualTo(SlaKind.FIRST_RESPONSE);
    assertThat(frtBreach.getDueAt()).isEqualTo(at(0, 30).plus(Duration.ofMinutes(15)));
    assertThat(frtBreach.getOpenedAt()).isEqualTo(at(0, 30));
    assertThat(frtBreach.getSlaMs()).isEqualTo(Duration.ofMinutes(15).toMillis());
    assertThat(frtBreach.getPriority()).isEqualTo(Priority.URGENT);
    assertThat(frtBreach.getChannel()).isEqualTo(Channel.PHONE);
    assertThat(frtBreach.getCustomerId()).isEqualTo("c2");
    assertThat(alerts.records()).allSatisfy(a -> assertThat(a.getDueAt()).isBeforeOrEqualTo(lastEvent));

    // Undecodable, invalid and late interactions are dead-lettered with their reason by the router.
    List<DeadLetter> dead = deadLetters.records();
    assertThat(dead).extracting(d -> d.kind)
        .containsExactlyInAnyOrder(DeadLetter.Kind.UNDECODABLE, DeadLetter.Kind.INVALID, DeadLetter.Kind.LATE);
    for (DeadLetter d : dead) {
      assertThat(d.job).isEqualTo(JOB);
      assertThat(d.topic).isEqualTo("interactions");
      if (d.kind == DeadLetter.Kind.INVALID) {
        assertThat(d.reason).isEqualTo("ticket_id is empty (event e-bad)");
        assertThat(d.value).isEqualTo(in.encode(noTicket));
        assertThat(d.offset).isEqualTo(invalid.offset);
      } else if (d.kind == DeadLetter.Kind.LATE) {
        assertThat(d.reason).isEqualTo("late: event_time 2026-03-02T10:02:30Z is in a PT5M bucket already closed by "
            + "watermark 2026-03-02T10:19:59.999Z of its source subtask");
        assertThat(d.offset).isEqualTo(lateResolution.offset);
      } else {
        assertThat(d.reason).startsWith("not Avro single-object encoding");
        assertThat(d.value).isEqualTo(notAvro);
        assertThat(d.offset).isEqualTo(undecodable.offset);
      }
    }

    // The router counts interactions (16 on time, t4's resolution late); the pre-aggregation counts
    // facts, none of them late since no late interaction reaches the per-ticket function. 28 facts:
    // 6 OPENED, 6 CONTACT, 1 REPEAT_CONTACT, 1 FORWARD_FOLLOWED (t1, followed by t3), 2
    // FIRST_RESPONSE (t1, t5), 2 RESOLVED (t1, t3), 1 FCR_PROVISIONAL (t1; t3 was self-served), 1 SLA
    // breach, 2 FCR_FINAL (t1, t3), 3 QUEUED (t1, t2, t6), 1 QUEUE_ANSWERED (t1), 1 QUEUE_ABANDONED
    // and 1 ABANDONED (t6).
    assertThat(points.pipelineTotals(JOB)).containsOnly(
        entry(FIELD_EVENTS_TOTAL, 16L), entry(FIELD_LATE_TOTAL, 1L), entry(FIELD_INVALID_TOTAL, 1L), entry(FIELD_UNDECODABLE_TOTAL, 1L));
    assertThat(points.pipelineTotals(JOB + ".facts")).containsOnly(
        entry(FIELD_EVENTS_TOTAL, 28L), entry(FIELD_LATE_TOTAL, 0L), entry(FIELD_INVALID_TOTAL, 0L), entry(FIELD_UNDECODABLE_TOTAL, 0L));
  }

  private record Ticket(String id, String customer, Channel channel, String team, String region, Priority priority) {}

  private InteractionEvent event(Ticket t, InteractionType type, Instant time) {
    return InteractionEvent.newBuilder().setEventId("e" + (++eventSeq)).setTicketId(t.id()).setCustomerId(t.customer())
        .setEventType(type).setEventTime(time).setChannel(t.channel()).setTeam(t.team()).setRegion(t.region())
        .setProduct("Fiber").setPriority(t.priority()).build();
  }

  private static InteractionEvent selfServed(InteractionEvent e) {
    return InteractionEvent.newBuilder(e).setSelfService(true).build();
  }

  /** T0 plus minutes and seconds. */
  private static Instant at(int minutes, int seconds) {
    return T0.plus(Duration.ofMinutes(minutes)).plusSeconds(seconds);
  }

  private static Map<String, String> tags(String window, String... dimensionAndValue) {
    return KpiPoints.tags(SERVICE_DIMENSION_TAGS, window, dimensionAndValue);
  }

  /** Tags of a backlog gauge (no window). */
  private static Map<String, String> backlogTags(String... dimensionAndValue) {
    return KpiPoints.tags(SERVICE_DIMENSION_TAGS, null, dimensionAndValue);
  }
}
