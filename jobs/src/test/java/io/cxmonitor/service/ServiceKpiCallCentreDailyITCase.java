package io.cxmonitor.service;

import static io.cxmonitor.platform.influx.InfluxSchema.FIELD_N;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_CHANNEL;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_PRIORITY;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_PRODUCT;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_REGION;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_TEAM;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_WINDOW;
import static io.cxmonitor.platform.influx.InfluxSchema.WINDOW_24H;
import static io.cxmonitor.platform.influx.InfluxSchema.ciHigh;
import static io.cxmonitor.platform.influx.InfluxSchema.ciLow;
import static io.cxmonitor.platform.influx.InfluxSchema.n;
import static io.cxmonitor.platform.influx.InfluxSchema.pct;
import static io.cxmonitor.service.ServiceInfluxNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.cxmonitor.schemas.CloseReason;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.replay.CallCentreFixture;
import io.cxmonitor.tools.replay.CallCentreFixture.Call;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.assertj.core.api.SoftAssertions;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every daily figure of the shipped call-centre month, replayed through the real ReplayCli, Kafka,
 * the bounded service job and influxd, against {@link ServiceWindowModel}: the test's own reading
 * of the TSV ({@link CallCentreFixture}, plain Java) and the README's definitions. A day is the
 * rolling 24 h window whose end (the point's timestamp) is the call centre's local midnight; with
 * hourly buckets such a window is written at every midnight. Overall, per channel, team and
 * priority: counts and rates exact, percentiles within HdrHistogram's 1 %; the forward repeat's
 * provisional {@code followed} exact too (see {@link #compareForward}).
 */
class ServiceKpiCallCentreDailyITCase {
  private static final String DB = "cx_callcentre_daily";
  private static final String TOPIC = "cc.interactions";
  /**
   * The job's defaults the README states for phone's service level (--service-level) and the repeat
   * window (--repeat-window); the maximum ticket age is this test's choice (--max-ticket-age).
   */
  private static final ServiceWindowModel.Settings SETTINGS =
      new ServiceWindowModel.Settings(Duration.ofSeconds(20), Duration.ofDays(7), Duration.ofDays(1));
  private static final double[] PERCENTILES = {50, 90, 99};
  /** Key prefix of the forward-repeat points in the map of points, followed by the status. */
  private static final String FORWARD = MEASUREMENT_REPEAT_FORWARD + "/";

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static KafkaBroker kafka;
  private static InfluxServer influx;
  private static List<Call> calls;
  @TempDir static Path tmp;

  @BeforeAll
  static void replayTheMonth() throws Exception {
    calls = CallCentreFixture.calls();
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, TOPIC, CallCentreReplay.ALERTS, CallCentreReplay.DEAD_LETTERS);
    CallCentreReplay.replay(kafka, TOPIC, tmp);
    CallCentreReplay.runServiceJob(kafka, influx, "callcentre-daily-it", TOPIC, "cc-daily", DB,
        "--start-from", "EARLIEST", "--parallelism", "2", "--max-ticket-age", SETTINGS.maxTicketAge().toString());
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
    influx.close();
  }

  /** The cases issue 12 names are in the file, and the two assumptions the expected figures make hold. */
  @Test
  void theFixtureHoldsTheCasesADailyFigureMustGetRight() throws Exception {
    assertThat(calls).as("anonymous callers").anyMatch(Call::anonymous);
    assertThat(calls).as("IVR hang-ups").anyMatch(c -> c.ivrHangUp() != null);
    assertThat(calls).as("answered without queueing").anyMatch(c -> c.answered() != null && c.queued() == null);
    assertThat(calls).as("lost ends (0:00:00 sentinel)").anyMatch(c -> c.answered() != null && c.resolved() == null);
    assertThat(calls).extracting(Call::id).as("line + call id").doesNotHaveDuplicates();
    assertThat(calls.stream().map(c -> c.id().substring(c.id().indexOf('-') + 1)).distinct().count())
        .as("call ids alone repeat across lines").isLessThan(calls.size());
    assertThat(calls).as("two-digit years (yyMMdd) read as 2025")
        .allSatisfy(c -> assertThat(local(c.opened()).getYear()).isEqualTo(2025));
    assertThat(calls).as("queued on the day after the opening").anyMatch(c -> crossesMidnight(c, c.queued()));
    assertThat(calls).as("abandoned after midnight").anyMatch(c -> crossesMidnight(c, c.abandoned()));
    assertThat(calls).as("answered and resolved after midnight").anyMatch(c -> crossesMidnight(c, c.resolved()));
    assertThat(calls).as("hung up in the IVR after midnight").anyMatch(c -> crossesMidnight(c, c.ivrHangUp()));
    assertThat(calls).as("answered after exactly the service level")
        .anyMatch(c -> c.queued() != null && c.answered() != null
            && Duration.between(c.queued(), c.answered()).equals(SETTINGS.serviceLevel()));
    ServiceWindowModel.Repeats repeats = repeats();
    assertThat(repeats.backward()).as("backward repeats").isNotEmpty();
    assertThat(calls).as("a known caller's next call exactly the repeat window later (followed, end included)")
        .anyMatch(c -> SETTINGS.repeatWindow().equals(after(repeats, c)));
    assertThat(calls).as("a known caller's next call the repeat window + 1 s later (not followed)")
        .anyMatch(c -> SETTINGS.repeatWindow().plusSeconds(1).equals(after(repeats, c)));
    assertThat(calls).as("followed within a day, but after the end of the contact's day")
        .anyMatch(c -> after(repeats, c) != null && after(repeats, c).compareTo(Duration.ofDays(1)) < 0
            && crossesMidnight(c, repeats.next().get(c.id())));
    // A bounded replay decides a forward outcome only up to the latest event time each parallel
    // subtask saw (README "End of input"), which may be short of the file's last event by the
    // events of other customers: no contact's window ends in the last hour before it, so the
    // decided contacts are the same whichever subtask holds a customer.
    Instant last = repeats.lastEvent();
    assertThat(calls).filteredOn(c -> !c.anonymous()).extracting(c -> c.opened().plus(SETTINGS.repeatWindow()))
        .as("repeat windows ending in the last hour of the file")
        .noneMatch(end -> end.isAfter(last.minus(Duration.ofHours(1))) && !end.isAfter(last));
    // Every queued call leaves the queue in less than a bucket (1 h): the cohort correction of an
    // entry before midnight is known before the end of the next bucket, which writes the midnight
    // point again with it, so each midnight point is final (and n = every queued call of the day).
    assertThat(calls).filteredOn(c -> c.queued() != null)
        .allSatisfy(c -> assertThat(Duration.between(c.queued(), c.leftQueue())).isLessThan(Duration.ofMinutes(30)));
    // Calls that end, end long before the maximum ticket age: only lost ends are closed as stale.
    assertThat(calls).filteredOn(c -> c.ended() != null)
        .allSatisfy(c -> assertThat(Duration.between(c.opened(), c.ended())).isLessThan(SETTINGS.maxTicketAge()));
  }

  @Test
  void everyDailyFigureEqualsTheOneComputedFromTheFile() throws Exception {
    ServiceWindowModel.Repeats repeats = repeats();
    Map<String, Map<String, Map<Long, Map<String, Object>>>> points = new HashMap<>();
    for (String m : List.of(MEASUREMENT_SERVICE, MEASUREMENT_FRT, MEASUREMENT_TTR, MEASUREMENT_QUEUE_TIME, MEASUREMENT_BACKLOG)) {
      points.put(m, points(m, ""));
    }
    for (String status : List.of(STATUS_PROVISIONAL, STATUS_FINAL)) {
      points.put(FORWARD + status, points(MEASUREMENT_REPEAT_FORWARD, " AND \"" + TAG_STATUS + "\" = '" + status + "'"));
    }
    int finalDays = 0;
    SoftAssertions softly = new SoftAssertions();
    int compared = 0;
    for (LocalDate day : days()) {
      Instant to = day.plusDays(1).atStartOfDay(CallCentreFixture.ZONE).toInstant();
      Instant from = to.minus(Duration.ofDays(1));
      for (Map.Entry<String, Predicate<Call>> group : groups().entrySet()) {
        ServiceWindowModel want = ServiceWindowModel.of(calls, repeats, SETTINGS, group.getValue(), from, to);
        String where = day + " (24 h to " + to + ") " + group.getKey() + ": ";
        compared += compare(softly, where, want, point(points, MEASUREMENT_SERVICE, group.getKey(), to),
            point(points, MEASUREMENT_QUEUE_TIME, group.getKey(), to), point(points, MEASUREMENT_FRT, group.getKey(), to),
            point(points, MEASUREMENT_TTR, group.getKey(), to), point(points, MEASUREMENT_BACKLOG, group.getKey(), to));
        compareForward(softly, where, want, point(points, FORWARD + STATUS_PROVISIONAL, group.getKey(), to),
            point(points, FORWARD + STATUS_FINAL, group.getKey(), to));
        if (group.getKey().equals(key("all", "all", "all")) && want.forward().finalN() == want.contacts()
            && want.contacts() > 0) {
          finalDays++;
        }
      }
    }
    softly.assertAll();
    assertThat(compared).as("points compared").isGreaterThan(days().size() * 4);
    assertThat(finalDays).as("days whose forward repeat is final").isBetween(days().size() / 2, days().size() - 7);
  }

  /**
   * The forward repeat of one group's day. Final (every contact whose repeat window has passed by
   * the file's last event): n, followed and the rate exact; no final point while none has. The
   * provisional point: n = the contacts (the backward rate's), open = n - followed (no contact of
   * a day is past a 7-day window when its point is written), followed = the contacts followed by
   * one known before the end of the bucket after midnight, and the rate = followed / n.
   */
  private static void compareForward(SoftAssertions softly, String where, ServiceWindowModel want,
      Map<String, Object> provisional, Map<String, Object> fin) {
    ServiceWindowModel.Forward f = want.forward();
    String what = where + MEASUREMENT_REPEAT_FORWARD + " " + STATUS_FINAL + " ";
    if (f.finalN() == 0) {
      softly.assertThat(fin).as(what + "(no outcome final: not written)").isNull();
    } else {
      softly.assertThat(fin).as(what + "point").isNotNull();
      if (fin != null) {
        softly.assertThat(count(fin, n(RATE_REPEAT_FORWARD))).as(what + n(RATE_REPEAT_FORWARD)).isEqualTo(f.finalN());
        softly.assertThat(count(fin, FIELD_FOLLOWED)).as(what + FIELD_FOLLOWED).isEqualTo(f.finalFollowed());
        rate(softly, what + pct(RATE_REPEAT_FORWARD), fin.get(pct(RATE_REPEAT_FORWARD)), want.forwardFinalPct());
        interval(softly, what, fin);
      }
    }
    what = where + MEASUREMENT_REPEAT_FORWARD + " " + STATUS_PROVISIONAL + " ";
    if (provisional == null) {
      softly.assertThat(want.contacts()).as(what + "no point written, so no contact").isZero();
      return;
    }
    long n = count(provisional, n(RATE_REPEAT_FORWARD));
    long followed = count(provisional, FIELD_FOLLOWED);
    softly.assertThat(n).as(what + n(RATE_REPEAT_FORWARD)).isEqualTo(want.contacts());
    softly.assertThat(count(provisional, FIELD_OPEN_CONTACTS)).as(what + FIELD_OPEN_CONTACTS + " = n - followed")
        .isEqualTo(n - followed);
    softly.assertThat(followed).as(what + FIELD_FOLLOWED + " (followed by a contact before the end of the next bucket)")
        .isEqualTo(f.followedKnown());
    rate(softly, what + pct(RATE_REPEAT_FORWARD), provisional.get(pct(RATE_REPEAT_FORWARD)),
        n == 0 ? null : 100.0 * followed / n);
    if (n > 0) {
      interval(softly, what, provisional);
    }
  }

  /** The Wilson interval is written and holds the rate. */
  private static void interval(SoftAssertions softly, String what, Map<String, Object> point) {
    Object low = point.get(ciLow(RATE_REPEAT_FORWARD));
    Object high = point.get(ciHigh(RATE_REPEAT_FORWARD));
    Object pct = point.get(pct(RATE_REPEAT_FORWARD));
    softly.assertThat(low).as(what + ciLow(RATE_REPEAT_FORWARD)).isNotNull();
    softly.assertThat(high).as(what + ciHigh(RATE_REPEAT_FORWARD)).isNotNull();
    if (low != null && high != null && pct != null) {
      softly.assertThat(((Number) pct).doubleValue()).as(what + "interval")
          .isBetween(((Number) low).doubleValue(), ((Number) high).doubleValue());
    }
  }

  /** Compares one group's day; returns how many points it compared (0 when none was written and none was due). */
  private static int compare(SoftAssertions softly, String where, ServiceWindowModel want, Map<String, Object> service,
      Map<String, Object> queueTime, Map<String, Object> frt, Map<String, Object> ttr, Map<String, Object> backlog) {
    softly.assertThat(backlog == null ? 0L : count(backlog, FIELD_OPEN)).as(where + "backlog at the end").isEqualTo(want.backlog());
    if (service == null) {
      softly.assertThat(want.quiet()).as(where + "no point written, so nothing happened: " + want).isTrue();
      return backlog == null ? 0 : 1;
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put(FIELD_OPENED, want.opened());
    counts.put(FIELD_QUEUED, want.queued());
    counts.put(FIELD_ANSWERED, want.answered());
    counts.put(FIELD_ANSWERED_IN_SL, want.answeredInServiceLevel());
    counts.put(FIELD_ABANDONED, want.abandoned());
    counts.put(n(RATE_ABANDON), want.leftQueue());
    counts.put(n(RATE_SERVICE_LEVEL), want.leftQueue());
    counts.put(FIELD_RESOLVED, want.resolved());
    counts.put(FIELD_CLOSED, want.closed());
    for (CloseReason reason : CloseReason.values()) {
      counts.put(closedField(reason), reason == CloseReason.IVR_HANGUP ? want.closedIvrHangUp() : 0L);
    }
    counts.put(FIELD_ANONYMOUS_CONTACTS, want.anonymousContacts());
    counts.put(FIELD_FCR_PROVISIONAL_YES, want.fcrProvisionalYes());
    counts.put(n(RATE_FCR_PROVISIONAL), want.fcrProvisional());
    counts.put(FIELD_CLOSED_STALE, want.closedStale());
    counts.put(FIELD_CONTACTS, want.contacts());
    counts.put(FIELD_REPEATS, want.repeats());
    counts.put(n(RATE_REPEAT), want.contacts());
    counts.put(FIELD_REPEATS_SWITCHED, 0L); // every call is a phone call
    counts.forEach((field, value) -> softly.assertThat(count(service, field)).as(where + field).isEqualTo(value));
    rate(softly, where + pct(RATE_ABANDON), service.get(pct(RATE_ABANDON)), want.abandonPct());
    rate(softly, where + pct(RATE_SERVICE_LEVEL), service.get(pct(RATE_SERVICE_LEVEL)), want.serviceLevelPct());
    rate(softly, where + pct(RATE_REPEAT), service.get(pct(RATE_REPEAT)), want.repeatPct());
    rate(softly, where + pct(RATE_FCR_PROVISIONAL), service.get(pct(RATE_FCR_PROVISIONAL)), want.fcrProvisionalPct());
    durations(softly, where + MEASUREMENT_QUEUE_TIME, queueTime, want.queueTimesMs());
    durations(softly, where + MEASUREMENT_FRT, frt, want.firstResponsesMs());
    durations(softly, where + MEASUREMENT_TTR, ttr, want.resolutionsMs());
    return 1;
  }

  private static void rate(SoftAssertions softly, String what, Object actual, Double want) {
    if (want == null) {
      softly.assertThat(actual).as(what + " (n = 0: not written)").isNull();
    } else {
      softly.assertThat(actual).as(what).isNotNull();
      if (actual != null) {
        softly.assertThat(((Number) actual).doubleValue()).as(what).isCloseTo(want, within(1e-9));
      }
    }
  }

  /** n exact, p50/p90/p99 within 1 % of the exact nearest-rank percentile (README: HdrHistogram, 2 significant digits). */
  private static void durations(SoftAssertions softly, String where, Map<String, Object> point, List<Long> wantMs) {
    softly.assertThat(point == null ? 0L : count(point, FIELD_N)).as(where + " n").isEqualTo((long) wantMs.size());
    if (point == null || wantMs.isEmpty()) {
      return;
    }
    String[] fields = {FIELD_P50_S, FIELD_P90_S, FIELD_P99_S};
    for (int i = 0; i < PERCENTILES.length; i++) {
      double exact = ServiceWindowModel.percentileS(wantMs, PERCENTILES[i]);
      Object actual = point.get(fields[i]);
      softly.assertThat(actual).as(where + " " + fields[i]).isNotNull();
      if (actual != null) {
        softly.assertThat(((Number) actual).doubleValue()).as(where + " " + fields[i] + " (exact " + exact + " s)")
            .isCloseTo(exact, withinPercentage(1));
      }
    }
  }

  /** The groups the job reports that select calls: overall, the one channel, every team and priority of the file. */
  private static Map<String, Predicate<Call>> groups() {
    Map<String, Predicate<Call>> groups = new LinkedHashMap<>();
    groups.put(key("all", "all", "all"), c -> true);
    groups.put(key("phone", "all", "all"), c -> true);
    for (String team : new TreeSet<>(calls.stream().map(Call::team).toList())) {
      groups.put(key("all", team, "all"), c -> c.team().equals(team));
    }
    for (String priority : new TreeSet<>(calls.stream().map(Call::priority).toList())) {
      groups.put(key("all", "all", priority), c -> c.priority().equals(priority));
    }
    return groups;
  }

  private static String key(String channel, String team, String priority) {
    return TAG_CHANNEL + "=" + channel + "," + TAG_TEAM + "=" + team + "," + TAG_PRIORITY + "=" + priority;
  }

  private static ServiceWindowModel.Repeats repeats() throws Exception {
    ServiceWindowModel.Repeats repeats = ServiceWindowModel.Repeats.of(calls, SETTINGS.repeatWindow());
    assertThat(repeats.lastEvent()).as("the file's last event").isEqualTo(CallCentreFixture.read().last());
    return repeats;
  }

  /** How long after {@code c} its caller's next call came; null for none (or an anonymous caller). */
  private static Duration after(ServiceWindowModel.Repeats repeats, Call c) {
    Instant next = repeats.next().get(c.id());
    return next == null ? null : Duration.between(c.opened(), next);
  }

  /** The local days of the file, from the first call's to the last call's. */
  private static List<LocalDate> days() {
    List<LocalDate> days = new ArrayList<>();
    LocalDate first = calls.stream().map(c -> local(c.opened())).min(LocalDate::compareTo).orElseThrow();
    LocalDate last = calls.stream().map(c -> local(c.opened())).max(LocalDate::compareTo).orElseThrow();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      days.add(d);
    }
    return days;
  }

  private static LocalDate local(Instant t) {
    return t.atZone(CallCentreFixture.ZONE).toLocalDate();
  }

  private static boolean crossesMidnight(Call c, Instant t) {
    return t != null && local(t).isAfter(local(c.opened()));
  }

  private static Map<String, Object> point(Map<String, Map<String, Map<Long, Map<String, Object>>>> points, String measurement,
      String group, Instant at) {
    return points.get(measurement).getOrDefault(group, Map.of()).get(at.toEpochMilli());
  }

  /**
   * A measurement's points of the groups above (region and product "all"; the 24 h window where the
   * measurement has windows), by group key and time (ms).
   */
  private static Map<String, Map<Long, Map<String, Object>>> points(String measurement, String condition) {
    String windowed = (measurement.equals(MEASUREMENT_BACKLOG) ? "" : " AND \"" + TAG_WINDOW + "\" = '" + WINDOW_24H + "'")
        + condition;
    Map<String, Map<Long, Map<String, Object>>> out = new HashMap<>();
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      QueryResult q = client.query(new Query("SELECT * FROM \"" + measurement + "\" WHERE \"" + TAG_REGION + "\" = 'all' AND \""
          + TAG_PRODUCT + "\" = 'all'" + windowed, DB), TimeUnit.MILLISECONDS);
      assertThat(q.getError()).isNull();
      for (QueryResult.Series s : q.getResults().get(0).getSeries()) {
        for (List<Object> row : s.getValues()) {
          Map<String, Object> p = new HashMap<>();
          for (int i = 0; i < s.getColumns().size(); i++) {
            if (row.get(i) != null) {
              p.put(s.getColumns().get(i), row.get(i));
            }
          }
          String group = key((String) p.get(TAG_CHANNEL), (String) p.get(TAG_TEAM), (String) p.get(TAG_PRIORITY));
          out.computeIfAbsent(group, g -> new HashMap<>()).put(((Number) p.get("time")).longValue(), p);
        }
      }
    }
    return out;
  }

  private static long count(Map<String, Object> point, String field) {
    Object v = point.get(field);
    assertThat(v).as(field + " in " + point).isNotNull();
    return ((Number) v).longValue();
  }
}
