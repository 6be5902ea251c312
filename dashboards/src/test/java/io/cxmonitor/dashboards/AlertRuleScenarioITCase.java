package io.cxmonitor.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxmonitor.testkit.InfluxServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * For every provisioned alert rule, a data set in which its own query and expression (read from
 * the provisioning file) must fire and one in which they must not — for score rules the quiet set
 * has the same bad score with too few answers. Data is written to a real influxd relative to now.
 */
class AlertRuleScenarioITCase {
  private static final Path RULES = DashboardFiles.PROVISIONING.resolve("alerting/cx-alert-rules.yaml");
  private static final long S = 1_000;
  private static final long MIN = 60 * S;
  private static final long H = 60 * MIN;
  private static final long D = 24 * H;
  private static final String SURVEY_ALL = "region=all,team=all,product=all";
  private static final String SERVICE_ALL = "team=all,region=all,priority=all,product=all";
  private static final String CHURN_ALL = "region=all,product=all,plan=all";

  private static InfluxServer influx;
  private static InfluxDB client;
  private static final AtomicInteger DBS = new AtomicInteger();

  /** A scenario writes line protocol; {@code now} is the wall clock in ms. */
  private interface Data {
    List<String> lines(long now);
  }

  private record Scenario(Data fires, Data quiet) {}

  private static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

  static {
    SCENARIOS.put("cx-nps-drop", new Scenario(
        now -> nps(now, 0, 50, true), now -> nps(now, 0, 12, true)));
    SCENARIOS.put("cx-csat-low", new Scenario(
        now -> List.of("cx_csat,window=1h,channel=zalo_oa," + SURVEY_ALL + " top2_pct=50,n=40i " + (now - MIN)),
        now -> List.of("cx_csat,window=1h,channel=zalo_oa," + SURVEY_ALL + " top2_pct=50,n=10i " + (now - MIN),
            "cx_csat,window=1h,channel=chat," + SURVEY_ALL + " top2_pct=75,n=400i " + (now - MIN))));
    SCENARIOS.put("cx-ttr-p90-high", new Scenario(
        now -> List.of("cx_ttr,window=24h,team=tier2,channel=all,region=all,priority=all,product=all p90_s=300000,n=80i " + (now - MIN)),
        now -> List.of("cx_ttr,window=24h,team=tier2,channel=all,region=all,priority=all,product=all p90_s=300000,n=8i " + (now - MIN),
            "cx_ttr,window=24h,team=voice,channel=all,region=all,priority=all,product=all p90_s=90000,n=800i " + (now - MIN))));
    SCENARIOS.put("cx-frt-sla-breaches", new Scenario(
        now -> List.of("cx_service,window=1h,team=voice,channel=all,region=all,priority=all,product=all sla_frt_breaches=15i " + (now - MIN)),
        now -> List.of("cx_service,window=1h,team=voice,channel=all,region=all,priority=all,product=all sla_frt_breaches=3i " + (now - MIN))));
    SCENARIOS.put("cx-abandonment-spike", new Scenario(
        now -> List.of("cx_service,window=1h,channel=phone," + SERVICE_ALL + " abandon_pct=22.5,abandon_n=200i " + (now - MIN)),
        now -> List.of("cx_service,window=1h,channel=phone," + SERVICE_ALL + " abandon_pct=22.5,abandon_n=12i " + (now - MIN))));
    SCENARIOS.put("cx-backlog-growth", new Scenario(
        now -> backlog(now, 200, 320), now -> backlog(now, 200, 215)));
    SCENARIOS.put("cx-repeat-contact-up", new Scenario(
        now -> List.of("cx_service,window=24h,channel=chat," + SERVICE_ALL + " repeat_pct=41,repeat_n=300i " + (now - MIN)),
        now -> List.of("cx_service,window=24h,channel=chat," + SERVICE_ALL + " repeat_pct=41,repeat_n=9i " + (now - MIN))));
    SCENARIOS.put("cx-churn-spike", new Scenario(
        now -> churn(now, 1.0), now -> churn(now, 0.25)));
    SCENARIOS.put("cx-revenue-at-risk-jump", new Scenario(
        now -> risk(now, 200_000, 400_000), now -> risk(now, 200_000, 230_000)));
    SCENARIOS.put("cx-no-data", new Scenario(
        now -> List.of("cx_pipeline,job=surveys,subtask=0 events_total=10i " + (now - 50 * MIN)),
        now -> reports(now)));
    SCENARIOS.put("cx-dead-letters-rising", new Scenario(
        now -> List.of("cx_pipeline,job=surveys,subtask=0 late_total=100i,invalid_total=0i,undecodable_total=0i " + (now - 12 * MIN),
            "cx_pipeline,job=surveys,subtask=0 late_total=260i,invalid_total=3i,undecodable_total=5i " + (now - MIN)),
        now -> List.of("cx_pipeline,job=surveys,subtask=0 late_total=100i,invalid_total=0i,undecodable_total=0i " + (now - 12 * MIN),
            "cx_pipeline,job=surveys,subtask=0 late_total=130i,invalid_total=1i,undecodable_total=0i " + (now - MIN))));
  }

  private static List<String> nps(long now, double current, long n, boolean withBaseline) {
    List<String> lines = new ArrayList<>();
    for (int day = 1; day <= 6; day++) {
      lines.add("cx_nps,window=1h,channel=chat," + SURVEY_ALL + " score=30,n=200i " + (now - day * D));
    }
    lines.add("cx_nps,window=1h,channel=chat," + SURVEY_ALL + " score=" + current + ",n=" + n + "i " + (now - MIN));
    return lines;
  }

  private static List<String> backlog(long now, long before, long after) {
    return List.of("cx_backlog,team=digital-care,channel=all,region=all,priority=all,product=all open=" + before + "i " + (now - 65 * MIN),
        "cx_backlog,team=digital-care,channel=all,region=all,priority=all,product=all open=" + after + "i " + (now - MIN));
  }

  private static List<String> churn(long now, double current) {
    List<String> lines = new ArrayList<>();
    for (int day = 1; day <= 6; day++) {
      lines.add("cx_churn,window=24h," + CHURN_ALL + " churn_pct=0.2,churn_n=5000i " + (now - day * D));
    }
    lines.add("cx_churn,window=24h," + CHURN_ALL + " churn_pct=" + current + ",churn_n=5000i " + (now - MIN));
    return lines;
  }

  private static List<String> risk(long now, long before, long after) {
    return List.of("cx_customers," + CHURN_ALL + " revenue_at_risk=" + before + "i " + (now - 65 * MIN),
        "cx_customers," + CHURN_ALL + " revenue_at_risk=" + after + "i " + (now - MIN));
  }

  private static List<String> reports(long now) {
    List<String> lines = new ArrayList<>();
    for (long t = now - 30 * MIN; t < now; t += 10 * S) {
      lines.add("cx_pipeline,job=surveys,subtask=0 events_total=10i " + t);
    }
    lines.add("cx_pipeline,job=surveys,subtask=0 events_total=10i " + (now - 1));
    return lines;
  }

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

  private static List<JsonNode> rules() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    List<JsonNode> out = new ArrayList<>();
    doc.path("groups").forEach(g -> g.path("rules").forEach(out::add));
    return out;
  }

  @Test
  void everyRuleHasAScenarioThatFiresAndOneThatDoesNot() throws Exception {
    List<JsonNode> rules = rules();
    Set<String> uids = new HashSet<>();
    for (JsonNode rule : rules) {
      String uid = rule.path("uid").asText();
      assertThat(SCENARIOS).as("no scenario for alert rule %s — add one", uid).containsKey(uid);
      uids.add(uid);
      Scenario s = SCENARIOS.get(uid);
      RuleEvaluator.Result fires = evaluate(rule, s.fires());
      assertThat(fires.fires()).as("%s must fire on its firing data set", uid).isTrue();
      RuleEvaluator.Result quiet = evaluate(rule, s.quiet());
      assertThat(quiet.fires()).as("%s must stay quiet (fired for %s)", uid, quiet.firing()).isFalse();
    }
    assertThat(uids).containsExactlyInAnyOrderElementsOf(SCENARIOS.keySet());
  }

  @Test
  void everyRuleIsCompleteAndPinsTheDatasource() throws Exception {
    Set<String> uids = new HashSet<>();
    for (JsonNode rule : rules()) {
      String uid = rule.path("uid").asText();
      assertThat(uids.add(uid)).as("duplicate rule uid %s", uid).isTrue();
      assertThat(rule.path("for").asText()).as("%s for", uid).isNotBlank();
      assertThat(rule.path("labels").path("severity").asText()).as("%s severity", uid).isIn("critical", "warning", "info");
      assertThat(rule.path("labels").path("owner").asText()).as("%s owner", uid).isIn("cx", "operations", "retention", "platform");
      assertThat(rule.path("labels").has("team")).as("%s: a team label would overwrite the per-team series label", uid).isFalse();
      assertThat(rule.path("annotations").path("summary").asText()).as("%s summary", uid).isNotBlank();
      assertThat(rule.path("annotations").path("runbook").asText()).as("%s runbook", uid).startsWith("Check first:");
      // An InfluxDB outage pages once, through cx-no-data; the others keep their state (no DatasourceError per rule).
      assertThat(rule.path("execErrState").asText()).as("%s execErrState", uid)
          .isEqualTo(uid.equals("cx-no-data") ? "Alerting" : "KeepLast");
      for (JsonNode n : rule.path("data")) {
        String ds = n.path("datasourceUid").asText();
        assertThat(ds).as("%s node %s datasource", uid, n.path("refId").asText()).isIn(DashboardFiles.DATASOURCE_UID, "__expr__");
        assertThat(n.toString()).as("%s uses a datasource variable", uid).doesNotContain("${datasource}");
      }
      assertThat(rule.path("data").findValuesAsText("refId")).contains(rule.path("condition").asText());
    }
  }

  /**
   * Provisional points then final ones at the same series and times, as the jobs write them: a rule
   * fires as on the final points alone, never on the provisional ones, whichever way they differ.
   */
  @Test
  void aRuleOverProvisionalThenFinalPointsGivesTheFinalAnswer() throws Exception {
    int windowRules = 0;
    for (JsonNode rule : rules()) {
      String uid = rule.path("uid").asText();
      Scenario s = SCENARIOS.get(uid);
      long now = System.currentTimeMillis();
      if (s.fires().lines(now).stream().noneMatch(AlertRuleScenarioITCase::windowPoint)) {
        continue; // gauges and pipeline counters are never provisional
      }
      windowRules++;
      assertThat(evaluateWrites(rule, t -> marked(s.quiet().lines(t), 1), t -> marked(s.fires().lines(t), 0)).fires())
          .as("%s: quiet provisional points overwritten by firing final ones", uid).isTrue();
      RuleEvaluator.Result quiet = evaluateWrites(rule, t -> marked(s.fires().lines(t), 1), t -> marked(s.quiet().lines(t), 0));
      assertThat(quiet.fires()).as("%s: firing provisional points overwritten by quiet final ones (fired for %s)", uid,
          quiet.firing()).isFalse();
      RuleEvaluator.Result provisionalOnly = evaluateWrites(rule, t -> marked(s.quiet().lines(t), 0), t -> later(marked(s.fires().lines(t), 1)));
      assertThat(provisionalOnly.fires()).as("%s: fired on a newer provisional point (%s)", uid, provisionalOnly.firing()).isFalse();
    }
    assertThat(windowRules).isGreaterThanOrEqualTo(7);
  }

  private static boolean windowPoint(String line) {
    return line.contains(",window=");
  }

  /** The lines with the marker field the jobs put on window points; other lines as they are. */
  private static List<String> marked(List<String> lines, int provisional) {
    return lines.stream().map(l -> {
      if (!windowPoint(l)) {
        return l;
      }
      int time = l.lastIndexOf(' ');
      return l.substring(0, time) + ",provisional=" + provisional + "i" + l.substring(time);
    }).toList();
  }

  /** The newest line of each series half a minute later (the minute after the final ones, still open). */
  private static List<String> later(List<String> lines) {
    return lines.stream().filter(AlertRuleScenarioITCase::windowPoint).map(l -> {
      int time = l.lastIndexOf(' ');
      return l.substring(0, time + 1) + (Long.parseLong(l.substring(time + 1)) + 30 * S);
    }).toList();
  }

  private static RuleEvaluator.Result evaluate(JsonNode rule, Data data) throws Exception {
    return evaluateWrites(rule, t -> marked(data.lines(t), 0));
  }

  /** Writes each data set in turn (a later one overwrites the same points), then evaluates the rule. */
  private static RuleEvaluator.Result evaluateWrites(JsonNode rule, Data... writes) throws Exception {
    String db = "scenario_" + DBS.incrementAndGet();
    influx.createDatabase(db);
    long now = System.currentTimeMillis();
    for (Data data : writes) {
      influx.write(db, String.join("\n", data.lines(now)));
    }
    return new RuleEvaluator(q -> RuleEvaluator.query(client, db, q)).evaluate(rule);
  }
}
