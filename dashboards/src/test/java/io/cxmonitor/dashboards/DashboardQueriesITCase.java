package io.cxmonitor.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxmonitor.churn.ChurnPoints;
import io.cxmonitor.platform.influx.InfluxSink;
import io.cxmonitor.platform.influx.InfluxSinkOptions;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.influx.PipelinePoints;
import io.cxmonitor.service.ServicePoints;
import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.service.ServiceFacts;
import io.cxmonitor.service.TicketFact;
import io.cxmonitor.service.TicketFact.Kind;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.surveys.SurveyPoints;
import io.cxmonitor.metrics.ChurnCounts;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.metrics.PipelineCounters;
import io.cxmonitor.metrics.SurveyCounts;
import io.cxmonitor.testkit.InfluxServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs every dashboard panel query against a real influxd holding points written by the real
 * sink (in a Flink job), and checks the numbers against values computed here from the raw
 * answers. Also fails when a query names a measurement, field or tag the jobs do not write.
 */
class DashboardQueriesITCase {
  private static final String DB = "cx_dash";
  private static final Instant T = Instant.parse("2026-05-04T10:00:00Z");
  private static final long MIN = 60_000;
  private static final double Z = 1.959963984540054;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  private static InfluxServer influx;
  private static InfluxDB client;

  // Answers in the 1h window ending at T (the newest point), per channel.
  private static final int[] CHAT_NPS = {10, 10, 9, 9, 9, 9, 8, 7, 3, 0};
  private static final int[] PHONE_NPS = {10, 6, 6, 5};
  private static final int[] CHAT_CSAT = {5, 5, 4, 4, 3, 1};
  private static final int[] PHONE_CSAT = {2, 4};
  private static final int[] CHAT_CES = {1, 2, 2, 3};
  private static final int[] PHONE_CES = {6, 7, 5};

  @BeforeAll
  static void writeKnownPointsWithTheRealSink() throws Exception {
    influx = InfluxServer.start();
    client = InfluxDBFactory.connect(influx.url());
    List<KpiPoint> points = new ArrayList<>();
    SurveyCounts chat = counts(CHAT_NPS, CHAT_CSAT, CHAT_CES);
    SurveyCounts phone = counts(PHONE_NPS, PHONE_CSAT, PHONE_CES);
    SurveyCounts all = SurveyCounts.copyOf(chat);
    all.add(phone);
    SurveyCounts older = counts(new int[] {0, 0, 0}, new int[] {1}, new int[] {7});
    for (String window : List.of("1m", "1h", "24h")) {
      // an older point that `last()` must not pick
      SurveyPoints.emit(Grouping.OVERALL, Grouping.ALL, window, T.toEpochMilli() - MIN, older, points::add);
      SurveyPoints.emit(Grouping.CHANNEL, "chat", window, T.toEpochMilli() - MIN, older, points::add);
      SurveyPoints.emit(Grouping.OVERALL, Grouping.ALL, window, T.toEpochMilli(), all, points::add);
      SurveyPoints.emit(Grouping.CHANNEL, "chat", window, T.toEpochMilli(), chat, points::add);
      SurveyPoints.emit(Grouping.CHANNEL, "phone", window, T.toEpochMilli(), phone, points::add);
      SurveyPoints.emit(Grouping.REGION, "north", window, T.toEpochMilli(), all, points::add);
    }
    serviceFixtures(points);
    churnFixtures(points);
    // window points carry the marker as the jobs write them: final, but the newest overall 1m NPS (its minute still open)
    points.replaceAll(p -> p.tags().containsKey("window") ? marked(p, p.measurement().equals("cx_nps")
        && p.timeMillis() == T.toEpochMilli() && p.tags().get("window").equals("1m") && p.tags().get("channel").equals("all")
        && p.tags().get("region").equals("all") ? 1 : 0) : p);
    points.add(PipelinePoints.of("surveys", 0, pipeline(100, 3, 1, 2), T.toEpochMilli() - 30_000, T.toEpochMilli()));
    points.add(PipelinePoints.of("surveys", 1, pipeline(50, 4, 0, 5), T.toEpochMilli() - 30_000, T.toEpochMilli()));
    points.add(PipelinePoints.of("surveys", 1, pipeline(40, 2, 0, 1), T.toEpochMilli() - 90_000, T.toEpochMilli() - MIN));
    // Earlier sink reports: subtask 0 retried twice since; subtask 1 restarted (reset to 0) and retried 3 times since.
    points.add(new KpiPoint("cx_sink", Map.of("job", "surveys", "subtask", "0"),
        Map.of("points_total", 100L, "retries_total", 0L, "rejected_total", 1L, "last_flush_ms", 5L), T.toEpochMilli() - 3 * MIN));
    points.add(new KpiPoint("cx_sink", Map.of("job", "surveys", "subtask", "1"),
        Map.of("points_total", 500L, "retries_total", 4L, "rejected_total", 0L, "last_flush_ms", 5L), T.toEpochMilli() - 3 * MIN));
    points.add(new KpiPoint("cx_sink", Map.of("job", "surveys", "subtask", "1"),
        Map.of("points_total", 10L, "retries_total", 0L, "rejected_total", 0L, "last_flush_ms", 5L), T.toEpochMilli() - 2 * MIN));
    points.add(new KpiPoint("cx_sink", Map.of("job", "surveys", "subtask", "0"),
        Map.of("points_total", 900L, "retries_total", 2L, "rejected_total", 1L, "last_flush_ms", 12L), T.toEpochMilli()));
    points.add(new KpiPoint("cx_sink", Map.of("job", "surveys", "subtask", "1"),
        Map.of("points_total", 700L, "retries_total", 3L, "rejected_total", 0L, "last_flush_ms", 9L), T.toEpochMilli()));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.fromData(TypeInformation.of(KpiPoint.class), points.toArray(KpiPoint[]::new))
        .sinkTo(new InfluxSink(InfluxSinkOptions.defaults(influx.url(), DB), "dashboards-it"));
    env.execute("write dashboard fixtures");
  }

  private static KpiPoint marked(KpiPoint p, long provisional) {
    Map<String, Object> fields = new java.util.LinkedHashMap<>(p.fields());
    fields.put("provisional", provisional);
    return new KpiPoint(p.measurement(), p.tags(), fields, p.timeMillis());
  }

  // Service facts in the newest bucket: durations in ms below 256, which HdrHistogram holds exactly.
  private static final long[] CHAT_TTR = {100, 120, 150, 200, 250};
  private static final long[] PHONE_TTR = {180, 240};
  private static final long[] CHAT_FRT = {10, 20, 30};
  /** Queue times: chat answered (the first four within the service level), abandoned; phone answered, abandoned. */
  private static final long[] CHAT_ANSWERED = {10, 30, 50, 70, 90};
  private static final long CHAT_ABANDONED = 200;
  private static final long[] PHONE_ANSWERED = {20, 40};
  private static final long[] PHONE_ABANDONED = {100, 150};
  private static final int CHAT_FOLLOWED = 2;
  private static final int PHONE_CONTACTS = 2;
  private static final int PHONE_ANONYMOUS = 2;
  private static final int FORWARD_FINAL_N = 5;
  private static final int FORWARD_FINAL_FOLLOWED = 2;

  private static void serviceFixtures(List<KpiPoint> points) {
    ServiceCounts chat = new ServiceCounts();
    ServiceCounts phone = new ServiceCounts();
    int chatOrdinal = Channel.CHAT.ordinal();
    int phoneOrdinal = Channel.PHONE.ordinal();
    for (int i = 0; i < CHAT_TTR.length; i++) {
      ServiceFacts.count(chat, fact(Kind.RESOLVED).withDuration(CHAT_TTR[i]).withFlag(i == 0), -1, chatOrdinal);
    }
    for (long v : PHONE_TTR) {
      ServiceFacts.count(phone, fact(Kind.RESOLVED).withDuration(v), -1, phoneOrdinal);
    }
    for (long v : CHAT_FRT) {
      ServiceFacts.count(chat, fact(Kind.FIRST_RESPONSE).withDuration(v), -1, chatOrdinal);
    }
    for (int i = 0; i < 6; i++) {
      ServiceFacts.count(chat, fact(Kind.OPENED), -1, chatOrdinal);
      ServiceFacts.count(chat, fact(Kind.QUEUED), -1, chatOrdinal);
      ServiceFacts.count(chat, fact(Kind.CONTACT), -1, chatOrdinal);
    }
    for (int i = 0; i < 4; i++) {
      ServiceFacts.count(phone, fact(Kind.OPENED), -1, phoneOrdinal);
      ServiceFacts.count(phone, fact(Kind.QUEUED), -1, phoneOrdinal);
    }
    for (int i = 0; i < CHAT_ANSWERED.length; i++) {
      ServiceFacts.count(chat, fact(Kind.QUEUE_ANSWERED).withDuration(CHAT_ANSWERED[i]).withFlag(i < 4), -1, chatOrdinal);
    }
    ServiceFacts.count(chat, fact(Kind.QUEUE_ABANDONED).withDuration(CHAT_ABANDONED), -1, chatOrdinal);
    ServiceFacts.count(phone, fact(Kind.QUEUE_ANSWERED).withDuration(PHONE_ANSWERED[0]).withFlag(true), -1, phoneOrdinal);
    ServiceFacts.count(phone, fact(Kind.QUEUE_ANSWERED).withDuration(PHONE_ANSWERED[1]), -1, phoneOrdinal);
    for (long v : PHONE_ABANDONED) {
      ServiceFacts.count(phone, fact(Kind.QUEUE_ABANDONED).withDuration(v), -1, phoneOrdinal);
    }
    // final outcomes: four by agents (three FCR, one reopened) and one self-served
    for (int i = 0; i < 4; i++) {
      TicketFact outcome = fact(Kind.FCR_FINAL).withFlag(i < 3);
      outcome.reopened = i == 3;
      ServiceFacts.count(chat, outcome, -1, chatOrdinal);
    }
    TicketFact selfServed = fact(Kind.FCR_FINAL);
    selfServed.selfService = true;
    ServiceFacts.count(chat, selfServed, -1, chatOrdinal);
    ServiceFacts.count(chat, fact(Kind.REOPENED), -1, chatOrdinal);
    ServiceFacts.count(chat, fact(Kind.SLA_BREACH_FIRST_RESPONSE), -1, chatOrdinal);
    ServiceFacts.count(phone, fact(Kind.SLA_BREACH_FIRST_RESPONSE), -1, phoneOrdinal);
    ServiceFacts.count(phone, fact(Kind.SLA_BREACH_RESOLUTION), -1, phoneOrdinal);
    ServiceFacts.count(chat, fact(Kind.REPEAT_CONTACT).withFlag(true), phoneOrdinal, chatOrdinal);
    ServiceFacts.count(chat, fact(Kind.REPEAT_CONTACT).withFlag(true), phoneOrdinal, chatOrdinal);
    ServiceFacts.count(chat, fact(Kind.REPEAT_CONTACT).withFlag(false), chatOrdinal, chatOrdinal);
    // forward repeat so far: two of chat's six contacts followed; phone: two contacts, one followed,
    // and two anonymous callers (in neither rate)
    for (int i = 0; i < CHAT_FOLLOWED; i++) {
      ServiceFacts.count(chat, fact(Kind.FORWARD_FOLLOWED), -1, chatOrdinal);
    }
    for (int i = 0; i < PHONE_CONTACTS; i++) {
      ServiceFacts.count(phone, fact(Kind.CONTACT), -1, phoneOrdinal);
    }
    ServiceFacts.count(phone, fact(Kind.FORWARD_FOLLOWED), -1, phoneOrdinal);
    for (int i = 0; i < PHONE_ANONYMOUS; i++) {
      ServiceFacts.count(phone, fact(Kind.ANONYMOUS_CONTACT), -1, phoneOrdinal);
    }
    // provisional FCR at first resolutions by agents: chat 2 of 4, phone 2 of 2
    for (int i = 0; i < 4; i++) {
      ServiceFacts.count(chat, fact(Kind.FCR_PROVISIONAL).withFlag(i < 2), -1, chatOrdinal);
    }
    for (int i = 0; i < 2; i++) {
      ServiceFacts.count(phone, fact(Kind.FCR_PROVISIONAL).withFlag(true), -1, phoneOrdinal);
    }
    // ends without resolution: chat 3 IVR hang-ups, 1 spam, 1 without reason (other), 1 stale; phone 2 no response
    for (String reason : new String[] {"IVR_HANGUP", "IVR_HANGUP", "IVR_HANGUP", "SPAM", null}) {
      TicketFact closed = fact(Kind.CLOSED);
      closed.closeReason = reason;
      ServiceFacts.count(chat, closed, -1, chatOrdinal);
    }
    ServiceFacts.count(chat, fact(Kind.CLOSED).withFlag(true), -1, chatOrdinal);
    for (int i = 0; i < 2; i++) {
      TicketFact closed = fact(Kind.CLOSED);
      closed.closeReason = "NO_RESPONSE";
      ServiceFacts.count(phone, closed, -1, phoneOrdinal);
    }
    chat.seal();
    phone.seal();
    ServiceCounts all = ServiceCounts.copyOf(chat);
    all.add(phone);
    long t = T.toEpochMilli();
    for (String window : List.of("1m", "1h", "24h")) {
      ServicePoints.emit(Grouping.OVERALL, Grouping.ALL, window, t - MIN, phone, points::add);
      ServicePoints.emit(Grouping.OVERALL, Grouping.ALL, window, t, all, points::add);
      ServicePoints.emit(Grouping.CHANNEL, "chat", window, t, chat, points::add);
      ServicePoints.emit(Grouping.CHANNEL, "phone", window, t, phone, points::add);
      ServicePoints.emit(Grouping.TEAM, "tier2", window, t, chat, points::add);
    }
    // final forward outcomes counted a repeat window (7 days) after T: written back at T
    ServiceCounts finals = new ServiceCounts();
    for (int i = 0; i < FORWARD_FINAL_N; i++) {
      ServiceFacts.count(finals, fact(Kind.FORWARD_FINAL).withFlag(i < FORWARD_FINAL_FOLLOWED), -1, chatOrdinal);
    }
    long week = java.time.Duration.ofDays(7).toMillis();
    for (String window : List.of("1m", "1h", "24h")) {
      ServicePoints.emit(Grouping.OVERALL, Grouping.ALL, window, t + week, finals.seal(), week, points::add);
    }
    points.add(ServicePoints.backlog(Grouping.CHANNEL, "chat", t - MIN, 4));
    points.add(ServicePoints.backlog(Grouping.CHANNEL, "chat", t, 7));
    points.add(ServicePoints.backlog(Grouping.TEAM, "tier2", t, 3));
  }

  private static void churnFixtures(List<KpiPoint> points) {
    long t = T.toEpochMilli();
    ChurnCounts all = new ChurnCounts();
    all.cancellations = 3;
    all.subscriptions = 5;
    all.mrrNew = 99_500;
    all.mrrExpansion = 20_000;
    all.mrrContraction = 10_000;
    all.mrrChurned = 59_700;
    all.followUpsCreated = 10;
    all.followUpsOnTime = 6;
    all.followUpsOverdue = 2;
    all.followUpsLate = 1;
    ChurnCounts premium = new ChurnCounts();
    premium.cancellations = 1;
    premium.mrrChurned = 39_900;
    for (String window : List.of("1m", "1h", "24h")) {
      points.add(ChurnPoints.window(Grouping.OVERALL, Grouping.ALL, window, t - MIN, premium, new ChurnPoints.Cohort(10, 100_000, 1, 39_900)));
      points.add(ChurnPoints.window(Grouping.OVERALL, Grouping.ALL, window, t, all, new ChurnPoints.Cohort(120, 2_400_000, 3, 59_700)));
      points.add(ChurnPoints.window(Grouping.PLAN, "premium", window, t, premium, new ChurnPoints.Cohort(40, 1_596_000, 1, 39_900)));
    }
    points.add(ChurnPoints.gauges(Grouping.OVERALL, Grouping.ALL, t - MIN, 121, 2_440_000, 9, 200_000));
    points.add(ChurnPoints.gauges(Grouping.OVERALL, Grouping.ALL, t, 122, 2_450_000, 7, 150_000));
    points.add(ChurnPoints.gauges(Grouping.REGION, "north", t, 60, 1_200_000, 3, 60_000));
  }

  private static TicketFact fact(Kind kind) {
    return new TicketFact(kind, T.toEpochMilli(), "chat", "tier2", "north", "normal");
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (influx != null) {
      influx.close();
    }
  }

  @Test
  void everyPanelQueryNamesOnlyWhatTheSinkWrites() {
    Map<String, Set<String>> schema = serverSchema();
    assertThat(schema).containsKeys("cx_nps", "cx_csat", "cx_ces", "cx_pipeline", "cx_frt", "cx_ttr", "cx_service",
        "cx_backlog", "cx_repeat_pairs", "cx_repeat_forward", "cx_churn", "cx_customers");
    for (DashboardFiles.PanelQuery q : DashboardFiles.queries()) {
      assertThat(QueryContract.violations(q.query(), schema)).as("%s: %s", q, q.query()).isEmpty();
    }
  }

  @Test
  void everyTemplateVariableQueryReturnsTheGroupsWritten() {
    for (java.nio.file.Path file : DashboardFiles.dashboards()) {
      for (com.fasterxml.jackson.databind.JsonNode v : DashboardFiles.read(file).path("templating").path("list")) {
        if (!v.path("type").asText().equals("query")) {
          continue;
        }
        assertThat(v.path("datasource").path("uid").asText()).isEqualTo(DashboardFiles.DATASOURCE_UID);
        QueryResult r = client.query(new Query(v.path("query").asText(), DB));
        List<Object> values = new ArrayList<>();
        r.getResults().get(0).getSeries().forEach(s -> s.getValues().forEach(row -> values.add(row.get(1))));
        assertThat(values).as("%s variable %s", file.getFileName(), v.path("name").asText()).contains("all");
        if (v.path("name").asText().equals("channel")) {
          assertThat(values).contains("chat", "phone");
        }
      }
    }
  }

  @Test
  void theContractCheckCatchesAWrongFieldAndMeasurement() {
    Map<String, Set<String>> schema = serverSchema();
    assertThat(QueryContract.violations("SELECT last(\"scor\") FROM \"cx_nps\" WHERE $timeFilter", schema))
        .singleElement().asString().contains("scor");
    assertThat(QueryContract.violations("SELECT last(\"score\") FROM \"cx_nsp\"", schema)).isNotEmpty();
  }

  @Test
  void everyPanelQueryReturnsTheExpectedNumbers() {
    Map<String, Map<String, Double>> expected = expectations();
    Set<String> checked = new HashSet<>();
    for (DashboardFiles.PanelQuery q : DashboardFiles.queries()) {
      String key = q.panel() + "/" + q.refId();
      assertThat(expected).as("no expectation for panel query %s — add one", key).containsKey(key);
      List<Map<String, Object>> rows = run(q.query());
      assertThat(rows).as("%s returned nothing", key).isNotEmpty();
      Map<String, Double> want = expected.get(key);
      // "@tag=value" entries select the row of that group; otherwise the newest row counts
      Map<String, String> selector = new HashMap<>();
      want.keySet().stream().filter(k -> k.startsWith("@"))
          .forEach(k -> selector.put(k.substring(1, k.indexOf('=')), k.substring(k.indexOf('=') + 1)));
      for (Map.Entry<String, Double> e : want.entrySet()) {
        if (e.getKey().startsWith("@")) {
          continue;
        }
        Map<String, Object> row = selector.isEmpty() ? rows.get(rows.size() - 1)
            : rows.stream().filter(r -> selector.entrySet().stream().allMatch(sel -> sel.getValue().equals(r.get(sel.getKey()))))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError(key + ": no row " + selector + " in " + rows));
        assertThat(row.get(e.getKey())).as("%s: column %s in %s", key, e.getKey(), row).isInstanceOf(Number.class);
        assertThat(((Number) row.get(e.getKey())).doubleValue()).as("%s %s", key, e.getKey())
            .isCloseTo(e.getValue(), within(1e-6));
      }
      checked.add(key);
    }
    assertThat(checked).hasSameSizeAs(expected.keySet());
  }

  /** Panel title/refId → column → value in the newest row (or the row of the tagged channel). */
  private static Map<String, Map<String, Double>> expectations() {
    int[] allNps = concat(CHAT_NPS, PHONE_NPS);
    int[] allCsat = concat(CHAT_CSAT, PHONE_CSAT);
    int[] allCes = concat(CHAT_CES, PHONE_CES);
    Map<String, Map<String, Double>> e = new HashMap<>();
    e.put("NPS now/A", Map.of("NPS", nps(allNps), "n", (double) allNps.length));
    e.put("CSAT top-2 box now/A", Map.of("CSAT %", top2(allCsat), "n", (double) allCsat.length));
    e.put("CES now/A", Map.of("CES", mean(allCes), "n", (double) allCes.length));
    e.put("Newest minute/A", Map.of("provisional", 1.0));
    e.put("Late and dead-lettered records/A", Map.of("late", 7.0, "invalid", 1.0, "undecodable", 7.0));
    double[] npsCi = npsCi(allNps);
    e.put("NPS with 95% CI/A", Map.of("NPS", nps(allNps), "CI low", npsCi[0], "CI high", npsCi[1]));
    double[] csatCi = wilson(allCsat);
    e.put("CSAT top-2 box % with 95% CI/A", Map.of("CSAT top-2 %", top2(allCsat), "CI low", csatCi[0], "CI high", csatCi[1]));
    double[] cesCi = meanCi(allCes, 7);
    e.put("CES mean with 95% CI/A", Map.of("CES mean", mean(allCes), "CI low", cesCi[0], "CI high", cesCi[1]));
    e.put("Sample size n/A", Map.of("NPS n", (double) allNps.length));
    e.put("Sample size n/B", Map.of("CSAT n", (double) allCsat.length));
    e.put("Sample size n/C", Map.of("CES n", (double) allCes.length));
    e.put("NPS by channel/A", Map.of("@channel=phone", 0.0, "NPS", nps(PHONE_NPS)));
    double[] chatNpsCi = npsCi(CHAT_NPS);
    e.put("NPS by channel (latest)/A", Map.of("@channel=chat", 0.0, "NPS", nps(CHAT_NPS),
        "CI low", chatNpsCi[0], "CI high", chatNpsCi[1], "n", (double) CHAT_NPS.length));
    double[] chatCsatCi = wilson(CHAT_CSAT);
    e.put("CSAT by channel (latest)/A", Map.of("@channel=chat", 0.0, "top-2 %", top2(CHAT_CSAT),
        "CI low", chatCsatCi[0], "CI high", chatCsatCi[1], "mean", mean(CHAT_CSAT), "n", (double) CHAT_CSAT.length));
    double[] phoneCesCi = meanCi(PHONE_CES, 7);
    e.put("CES by channel (latest)/A", Map.of("@channel=phone", 0.0, "CES mean", mean(PHONE_CES),
        "CI low", phoneCesCi[0], "CI high", phoneCesCi[1], "high effort %", 100.0, "n", (double) PHONE_CES.length));
    serviceExpectations(e);
    churnExpectations(e);
    pipelineAndDrillDownExpectations(e);
    return e;
  }

  private static void pipelineAndDrillDownExpectations(Map<String, Map<String, Double>> e) {
    e.put("Records used by job (latest)/A", Map.of("@job=surveys", 0.0, "events", 150.0));
    e.put("Dead-lettered by job (latest)/A", Map.of("@job=surveys", 0.0, "late", 7.0, "invalid", 1.0, "undecodable", 7.0));
    e.put("Sink retries and rejected points (latest)/A", Map.of("@job=surveys", 0.0, "retries", 5.0, "rejected", 1.0));
    e.put("Watermark lag/A", Map.of("@job=surveys", 0.0, "lag_s", 30.0));
    e.put("Sink write retries/A", Map.of("@job=surveys", 0.0, "retries", 2.0 + 3.0)); // the reset's -4 is not a retry
    // drill-down with channel = chat, the other dimensions 'all'
    double[] npsCi = npsCi(CHAT_NPS);
    e.put("NPS (selection)/A", Map.of("NPS", nps(CHAT_NPS), "CI low", npsCi[0], "CI high", npsCi[1]));
    double[] csatCi = wilson(CHAT_CSAT);
    e.put("CSAT top-2 % (selection)/A", Map.of("CSAT %", top2(CHAT_CSAT), "CI low", csatCi[0], "CI high", csatCi[1]));
    double[] cesCi = meanCi(CHAT_CES, 7);
    e.put("CES mean (selection)/A", Map.of("CES", mean(CHAT_CES), "CI low", cesCi[0], "CI high", cesCi[1]));
    e.put("Answers n (selection)/A", Map.of("NPS n", (double) CHAT_NPS.length));
    long[] chat = CHAT_TTR.clone();
    java.util.Arrays.sort(chat);
    e.put("Time to resolution (selection)/A", Map.of("p50", rank(chat, 50) / 1000.0, "p90", rank(chat, 90) / 1000.0, "n", 5.0));
    e.put("FCR and abandonment % (selection)/A", Map.of("FCR %", 75.0, "abandoned %", 100.0 / 6));
    // overview: service and churn headline figures, overall
    long[] all = java.util.stream.LongStream.concat(java.util.Arrays.stream(CHAT_TTR), java.util.Arrays.stream(PHONE_TTR)).sorted().toArray();
    e.put("FCR now/A", Map.of("FCR %", 75.0, "n", 4.0));
    e.put("FCR now/B", Map.of("FCR % provisional", 100.0 * 4 / 6, "n provisional", 6.0));
    e.put("TTR p90 now/A", Map.of("TTR p90 s", rank(all, 90) / 1000.0, "n", 7.0));
    e.put("Churn rate (24h)/A", Map.of("churn %", 2.5, "n", 120.0));
    e.put("Revenue at risk/A", Map.of("revenue at risk", 150_000.0, "customers", 7.0));
  }

  private static void churnExpectations(Map<String, Map<String, Double>> e) {
    double[] churn = wilsonOf(3, 120);
    e.put("Churn rate % with 95% CI/A", Map.of("churn %", 2.5, "CI low", churn[0], "CI high", churn[1]));
    e.put("Revenue churn %/A", Map.of("revenue churn %", 100.0 * 59_700 / 2_400_000));
    e.put("MRR movement/A", Map.of("new", 99_500.0, "expansion", 20_000.0, "contraction", 10_000.0, "churned", 59_700.0,
        "net", 99_500.0 + 20_000 - 10_000 - 59_700));
    e.put("At-risk customers and revenue at risk/A", Map.of("at-risk customers", 7.0, "revenue at risk", 150_000.0));
    double[] premium = wilsonOf(1, 40);
    e.put("Churn by plan (latest)/A", Map.of("@plan=premium", 0.0, "churn %", 2.5, "CI low", premium[0], "CI high", premium[1],
        "n", 40.0, "MRR churned", 39_900.0));
    e.put("Revenue at risk by region (latest)/A", Map.of("@region=north", 0.0, "at-risk customers", 3.0,
        "revenue at risk", 60_000.0, "active", 60.0));
    double[] onTime = wilsonOf(6, 8);
    e.put("Follow-ups closed on time % with 95% CI/A", Map.of("on time %", 75.0, "CI low", onTime[0], "CI high", onTime[1]));
    e.put("Follow-ups created and overdue/A", Map.of("created", 10.0, "overdue", 2.0, "done late", 1.0));
  }

  private static void serviceExpectations(Map<String, Map<String, Double>> e) {
    long[] allTtr = java.util.stream.LongStream.concat(java.util.Arrays.stream(CHAT_TTR), java.util.Arrays.stream(PHONE_TTR)).sorted().toArray();
    e.put("Time to resolution p50 / p90 / p99/A", Map.of("p50", rank(allTtr, 50) / 1000.0, "p90", rank(allTtr, 90) / 1000.0,
        "p99", rank(allTtr, 99) / 1000.0));
    e.put("First response time p50 / p90 / p99/A", Map.of("p50", rank(CHAT_FRT, 50) / 1000.0, "p90", rank(CHAT_FRT, 90) / 1000.0,
        "p99", rank(CHAT_FRT, 99) / 1000.0));
    e.put("Open backlog by channel/A", Map.of("@channel=chat", 0.0, "open", 7.0));
    e.put("Open backlog by team/A", Map.of("@team=tier2", 0.0, "open", 3.0));
    e.put("SLA breaches/A", Map.of("first response", 2.0, "resolution", 1.0));
    double[] fcr = wilsonOf(3, 4);
    e.put("First-contact resolution % with 95% CI (final; provisional dashed)/A", Map.of("FCR %", 75.0, "CI low", fcr[0], "CI high", fcr[1]));
    e.put("First-contact resolution % with 95% CI (final; provisional dashed)/B", Map.of("FCR % provisional", 100.0 * 4 / 6));
    // backward: 3 repeats of 8 contacts (6 chat, 2 phone); forward so far: 3 of 8 followed; final: 2 of 5
    e.put("Repeat contact %: backward and forward (final; provisional dashed)/A", Map.of("backward %", 100.0 * 3 / 8));
    e.put("Repeat contact %: backward and forward (final; provisional dashed)/B",
        Map.of("forward % provisional", 100.0 * (CHAT_FOLLOWED + 1) / (6 + PHONE_CONTACTS)));
    e.put("Repeat contact %: backward and forward (final; provisional dashed)/C",
        Map.of("forward % final", 100.0 * FORWARD_FINAL_FOLLOWED / FORWARD_FINAL_N));
    e.put("Repeat contact and provisional FCR by channel (latest)/A", Map.of("@channel=phone", 0.0, "backward %", 0.0,
        "n", (double) PHONE_CONTACTS, "anonymous", (double) PHONE_ANONYMOUS, "FCR % provisional", 100.0, "FCR n provisional", 2.0));
    e.put("Repeat contact and provisional FCR by channel (latest)/B", Map.of("@channel=chat", 0.0,
        "forward % provisional", 100.0 * CHAT_FOLLOWED / 6, "forward n", 6.0, "still open", 6.0 - CHAT_FOLLOWED));
    e.put("Closed without resolution by reason/A", Map.of("ivr_hangup", 3.0, "self_served_ivr", 0.0, "merged", 0.0, "spam", 1.0,
        "no_response", 2.0, "other", 1.0, "stale", 1.0));
    double[] abandon = wilsonOf(2, 4);
    e.put("Abandonment by channel (latest)/A", Map.of("@channel=phone", 0.0, "abandoned %", 50.0,
        "CI low", abandon[0], "CI high", abandon[1], "n", 4.0));
    e.put("Repeat contact by channel (latest)/A", Map.of("@channel=chat", 0.0, "repeat %", 50.0,
        "switched channel %", 200.0 / 3, "n", 6.0));
    e.put("Repeat contacts by channel pair (latest)/A", Map.of("@channel=phone", 0.0, "@to_channel=chat", 0.0, "n", 2.0));
    long[] chatSorted = CHAT_TTR.clone();
    java.util.Arrays.sort(chatSorted);
    e.put("Resolution by team (latest)/A", Map.of("@team=tier2", 0.0, "TTR p50 s", rank(chatSorted, 50) / 1000.0,
        "TTR p90 s", rank(chatSorted, 90) / 1000.0, "n", 5.0));
    e.put("Resolution by team (latest)/B", Map.of("@team=tier2", 0.0, "reopen %", 20.0, "self-service %", 20.0, "resolved", 5.0));
    long[] queue = java.util.stream.LongStream.concat(java.util.stream.LongStream.concat(java.util.Arrays.stream(CHAT_ANSWERED),
        java.util.stream.LongStream.of(CHAT_ABANDONED)), java.util.stream.LongStream.concat(java.util.Arrays.stream(PHONE_ANSWERED),
        java.util.Arrays.stream(PHONE_ABANDONED))).sorted().toArray();
    e.put("Queue time p50 / p90 / p99/A", Map.of("p50", rank(queue, 50) / 1000.0, "p90", rank(queue, 90) / 1000.0,
        "p99", rank(queue, 99) / 1000.0));
    double[] phoneLevel = wilsonOf(1, 4);
    e.put("Service level by channel (latest)/A", Map.of("@channel=phone", 0.0, "service level %", 25.0,
        "CI low", phoneLevel[0], "CI high", phoneLevel[1], "n", 4.0, "queued", 4.0));
  }

  /** Nearest-rank percentile of sorted values. */
  private static long rank(long[] sorted, double p) {
    return sorted[(int) Math.ceil(p / 100 * sorted.length) - 1];
  }

  private static double[] wilsonOf(int x, int n) {
    double p = (double) x / n;
    double c = (p + Z * Z / (2 * n)) / (1 + Z * Z / n);
    double h = Z * Math.sqrt(p * (1 - p) / n + Z * Z / (4.0 * n * n)) / (1 + Z * Z / n);
    return new double[] {100 * Math.max(0, c - h), 100 * Math.min(1, c + h)};
  }

  private List<Map<String, Object>> run(String grafanaQuery) {
    String q = grafanaQuery
        .replace("$timeFilter", "time >= " + (T.toEpochMilli() - 6 * 3_600_000) + "ms AND time <= " + T.toEpochMilli() + "ms")
        .replace("$__interval", "1m")
        .replace("$window", "1h")
        .replace("$channel", "chat")
        .replace("$region", "all")
        .replace("$team", "all")
        .replace("$product", "all");
    QueryResult result = client.query(new Query(q, DB), TimeUnit.MILLISECONDS);
    assertThat(result.getError()).as(q).isNull();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (QueryResult.Result r : result.getResults()) {
      assertThat(r.getError()).as(q).isNull();
      if (r.getSeries() == null) {
        continue;
      }
      for (QueryResult.Series s : r.getSeries()) {
        for (List<Object> values : s.getValues()) {
          Map<String, Object> row = new HashMap<>();
          if (s.getTags() != null) {
            row.putAll(s.getTags());
          }
          for (int i = 0; i < s.getColumns().size(); i++) {
            row.put(s.getColumns().get(i), values.get(i));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private static Map<String, Set<String>> serverSchema() {
    Map<String, Set<String>> schema = new HashMap<>();
    for (String show : List.of("SHOW FIELD KEYS", "SHOW TAG KEYS")) {
      QueryResult r = client.query(new Query(show, DB));
      for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
        Set<String> keys = schema.computeIfAbsent(s.getName(), k -> new HashSet<>());
        s.getValues().forEach(v -> keys.add((String) v.get(0)));
      }
    }
    return schema;
  }

  // --- independent arithmetic over the raw answers ---

  private static double nps(int[] a) {
    long p = java.util.Arrays.stream(a).filter(v -> v >= 9).count();
    long d = java.util.Arrays.stream(a).filter(v -> v <= 6).count();
    return 100.0 * (p - d) / a.length;
  }

  private static double[] npsCi(int[] a) {
    double n = a.length + 3;
    double p = (java.util.Arrays.stream(a).filter(v -> v >= 9).count() + 0.75) / n;
    double d = (java.util.Arrays.stream(a).filter(v -> v <= 6).count() + 0.75) / n;
    double half = Z * Math.sqrt((p + d - (p - d) * (p - d)) / n);
    double score = nps(a);
    return new double[] {Math.min(score, Math.max(-100, 100 * (p - d - half))), Math.max(score, Math.min(100, 100 * (p - d + half)))};
  }

  private static double top2(int[] a) {
    return 100.0 * java.util.Arrays.stream(a).filter(v -> v >= 4).count() / a.length;
  }

  private static double[] wilson(int[] a) {
    double n = a.length;
    double p = top2(a) / 100;
    double c = (p + Z * Z / (2 * n)) / (1 + Z * Z / n);
    double h = Z * Math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n);
    return new double[] {100 * Math.max(0, c - h), 100 * Math.min(1, c + h)};
  }

  private static double mean(int[] a) {
    return java.util.Arrays.stream(a).average().orElseThrow();
  }

  private static double[] meanCi(int[] a, double max) {
    double m = mean(a);
    double ss = java.util.Arrays.stream(a).mapToDouble(v -> (v - m) * (v - m)).sum();
    double t = new org.apache.commons.math3.distribution.TDistribution(a.length - 1).inverseCumulativeProbability(0.975);
    double h = t * Math.sqrt(ss / (a.length - 1) / a.length);
    return new double[] {Math.max(1, m - h), Math.min(max, m + h)};
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static SurveyCounts counts(int[] nps, int[] csat, int[] ces) {
    SurveyCounts c = new SurveyCounts();
    for (int v : nps) {
      c.addResponse(v, null, null);
    }
    for (int v : csat) {
      c.addResponse(null, v, null);
    }
    for (int v : ces) {
      c.addResponse(null, null, v);
    }
    return c;
  }

  private static PipelineCounters pipeline(long events, long late, long invalid, long undecodable) {
    PipelineCounters c = new PipelineCounters();
    c.events = events;
    c.late = late;
    c.invalid = invalid;
    c.undecodable = undecodable;
    return c;
  }
}
