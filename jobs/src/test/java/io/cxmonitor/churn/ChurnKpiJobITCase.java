package io.cxmonitor.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
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
 * Generated lifecycle, survey and interaction events → real Kafka → churn job (hourly buckets)
 * → real influxd. Churn rate (with its n, the active base at window start), churned MRR and
 * revenue churn per 24 h window, overall and per region and plan, and the revenue-at-risk gauge
 * every hour must equal what {@link ExpectedChurn} computes from the same events with plain
 * loops (risk scores summed over all past signals instead of decayed incrementally).
 */
class ChurnKpiJobITCase {
  private static final String DB = "cx_churn_it";
  private static final long HOUR = 3_600_000L;
  private static final Instant T0 = Instant.parse("2026-04-13T00:00:00Z");
  private static final Duration SPAN = Duration.ofDays(2);

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, "ch.lifecycle", "ch.surveys", "ch.interactions", "ch.done", "ch.at-risk", "ch.followups", "ch.dlq");
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
    influx.close();
  }

  @Test
  void churnRateRevenueChurnAndRevenueAtRiskMatchAnIndependentComputation() throws Exception {
    SimulationConfig config = SimulationConfig.defaults(99, T0, SPAN).withRate(4).withCustomers(5_000, 0.03)
        .withDisorder(0, Duration.ZERO, 0);
    List<SpecificRecord> events = new ArrayList<>();
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        String topic = r.record() instanceof CustomerLifecycleEvent ? "ch.lifecycle"
            : r.record() instanceof SurveyResponse ? "ch.surveys"
            : r.record() instanceof InteractionEvent ? "ch.interactions" : "ch.done";
        publisher.sendRaw(topic, r.key(), publisher.encode(r.record()));
        if (!topic.equals("ch.done")) {
          events.add(r.record());
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).isZero();
    }
    ExpectedChurn expected = new ExpectedChurn(events, HOUR);
    assertThat(expected.cancellations).isGreaterThan(50);
    assertThat(expected.flagged).isGreaterThan(20);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ChurnKpiJob.fromArgs("--bootstrap-servers", kafka.bootstrapServers(), "--lifecycle-topic", "ch.lifecycle",
        "--survey-topic", "ch.surveys", "--interaction-topic", "ch.interactions", "--follow-up-done-topic", "ch.done",
        "--at-risk-topic", "ch.at-risk", "--follow-up-topic", "ch.followups", "--dead-letter-topic", "ch.dlq",
        "--group-id", "churn-it", "--start-from", "EARLIEST", "--bounded", "--bucket", "PT1H", "--checkpoint-interval", "PT2S",
        "--influx-url", influx.url(), "--influx-db", DB, "--parallelism", "2").configure(env);
    env.execute("churn-it");

    long firstBucket = T0.toEpochMilli() / HOUR;
    long lastBucket = T0.plus(SPAN).toEpochMilli() / HOUR - 1;
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      int compared = 0;
      int cohortDiffers = 0;
      for (String group : expected.groups()) {
        String[] tags = group.split("\\|", -1); // region|plan
        String where = "\"window\" = '24h' AND \"region\" = '" + tags[0] + "' AND \"product\" = 'all' AND \"plan\" = '" + tags[1] + "'";
        Map<Long, Map<String, Double>> actual = rows(client, "SELECT \"cancellations\", \"churn_n\", \"churn_pct\", \"mrr_churned\", "
            + "\"revenue_churn_pct\", \"mrr_start\", \"churned\", \"churned_mrr_at_start\" FROM \"cx_churn\" WHERE " + where);
        for (long m = firstBucket + 24; m <= lastBucket; m++) {
          ExpectedChurn.Window w = expected.window(group, m - 23, m);
          if (w.cancellations() == 0) {
            continue;
          }
          Map<String, Double> a = actual.get((m + 1) * HOUR);
          assertThat(a).as("24h churn point %s at %s", group, Instant.ofEpochMilli((m + 1) * HOUR)).isNotNull();
          assertThat(a.get("cancellations")).as("%s cancellations", group).isEqualTo((double) w.cancellations());
          assertThat(a.get("churn_n")).as("%s active at window start", group).isEqualTo((double) w.activeAtStart());
          assertThat(a.get("churned")).as("%s churned from the cohort", group).isEqualTo((double) w.churned());
          assertThat(a.get("churn_pct")).isCloseTo(100.0 * w.churned() / w.activeAtStart(), within(1e-9)).isLessThanOrEqualTo(100.0);
          assertThat(a.get("mrr_churned")).as("%s churned MRR", group).isEqualTo((double) w.mrrChurned());
          assertThat(a.get("mrr_start")).isEqualTo((double) w.mrrAtStart());
          assertThat(a.get("churned_mrr_at_start")).as("%s churned MRR at start", group).isEqualTo((double) w.churnedMrrAtStart());
          assertThat(a.get("revenue_churn_pct")).isCloseTo(100.0 * w.churnedMrrAtStart() / w.mrrAtStart(), within(1e-9))
              .isLessThanOrEqualTo(100.0);
          compared++;
          if (w.churned() != w.cancellations()) {
            cohortDiffers++;
          }
        }
      }
      assertThat(compared).isGreaterThan(30);
      System.out.printf("churn: %d windows where the cohort's churned differ from all cancellations%n", cohortDiffers);

      Map<Long, Map<String, Double>> risk = rows(client, "SELECT \"at_risk\", \"revenue_at_risk\" FROM \"cx_customers\" "
          + "WHERE \"region\" = 'all' AND \"product\" = 'all' AND \"plan\" = 'all'");
      int riskCompared = 0;
      for (long m = firstBucket; m <= lastBucket; m++) {
        long end = (m + 1) * HOUR;
        Map<String, Double> a = risk.get(end);
        assertThat(a).as("customer gauges at %s", Instant.ofEpochMilli(end)).isNotNull();
        ExpectedChurn.Risk r = expected.riskAt(end - 1);
        assertThat(a.get("at_risk")).as("at-risk customers at %s", Instant.ofEpochMilli(end)).isEqualTo((double) r.customers());
        assertThat(a.get("revenue_at_risk")).as("revenue at risk at %s", Instant.ofEpochMilli(end)).isEqualTo((double) r.mrr());
        riskCompared++;
      }
      System.out.printf("churn: %d cancellations, %d customers flagged; %d churn windows and %d hourly risk gauges compared%n",
          expected.cancellations, expected.flagged, compared, riskCompared);
    }
  }

  private static Map<Long, Map<String, Double>> rows(InfluxDB client, String q) {
    QueryResult r = client.query(new Query(q, DB), TimeUnit.MILLISECONDS);
    assertThat(r.getResults().get(0).getError()).as(q).isNull();
    Map<Long, Map<String, Double>> out = new TreeMap<>();
    if (r.getResults().get(0).getSeries() == null) {
      return out;
    }
    for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
      for (List<Object> v : s.getValues()) {
        Map<String, Double> row = new HashMap<>();
        for (int i = 1; i < s.getColumns().size(); i++) {
          if (v.get(i) != null) {
            row.put(s.getColumns().get(i), ((Number) v.get(i)).doubleValue());
          }
        }
        out.put(((Number) v.get(0)).longValue(), row);
      }
    }
    return out;
  }

  static String tag(String v) {
    return v == null ? "unknown" : v.toLowerCase(Locale.ROOT);
  }
}
