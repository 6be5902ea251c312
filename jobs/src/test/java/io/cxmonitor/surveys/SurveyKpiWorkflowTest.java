package io.cxmonitor.surveys;

import static io.cxmonitor.platform.influx.InfluxSchema.*;
import static io.cxmonitor.surveys.SurveyInfluxNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import io.cxmonitor.inputs.TestInputs;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.testing.CollectingSink;
import io.cxmonitor.platform.testing.DecodedRecords;
import io.cxmonitor.platform.testing.InMemorySource;
import io.cxmonitor.platform.testing.KpiPoints;
import io.cxmonitor.platform.testing.WorkflowTestCluster;
import io.cxmonitor.platform.windows.TagCardinalityGuard;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The survey workflow as the job builds it, on a MiniCluster, fed from memory instead of Kafka and
 * writing into collecting sinks instead of InfluxDB and the dead-letter topic: responses in, the
 * NPS/CSAT/CES points, dead letters and pipeline counters out.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SurveyKpiWorkflowTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = WorkflowTestCluster.extension();

  private static final String JOB = "surveys";
  private static final Duration BOUND = Duration.ofSeconds(30);
  // Idleness is processing time: far beyond the test's run time, so it never changes a result.
  private static final SurveyKpiWorkflow.Settings SETTINGS =
      new SurveyKpiWorkflow.Settings(JOB, BOUND, Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(1));

  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private static final Instant MINUTE_0_END = T0.plus(Duration.ofMinutes(1));
  private static final Instant MINUTE_1_END = T0.plus(Duration.ofMinutes(2));
  private static final Instant MINUTE_2_END = T0.plus(Duration.ofMinutes(3));

  private final CollectingSink<KpiPoint> kpis = CollectingSink.create();
  private final CollectingSink<DeadLetter> deadLetters = CollectingSink.create();

  @AfterEach
  void closeSinks() {
    kpis.close();
    deadLetters.close();
  }

  @Test
  void responsesBecomeKpiPointsAndBadOrLateOnesBecomeCountedDeadLetters() throws Exception {
    DecodedRecords<SurveyResponse> in = TestInputs.surveys("surveys");
    // minute 0 (09:00)
    SurveyResponse s1 = survey("s1", T0.plusSeconds(10), Channel.CHAT, "North", "Alpha", "Fiber", 10, 5, 2);
    SurveyResponse s2 = survey("s2", T0.plusSeconds(20), Channel.EMAIL, "South", "Alpha", "Fiber", 9, 4, 3);
    SurveyResponse s3 = survey("s3", T0.plusSeconds(50), Channel.CHAT, "North", "Beta", "Mobile", 3, 2, 6);
    byte[] notAvro = "{\"nps\": 10}".getBytes(StandardCharsets.UTF_8);
    SurveyResponse outOfRange = survey("s-bad", T0.plusSeconds(55), Channel.CHAT, "North", "Alpha", "Fiber", 11, 5, 2);
    // minute 1 (09:01): s5 at 09:01:40 moves the watermark to 09:01:10 and so closes minute 0 ...
    SurveyResponse s4 = survey("s4", T0.plusSeconds(65), Channel.CHAT, "North", "Alpha", "Fiber", 9, 5, 1);
    SurveyResponse s5 = survey("s5", T0.plusSeconds(100), Channel.EMAIL, "South", "Beta", "Mobile", 7, 3, null);
    // ... so s6 (09:00:45) is late, while s7 (09:01:15), as far out of order, is not: its minute is open.
    SurveyResponse s6 = survey("s6", T0.plusSeconds(45), Channel.CHAT, "North", "Alpha", "Fiber", 0, 1, 7);
    SurveyResponse s7 = survey("s7", T0.plusSeconds(75), Channel.CHAT, "North", "Alpha", "Fiber", 10, null, 2);
    // minute 2 (09:02)
    SurveyResponse s8 = survey("s8", T0.plusSeconds(130), Channel.EMAIL, "North", "Alpha", "Fiber", 8, 4, 4);

    Decoded<SurveyResponse> undecodable = in.undecodable(notAvro, T0.plusSeconds(55));
    Decoded<SurveyResponse> invalid = in.invalid(outOfRange);
    Decoded<SurveyResponse> late = in.good(s6);
    InMemorySource.Builder<Decoded<SurveyResponse>> source = InMemorySource.of(in.type())
        .add(in.good(s1), in.good(s2), in.good(s3), undecodable, invalid, in.good(s4), in.good(s5), late, in.good(s7), in.good(s8));

    StreamExecutionEnvironment env = WorkflowTestCluster.environment();
    SurveyKpiWorkflow.defineWorkflow(env, source.build(), kpis, deadLetters, SETTINGS);
    env.execute("survey workflow test");

    KpiPoints points = new KpiPoints(kpis.records());
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1M), MINUTE_0_END), s1, s2, s3);
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1M, TAG_CHANNEL, "chat"), MINUTE_0_END), s1, s3);
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1M, TAG_REGION, "north"), MINUTE_0_END), s1, s3);
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1M), MINUTE_1_END), s4, s5, s7);
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1H), MINUTE_1_END), s1, s2, s3, s4, s5, s7);
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1H), MINUTE_2_END), s1, s2, s3, s4, s5, s7, s8);
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1H, TAG_TEAM, "beta"), MINUTE_2_END), s3, s5);

    // CSAT and CES skip the responses that did not answer them (s7 has no CSAT, s5 no CES).
    Map<String, Object> csat = points.fields(MEASUREMENT_CSAT, tags(WINDOW_1H), MINUTE_2_END);
    assertThat(csat).containsEntry(FIELD_N, 6L).containsEntry(FIELD_SATISFIED, 4L);
    assertThat((Double) csat.get(FIELD_TOP2_PCT)).isCloseTo(100.0 * 4 / 6, within(1e-9));
    assertThat((Double) csat.get(FIELD_MEAN)).isCloseTo((5 + 4 + 2 + 5 + 3 + 4) / 6.0, within(1e-9));
    Map<String, Object> ces = points.fields(MEASUREMENT_CES, tags(WINDOW_1H), MINUTE_2_END);
    assertThat(ces).containsEntry(FIELD_N, 6L);
    assertThat((Double) ces.get(FIELD_MEAN)).isCloseTo((2 + 3 + 6 + 1 + 2 + 4) / 6.0, within(1e-9));
    assertThat((Double) ces.get(FIELD_HIGH_EFFORT_PCT)).isCloseTo(100.0 / 6, within(1e-9));

    // The 24 h window holds all seven until minute 2 leaves it, and is then written once with n = 0.
    var day = points.series(MEASUREMENT_NPS, tags(WINDOW_24H));
    assertThat(day.get(MINUTE_2_END)).containsEntry(FIELD_N, 7L);
    assertThat(day.lastKey()).isEqualTo(MINUTE_2_END.plus(Duration.ofDays(1)));
    assertThat(day.lastEntry().getValue()).containsOnlyKeys(FIELD_N, FIELD_PROVISIONAL).containsEntry(FIELD_N, 0L)
        .containsEntry(FIELD_PROVISIONAL, 0L);

    assertThat(points.pipelineTotals(JOB)).containsOnly(
        entry(FIELD_EVENTS_TOTAL, 7L), entry(FIELD_LATE_TOTAL, 1L), entry(FIELD_INVALID_TOTAL, 1L), entry(FIELD_UNDECODABLE_TOTAL, 1L));

    Map<DeadLetter.Kind, DeadLetter> dead = byKind(deadLetters);
    // REJECTED dead letters come from the InfluxDB sink (the server's refusal), not from the workflow.
    assertThat(dead).containsOnlyKeys(DeadLetter.Kind.UNDECODABLE, DeadLetter.Kind.INVALID, DeadLetter.Kind.LATE);
    DeadLetter u = dead.get(DeadLetter.Kind.UNDECODABLE);
    assertThat(u.reason).startsWith("not Avro single-object encoding");
    assertThat(u.value).isEqualTo(notAvro);
    assertThat(u.offset).isEqualTo(undecodable.offset);
    DeadLetter i = dead.get(DeadLetter.Kind.INVALID);
    assertThat(i.reason).isEqualTo("nps = 11 is outside 0..10 (response s-bad)");
    assertThat(i.value).isEqualTo(in.encode(outOfRange));
    DeadLetter l = dead.get(DeadLetter.Kind.LATE);
    assertThat(l.reason).startsWith("late: event_time 2026-03-02T09:00:45Z is in a minute already closed by watermark")
        .endsWith("(response s6)");
    assertThat(l.value).isEqualTo(in.encode(s6));
    assertThat(l.offset).isEqualTo(late.offset);
    for (DeadLetter d : dead.values()) {
      assertThat(d.job).isEqualTo(JOB);
      assertThat(d.topic).isEqualTo("surveys");
    }
  }

  /**
   * A response sent three times counts once, wherever its copies arrive, and the copies are
   * counted; a copy that arrives after its minute closed is late like any other record.
   */
  @Test
  void aResponseSentAgainIsCountedOnce() throws Exception {
    DecodedRecords<SurveyResponse> in = TestInputs.surveys("surveys");
    SurveyResponse s1 = survey("d1", T0.plusSeconds(10), Channel.CHAT, "North", "Alpha", "Fiber", 10, 5, 2);
    SurveyResponse s2 = survey("d2", T0.plusSeconds(20), Channel.EMAIL, "South", "Alpha", "Fiber", 3, 2, 6);
    // The same response id with other answers (a resent, edited answer): the first copy counts.
    SurveyResponse s1Edited = survey("d1", T0.plusSeconds(10), Channel.CHAT, "North", "Alpha", "Fiber", 0, 1, 7);
    SurveyResponse s3 = survey("d3", T0.plusSeconds(100), Channel.CHAT, "North", "Alpha", "Fiber", 9, 4, 1);
    InMemorySource.Builder<Decoded<SurveyResponse>> source = InMemorySource.of(in.type())
        .add(in.good(s1), in.good(s2), in.good(s1), in.good(s1Edited), in.good(s2),
            // 09:01:40 moves the watermark to 09:01:10: minute 0 closes, and a copy of d1 after it is late
            in.good(s3), in.good(s1));

    StreamExecutionEnvironment env = WorkflowTestCluster.environment();
    SurveyKpiWorkflow.defineWorkflow(env, source.build(), kpis, deadLetters, SETTINGS);
    env.execute("survey deduplication test");

    KpiPoints points = new KpiPoints(kpis.records());
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1M), MINUTE_0_END), s1, s2);
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1H), MINUTE_1_END), s1, s2, s3);
    assertThat(points.pipelineTotals(JOB)).contains(entry(FIELD_EVENTS_TOTAL, 3L), entry(FIELD_LATE_TOTAL, 1L));
    assertThat(points.pipelineTotal(JOB, FIELD_DUPLICATES_TOTAL)).isEqualTo(3L);
    assertThat(deadLetters.records()).singleElement()
        .satisfies(d -> assertThat(d.kind).isEqualTo(DeadLetter.Kind.LATE))
        .satisfies(d -> assertThat(d.reason).endsWith("(response d1)"));
  }

  /** A team field that starts holding ticket ids: beyond --max-tag-values the new values share one series, "other", and are counted. */
  @Test
  void tagValuesBeyondTheCapAreFoldedIntoOther() throws Exception {
    DecodedRecords<SurveyResponse> in = TestInputs.surveys("surveys");
    InMemorySource.Builder<Decoded<SurveyResponse>> source = InMemorySource.of(in.type());
    List<SurveyResponse> real = new ArrayList<>();
    List<SurveyResponse> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      real.add(survey("c" + i, T0.plusSeconds(i), Channel.CHAT, "North", List.of("Alpha", "Beta", "Gamma").get(i % 3), "Fiber", i, null, null));
    }
    for (int i = 0; i < 10; i++) {
      ids.add(survey("t" + i, T0.plusSeconds(10 + i), Channel.CHAT, "North", "T-100" + i, "Fiber", 10, null, null));
    }
    real.forEach(r -> source.add(in.good(r)));
    ids.forEach(r -> source.add(in.good(r)));
    source.add(in.good(survey("late-alpha", T0.plusSeconds(40), Channel.CHAT, "North", "Alpha", "Fiber", 9, null, null)));

    StreamExecutionEnvironment env = WorkflowTestCluster.environment();
    Configuration cap = new Configuration();
    cap.set(PipelineOptions.GLOBAL_JOB_PARAMETERS, Map.of(TagCardinalityGuard.PARAMETER, "3"));
    env.configure(cap);
    SurveyKpiWorkflow.defineWorkflow(env, source.build(), kpis, deadLetters, SETTINGS);
    env.execute("survey tag cardinality test");

    KpiPoints points = new KpiPoints(kpis.records());
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1M, TAG_TEAM, TagCardinalityGuard.OTHER), MINUTE_0_END), ids.toArray(SurveyResponse[]::new));
    assertNps(points.fields(MEASUREMENT_NPS, tags(WINDOW_1M, TAG_TEAM, "alpha"), MINUTE_0_END), real.get(0), real.get(3),
        survey("late-alpha", T0.plusSeconds(40), Channel.CHAT, "North", "Alpha", "Fiber", 9, null, null));
    assertThat(points.series(MEASUREMENT_NPS, tags(WINDOW_1M, TAG_TEAM, "t-1000"))).isEmpty();
    assertThat(points.pipelineTotal(JOB, FIELD_TAG_VALUES_FOLDED_TOTAL)).isEqualTo(10L);
  }

  /** NPS fields of a point against the answers of the given responses, counted here with a plain loop. */
  private static void assertNps(Map<String, Object> fields, SurveyResponse... responses) {
    long promoters = 0;
    long passives = 0;
    long detractors = 0;
    for (SurveyResponse r : responses) {
      int nps = r.getNps();
      if (nps >= 9) {
        promoters++;
      } else if (nps >= 7) {
        passives++;
      } else {
        detractors++;
      }
    }
    long n = responses.length;
    assertThat(fields).containsEntry(FIELD_N, n).containsEntry(FIELD_PROMOTERS, promoters)
        .containsEntry(FIELD_PASSIVES, passives).containsEntry(FIELD_DETRACTORS, detractors);
    assertThat((Double) fields.get(FIELD_SCORE)).isCloseTo(100.0 * (promoters - detractors) / n, within(1e-9));
  }

  private static Map<String, String> tags(String window, String... dimensionAndValue) {
    return KpiPoints.tags(DIMENSION_TAGS, window, dimensionAndValue);
  }

  private static Map<DeadLetter.Kind, DeadLetter> byKind(CollectingSink<DeadLetter> sink) {
    Map<DeadLetter.Kind, DeadLetter> out = new HashMap<>();
    for (DeadLetter d : sink.records()) {
      assertThat(out.put(d.kind, d)).as("a second %s dead letter: %s", d.kind, d).isNull();
    }
    return out;
  }

  private static SurveyResponse survey(String id, Instant at, Channel channel, String region, String team, String product,
      Integer nps, Integer csat, Integer ces) {
    return SurveyResponse.newBuilder().setResponseId(id).setCustomerId("c-" + id).setEventTime(at).setChannel(channel)
        .setRegion(region).setTeam(team).setProduct(product).setNps(nps).setCsat(csat).setCes(ces).build();
  }
}
