package io.cxmonitor.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxmonitor.dashboards.RuleStates.State;
import io.cxmonitor.testkit.InfluxServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert rules through outages, evaluated minute by minute as Grafana's scheduler would — each
 * evaluation runs the rule's own queries from the provisioning file against a real influxd, and
 * {@link RuleStates} keeps the instances' states (pending period, missing series, No Data, Error)
 * as Grafana documents them: a job silent for hours keeps {@code cx-no-data} firing, a short pause
 * only makes it pending, an InfluxDB outage pages through {@code cx-no-data} while the KPI rules
 * keep their state, and a counter reset is not a burst of dead letters.
 */
class AlertRuleOutageITCase {
  private static final Path RULES = DashboardFiles.PROVISIONING.resolve("alerting/cx-alert-rules.yaml");
  private static final long MIN = 60_000;
  private static final long H = 60 * MIN;
  private static final Map<String, String> SURVEYS = Map.of("job", "surveys");
  private static final Map<String, String> SERVICE = Map.of("job", "service");

  private static InfluxServer influx;
  private static InfluxDB client;
  private static final AtomicInteger DBS = new AtomicInteger();
  /** Evaluation times are whole minutes, as Grafana's scheduler spreads them; ms within the minute would not change buckets. */
  private static final long T = System.currentTimeMillis() / MIN * MIN;

  @BeforeAll
  static void start() throws Exception {
    influx = InfluxServer.start();
    client = InfluxDBFactory.connect(influx.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    influx.close();
  }

  @Test
  void cxNoDataKeepsFiringWhileAJobIsSilentForHours() throws Exception {
    JsonNode rule = rule("cx-no-data");
    List<String> lines = new ArrayList<>();
    lines.addAll(reports("surveys", T - 10 * H, T - 3 * H));
    lines.addAll(reports("service", T - 10 * H, T));
    String db = database(lines);

    RuleStates states = new RuleStates(rule);
    Map<Long, State> surveys = new LinkedHashMap<>();
    for (long t = T - 3 * H + MIN; t <= T; t += MIN) {
      evaluate(rule, db, states, t);
      surveys.put(t, states.states().get(SURVEYS));
      assertThat(states.states().get(SERVICE)).as("the job that reports, at %s", t).isEqualTo(State.NORMAL);
    }
    long firstPending = firstTime(surveys, State.PENDING);
    long firstAlerting = firstTime(surveys, State.ALERTING);
    assertThat(firstPending).as("pending within one 5-minute bucket of the silence").isLessThanOrEqualTo(T - 3 * H + 5 * MIN);
    assertThat(firstAlerting - firstPending).as("pending period ('for')").isEqualTo(RuleStates.parseDuration("5m").toMillis());
    surveys.forEach((t, state) -> {
      if (t >= firstAlerting) {
        assertThat(state).as("silent job at %s", t).isEqualTo(State.ALERTING);
      }
    });
    assertThat(T - firstAlerting).as("kept firing for hours").isGreaterThan(2 * H + 45 * MIN);

    // The same rule over the last hour only (as provisioned before): the silent job drops out of the
    // query's result, its instance goes stale and Grafana resolves it while the job is still down.
    ObjectNode lastHourOnly = rule.deepCopy();
    ((ObjectNode) lastHourOnly.path("data").get(0).path("relativeTimeRange")).put("from", 3600);
    RuleStates old = new RuleStates(lastHourOnly);
    for (long t = T - 3 * H + MIN; t <= T; t += MIN) {
      evaluate(lastHourOnly, db, old, t);
    }
    assertThat(old.states()).as("an hour-long range resolves the silent job").doesNotContainKey(SURVEYS)
        .containsEntry(SERVICE, State.NORMAL);
  }

  @Test
  void cxNoDataStaysQuietThroughAPauseShorterThanItsPendingPeriod() throws Exception {
    JsonNode rule = rule("cx-no-data");
    long gapStart = T / (5 * MIN) * (5 * MIN) - 57 * MIN; // four silent minutes across a 5-minute bucket boundary
    List<String> lines = new ArrayList<>(reports("surveys", T - 2 * H, gapStart));
    lines.addAll(reports("surveys", gapStart + 5 * MIN, T));
    String db = database(lines);

    RuleStates states = new RuleStates(rule);
    List<State> seen = new ArrayList<>();
    for (long t = T - 90 * MIN; t <= T; t += MIN) {
      evaluate(rule, db, states, t);
      seen.add(states.states().get(SURVEYS));
    }
    assertThat(seen).as("pending while its bucket is empty").contains(State.PENDING);
    assertThat(seen).as("never for the pending period").doesNotContain(State.ALERTING);
    assertThat(states.states()).containsEntry(SURVEYS, State.NORMAL);
  }

  @Test
  void cxNoDataPagesWhenNothingWasEverReported() throws Exception {
    JsonNode rule = rule("cx-no-data");
    String db = database(List.of());
    RuleStates states = new RuleStates(rule);
    evaluate(rule, db, states, T);
    assertThat(states.states()).containsExactly(Map.entry(Map.of(), State.PENDING));
    evaluate(rule, db, states, T + 4 * MIN);
    assertThat(states.firing()).isEmpty();
    evaluate(rule, db, states, T + 5 * MIN);
    assertThat(states.firing()).containsExactly(Map.of());
  }

  @Test
  void anInfluxDbOutagePagesThroughCxNoDataWhileTheKpiRulesKeepTheirState() throws Exception {
    JsonNode noData = rule("cx-no-data");
    JsonNode csat = rule("cx-csat-low");
    String survey = "region=all,team=all,product=all";
    List<String> lines = new ArrayList<>(reports("surveys", T - 2 * H, T + 15 * MIN));
    lines.addAll(reports("service", T - 2 * H, T + 15 * MIN));
    lines.add("cx_csat,window=1h,channel=zalo_oa," + survey + " top2_pct=50,n=40i,provisional=0i " + (T - MIN)); // final points, as the job writes them
    lines.add("cx_csat,window=1h,channel=chat," + survey + " top2_pct=75,n=400i,provisional=0i " + (T - MIN));
    String db = database(lines);

    RuleStates jobs = new RuleStates(noData);
    RuleStates scores = new RuleStates(csat);
    long t = T;
    for (; t <= T + 10 * MIN; t += MIN) {
      evaluate(noData, db, jobs, t);
      evaluate(csat, db, scores, t);
    }
    assertThat(jobs.firing()).isEmpty();
    assertThat(scores.firing()).containsExactly(Map.of("channel", "zalo_oa"));

    influx.stop();
    try {
      long outageStart = t;
      for (; t <= outageStart + 6 * MIN; t += MIN) {
        assertThat(evaluate(noData, db, jobs, t)).isEqualTo(RuleEvaluator.Outcome.ERROR);
        evaluate(csat, db, scores, t);
        if (t < outageStart + 5 * MIN) {
          assertThat(jobs.firing()).as("pending period first, at +%d min", (t - outageStart) / MIN).isEmpty();
        }
      }
    } finally {
      influx.restart();
    }
    assertThat(jobs.firing()).as("InfluxDB unreachable pages as cx-no-data").containsExactlyInAnyOrder(SURVEYS, SERVICE);
    assertThat(scores.states()).as("KPI rules keep their last state, no DatasourceError")
        .isEqualTo(Map.of(Map.of("channel", "zalo_oa"), State.ALERTING, Map.of("channel", "chat"), State.NORMAL));
  }

  @Test
  void deadLettersRisingCountsIncreasesAndIgnoresACounterReset() throws Exception {
    JsonNode rule = rule("cx-dead-letters-rising");
    // A restart without state: the counters fall from 5000 to 0 and climb by 10 — not 5000 dead letters.
    assertThat(conditionHolds(rule, database(counters(List.of(5_000L, 5_000L, 0L, 3L, 10L))))).as("reset").isFalse();
    // 80 before the reset and 60 after it: 140 in 15 minutes.
    assertThat(conditionHolds(rule, database(counters(List.of(5_000L, 5_080L, 0L, 20L, 60L))))).as("rising across a reset")
        .isTrue();
  }

  // --- helpers ---

  private static boolean conditionHolds(JsonNode rule, String db) {
    RuleEvaluator.Evaluation e = evaluateAt(rule, db, T);
    assertThat(e.outcome()).isEqualTo(RuleEvaluator.Outcome.DATA);
    return e.conditions().values().stream().anyMatch(Boolean::booleanValue);
  }

  /** cx_pipeline reports of subtask 0 at T-14, -12, -10, -6 and -1 minutes with these late_total values. */
  private static List<String> counters(List<Long> late) {
    long[] minutesAgo = {14, 12, 10, 6, 1};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < minutesAgo.length; i++) {
      lines.add("cx_pipeline,job=surveys,subtask=0 events_total=" + (1000 + i) + "i,late_total=" + late.get(i)
          + "i,invalid_total=0i,undecodable_total=0i " + (T - minutesAgo[i] * MIN));
    }
    return lines;
  }

  /** A job's pipeline report every minute in [from, to] (the jobs write one every 10 s; a minute is enough here). */
  private static List<String> reports(String job, long from, long to) {
    List<String> lines = new ArrayList<>();
    for (long t = from; t <= to; t += MIN) {
      lines.add("cx_pipeline,job=" + job + ",subtask=0 events_total=" + (t - from) / MIN + "i " + t);
    }
    return lines;
  }

  /** One evaluation at {@code t} of the rule's queries on {@code db}, applied to the instance states. */
  private static RuleEvaluator.Outcome evaluate(JsonNode rule, String db, RuleStates states, long t) {
    RuleEvaluator.Evaluation e = evaluateAt(rule, db, t);
    states.apply(t, e);
    return e.outcome();
  }

  private static RuleEvaluator.Evaluation evaluateAt(JsonNode rule, String db, long t) {
    return new RuleEvaluator(q -> RuleEvaluator.query(client, db, q)).evaluateAt(rule, t);
  }

  private static long firstTime(Map<Long, State> states, State wanted) {
    return states.entrySet().stream().filter(e -> e.getValue() == wanted).mapToLong(Map.Entry::getKey).min()
        .orElseThrow(() -> new AssertionError("never " + wanted + ": " + states.values()));
  }

  private static String database(List<String> lines) throws Exception {
    String db = "outage_" + DBS.incrementAndGet();
    influx.createDatabase(db);
    for (int i = 0; i < lines.size(); i += 5_000) {
      influx.write(db, String.join("\n", lines.subList(i, Math.min(lines.size(), i + 5_000))));
    }
    return db;
  }

  private static JsonNode rule(String uid) throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    for (JsonNode g : doc.path("groups")) {
      for (JsonNode r : g.path("rules")) {
        if (r.path("uid").asText().equals(uid)) {
          return r;
        }
      }
    }
    throw new AssertionError("no rule " + uid + " in " + RULES);
  }
}
