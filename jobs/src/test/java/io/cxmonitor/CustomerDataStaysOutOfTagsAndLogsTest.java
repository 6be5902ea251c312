package io.cxmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.churn.ChurnWorkflow;
import io.cxmonitor.churn.risk.RiskPolicy;
import io.cxmonitor.inputs.TestInputs;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.testing.CollectingSink;
import io.cxmonitor.platform.testing.DecodedRecords;
import io.cxmonitor.platform.testing.InMemorySource;
import io.cxmonitor.platform.testing.LogCapture;
import io.cxmonitor.platform.testing.WorkflowTestCluster;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.schemas.AtRiskEvent;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.FollowUpAction;
import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.service.ServiceKpiWorkflow;
import io.cxmonitor.surveys.SurveyKpiWorkflow;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three real workflows over 40 simulated minutes in which every customer id and every survey
 * comment carries a recognisable marker: no tag value of any point written for InfluxDB holds a
 * marker, and no line logged at INFO or above (by any logger) does, while the Kafka outputs meant
 * for follow-up (at-risk events, follow-up actions) do carry them — so the markers did flow
 * through the jobs.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CustomerDataStaysOutOfTagsAndLogsTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = WorkflowTestCluster.extension();

  /** Lower-case as well as upper-case occurrences count: tag values are lower-cased. */
  private static final String MARK = "zqmark" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static final String CUSTOMER = "cust-" + MARK + "-";
  private static final String COMMENT = "comment-" + MARK + " ";
  /**
   * Coarse buckets: at the end of input the rolling windows are emitted until 24 hours after the last event, bucket
   * by bucket, which with one-minute buckets costs far more than the records do.
   */
  private static final Duration BUCKET = Duration.ofMinutes(15);
  /**
   * A fixed busy hour (the simulation's time-of-day profile is in UTC hours): with "now" the test's input shrank at
   * night below what it needs.
   */
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  @Test
  void customerIdsAndCommentsReachNoTagAndNoLogLine() throws Exception {
    DecodedRecords<SurveyResponse> surveys = TestInputs.surveys("surveys");
    DecodedRecords<InteractionEvent> interactions = TestInputs.interactions("interactions");
    DecodedRecords<CustomerLifecycleEvent> lifecycle = TestInputs.lifecycle("lifecycle");
    DecodedRecords<FollowUpDone> done = TestInputs.followUpsDone("follow-ups-done");
    List<Decoded<SurveyResponse>> surveyIn = new ArrayList<>();
    List<Decoded<InteractionEvent>> interactionIn = new ArrayList<>();
    List<Decoded<CustomerLifecycleEvent>> lifecycleIn = new ArrayList<>();
    List<Decoded<FollowUpDone>> doneIn = new ArrayList<>();
    long comments = 0;
    CxSimulation sim = new CxSimulation(SimulationConfig.defaults(11, T0, Duration.ofMinutes(40)).withRate(40)
        .withCustomers(500, 0.05).withDisorder(0, Duration.ZERO, 0));
    while (sim.hasNext()) {
      GeneratedRecord r = sim.next();
      if (r.record() instanceof SurveyResponse s) {
        comments += s.getComment() == null ? 0 : 1;
        surveyIn.add(surveys.good(SurveyResponse.newBuilder(s).setCustomerId(CUSTOMER + s.getCustomerId())
            .setComment(COMMENT + (s.getComment() == null ? "" : s.getComment())).build()));
      } else if (r.record() instanceof InteractionEvent e) {
        interactionIn.add(interactions.good(InteractionEvent.newBuilder(e).setCustomerId(CUSTOMER + e.getCustomerId()).build()));
      } else if (r.record() instanceof CustomerLifecycleEvent l) {
        lifecycleIn.add(lifecycle.good(CustomerLifecycleEvent.newBuilder(l).setCustomerId(CUSTOMER + l.getCustomerId()).build()));
      } else if (r.record() instanceof FollowUpDone d) {
        doneIn.add(done.good(d));
      }
    }
    if (doneIn.isEmpty()) { // 40 minutes are too short for the simulation's follow-ups to be done; the source needs one
      doneIn.add(done.good(FollowUpDone.newBuilder().setActionId("fu-none").setDoneAt(T0.plus(Duration.ofMinutes(30))).build()));
    }
    assertThat(surveyIn).hasSizeGreaterThan(100);
    assertThat(comments).as("surveys with a comment of their own").isGreaterThan(5);

    List<KpiPoint> points = new ArrayList<>();
    List<String> followUpOutputs = new ArrayList<>();
    try (LogCapture log = LogCapture.atLevel(Level.INFO);
        CollectingSink<KpiPoint> surveyKpis = CollectingSink.create();
        CollectingSink<KpiPoint> serviceKpis = CollectingSink.create();
        CollectingSink<KpiPoint> churnKpis = CollectingSink.create();
        CollectingSink<SlaBreachAlert> alerts = CollectingSink.create();
        CollectingSink<AtRiskEvent> atRisk = CollectingSink.create();
        CollectingSink<FollowUpAction> followUps = CollectingSink.create();
        CollectingSink<DeadLetter> deadLetters = CollectingSink.create()) {
      StreamExecutionEnvironment env = WorkflowTestCluster.environment();
      SurveyKpiWorkflow.defineWorkflow(env, source(surveys, surveyIn), surveyKpis, deadLetters,
          new SurveyKpiWorkflow.Settings("surveys", Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(1),
              BUCKET));
      env.execute("survey workflow, marked customer data");

      env = WorkflowTestCluster.environment();
      ServiceKpiWorkflow.defineWorkflow(env, source(interactions, interactionIn), serviceKpis, alerts, deadLetters,
          new ServiceKpiWorkflow.Settings("interactions", Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(1),
              SlaPolicy.defaults(), Duration.ofDays(7), Duration.ofDays(7), Duration.ofDays(7), BUCKET));
      env.execute("service workflow, marked customer data");

      env = WorkflowTestCluster.environment();
      ChurnWorkflow.defineWorkflow(env, new ChurnWorkflow.Sources(source(lifecycle, lifecycleIn), source(surveys, surveyIn),
              source(interactions, interactionIn), source(done, doneIn)),
          churnKpis, atRisk, followUps, deadLetters,
          new ChurnWorkflow.Settings("churn", Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(1),
              BUCKET, new RiskPolicy(RiskPolicy.DEFAULT_WEIGHTS, Duration.ofDays(14), 4.0, 2.0),
              SlaPolicy.defaults(), Duration.ofDays(7), Duration.ofDays(30), Duration.ofHours(48), Duration.ofHours(24)));
      env.execute("churn workflow, marked customer data");

      points.addAll(surveyKpis.records());
      points.addAll(serviceKpis.records());
      points.addAll(churnKpis.records());
      atRisk.records().forEach(e -> followUpOutputs.add(e.toString()));
      followUps.records().forEach(a -> followUpOutputs.add(a.toString()));

      assertThat(log.lines()).as("lines logged").isNotEmpty();
      assertThat(log.lines().stream().filter(l -> l.toLowerCase(Locale.ROOT).contains(MARK)))
          .as("log lines with a customer id or comment").isEmpty();
    }
    assertThat(points.stream().map(KpiPoint::measurement).distinct()).as("measurements written").hasSizeGreaterThan(8);
    for (KpiPoint p : points) {
      assertThat(p.tags().values()).as("tags of %s", p.measurement())
          .noneMatch(v -> v.toLowerCase(Locale.ROOT).contains(MARK));
      assertThat(p.tags().keySet()).noneMatch(k -> k.toLowerCase(Locale.ROOT).contains(MARK));
    }
    assertThat(followUpOutputs).as("follow-up outputs carrying the marked ids and comments")
        .anyMatch(o -> o.contains(CUSTOMER)).anyMatch(o -> o.contains(COMMENT));
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> org.apache.flink.api.connector.source.Source<Decoded<T>, ?, ?>
      source(DecodedRecords<T> records, List<Decoded<T>> in) {
    InMemorySource.Builder<Decoded<T>> b = InMemorySource.of(records.type());
    in.forEach(b::add);
    return b.build();
  }
}
