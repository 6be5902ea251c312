package io.cxmonitor.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.Scenario;
import io.cxmonitor.tools.generator.SimulationConfig;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The demo's incident scenario end to end: the generator plays {@code csat-drop} on Zalo OA for
 * the last five minutes of an hour and a half of traffic, the survey job writes KPIs to a real
 * influxd, and the provisioned rule cx-csat-low — its own queries and expression — fires for
 * zalo_oa only; the same traffic without the incident fires nothing.
 */
class IncidentScenarioITCase {
  /**
   * The simulated hour and a half: a fixed daytime span (the generator shapes traffic by the hour
   * of day, and a run at 23:00 UTC failed where one at 20:00 passed), each record then shifted to
   * end now, where the rule's queries look.
   */
  private static final Instant SIMULATED_START = Instant.parse("2026-03-02T08:00:00Z");
  private static final Duration SPAN = Duration.ofMinutes(90);
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
    influx.close();
  }

  @Test
  void csatDropOnZaloFiresTheCsatRuleForZaloOnlyWithinFiveMinutes() throws Exception {
    JsonNode rule = rule("cx-csat-low");
    long now = System.currentTimeMillis();
    Scenario incident = Scenario.parse("csat-drop", "zalo", SIMULATED_START.plus(SPAN).minus(Duration.ofMinutes(5)));
    assertThat(run(rule, "incident", now, incident).firing()).extracting(l -> l.get("channel")).containsExactly("zalo_oa");
    RuleEvaluator.Result quiet = run(rule, "control", now, null);
    assertThat(quiet.fires()).as("no incident, no alert (fired for %s)", quiet.firing()).isFalse();
  }

  private RuleEvaluator.Result run(JsonNode rule, String name, long now, Scenario scenario) throws Exception {
    String topic = "scenario." + name;
    kafka.createTopics(1, topic, topic + ".dlq");
    SimulationConfig config = SimulationConfig.defaults(5, SIMULATED_START, SPAN).withRate(250).withCustomers(50_000, 0);
    long shift = now - SPAN.toMillis() - SIMULATED_START.toEpochMilli();
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      if (scenario != null) {
        sim.withScenario(scenario);
      }
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (r.record() instanceof SurveyResponse s && r.eventTime() + shift <= now) {
          s.setEventTime(s.getEventTime().plusMillis(shift));
          publisher.sendRaw(topic, r.key(), publisher.encode(s));
        }
      }
      publisher.flush();
    }
    String db = "scenario_" + name;
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    SurveyKpiJob.fromArgs("--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--dead-letter-topic", topic + ".dlq",
        "--group-id", name, "--start-from", "EARLIEST", "--bounded", "--influx-url", influx.url(), "--influx-db", db,
        "--checkpoint-interval", "PT5S", "--parallelism", "1").configure(env);
    env.execute("scenario-" + name);
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      return new RuleEvaluator(q -> query(client, db, q)).evaluate(rule);
    }
  }

  private static JsonNode rule(String uid) throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(
        DashboardFiles.PROVISIONING.resolve("alerting/cx-alert-rules.yaml").toFile());
    for (JsonNode g : doc.path("groups")) {
      for (JsonNode r : g.path("rules")) {
        if (r.path("uid").asText().equals(uid)) {
          return r;
        }
      }
    }
    throw new AssertionError("no rule " + uid);
  }

  private static Map<Map<String, String>, List<Double>> query(InfluxDB client, String db, String q) {
    QueryResult r = client.query(new Query(q, db), TimeUnit.MILLISECONDS);
    Map<Map<String, String>, List<Double>> out = new HashMap<>();
    if (r.getResults().get(0).getSeries() == null) {
      return out;
    }
    for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
      List<Double> values = new ArrayList<>();
      s.getValues().forEach(row -> values.add(row.get(1) == null ? null : ((Number) row.get(1)).doubleValue()));
      out.put(s.getTags() == null ? Map.of() : s.getTags(), values);
    }
    return out;
  }
}
