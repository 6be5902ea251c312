package io.cxmonitor.surveys;

import io.cxmonitor.platform.influx.InfluxSchema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.testing.RegistryModeRuns;
import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.testkit.SchemaRegistry;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The survey job reading Confluent-framed surveys with writer schemas from a real schema registry
 * (Apicurio, Confluent-compatible API), against the same surveys in single-object encoding: both
 * runs must write the same points, and both the points {@link ExpectedSurveyKpis} computes with
 * plain loops. Part of the Confluent topic is written by a producer on a newer compatible schema
 * (an added optional field, registered as version 2); records with an id the registry does not
 * have, or not framed at all (JSON text), go to the dead letters with their reason. A registry that is
 * down when the job starts is waited for, and one that goes down mid-run leaves the cached ids
 * working while records with a new id wait: nothing is dead-lettered or lost.
 */
class SurveyKpiJobRegistryITCase {
  private static final String SINGLE = "it.surveys.single";
  private static final String CONFLUENT = "it.surveys.confluent";
  private static final String SUBJECT = CONFLUENT + "-value"; // TopicNameStrategy
  private static final String DLQ_SINGLE = "it.dead-letter.single";
  private static final String DLQ_CONFLUENT = "it.dead-letter.confluent";
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");
  private static final List<String> MEASUREMENTS = List.of("cx_nps", "cx_csat", "cx_ces");

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @AutoClose
  private static RegistryModeRuns servers;
  private static KafkaBroker kafka;
  private static InfluxServer influx;
  private static SchemaRegistry registry;

  @BeforeAll
  static void startServers() throws Exception {
    servers = RegistryModeRuns.start(SINGLE, CONFLUENT, DLQ_SINGLE, DLQ_CONFLUENT);
    kafka = servers.kafka;
    influx = servers.influx;
    registry = servers.registry;
  }

  @Test
  void confluentFramedSurveysGiveTheSameKpisAsSingleObjectOnes() throws Exception {
    // --- producers register their schemas as a Confluent serializer would, under <topic>-value ---
    Schema current = SurveyResponse.getClassSchema();
    Schema withLanguage = withField(current, new Schema.Field("language",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), "added in v2",
        Schema.Field.NULL_DEFAULT_VALUE));
    int v1 = registry.register(SUBJECT, current.toString());
    registry.setCompatibility(SUBJECT, "BACKWARD");
    int v2 = registry.register(SUBJECT, withLanguage.toString());
    assertThat(v2).isNotEqualTo(v1);
    int unknownId = Math.max(v1, v2) + 1000;

    // --- the registry's compatibility check applies: a new required field (no default) breaks BACKWARD ... ---
    Schema newRequired = withField(withLanguage, new Schema.Field("survey_version", Schema.create(Schema.Type.INT)));
    assertThatThrownBy(() -> registry.register(SUBJECT, newRequired.toString()))
        .isInstanceOfSatisfying(SchemaRegistry.Refused.class, e -> assertThat(e.status()).isEqualTo(409));
    // ... and removing a required field, harmless for BACKWARD, breaks FORWARD: a reader like this job needs it
    registry.setCompatibility(SUBJECT, "FORWARD");
    Schema noCustomer = Schema.createRecord(current.getName(), null, current.getNamespace(), false,
        copy(withLanguage.getFields().stream().filter(f -> !f.name().equals("customer_id")).toList()));
    assertThatThrownBy(() -> registry.register(SUBJECT, noCustomer.toString()))
        .isInstanceOfSatisfying(SchemaRegistry.Refused.class, e -> assertThat(e.status()).isEqualTo(409));

    // --- the same surveys on both topics; every 5th Confluent one from the v2 producer; bad records on Confluent only ---
    SimulationConfig config = SimulationConfig.defaults(11, T0, Duration.ofHours(2))
        .withRate(150)
        .withDisorder(0.1, Duration.ofSeconds(20), 0.02);
    WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
    List<SurveyResponse> published = new ArrayList<>();
    int fromV2 = 0;
    int unknown = 0;
    int jsonOnConfluent = 0;
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (!(r.record() instanceof SurveyResponse s)) {
          continue;
        }
        published.add(s);
        publisher.sendRaw(SINGLE, r.key(), codec.encode(s));
        if (published.size() % 5 == 0) {
          publisher.sendRaw(CONFLUENT, r.key(), ConfluentFraming.frame(v2, encodeV2(withLanguage, s, "vi")));
          fromV2++;
        } else {
          publisher.sendRaw(CONFLUENT, r.key(), ConfluentFraming.frame(v1, codec.encodeBody(s)));
        }
        if (published.size() % 300 == 0) {
          publisher.sendRaw(CONFLUENT, r.key(), ConfluentFraming.frame(unknownId, codec.encodeBody(s)));
          unknown++;
        }
        if (published.size() % 500 == 0) {
          // (single-object records are read on a Confluent topic: ChurnKpiJobRegistryITCase)
          publisher.sendRaw(CONFLUENT, r.key(), s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          jsonOnConfluent++;
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).isZero();
    }
    ExpectedSurveyKpis expected = new ExpectedSurveyKpis(published, BOUND.toMillis());
    assertThat(expected.onTime).hasSizeGreaterThan(1_000);
    assertThat(expected.late).as("the run must contain late responses").isNotEmpty();
    assertThat(unknown).isPositive();
    assertThat(jsonOnConfluent).isPositive();

    // --- run the job over each topic ---
    runJob("cx_single", SINGLE, DLQ_SINGLE);
    runJob("cx_confluent", CONFLUENT, DLQ_CONFLUENT, "--value-format", "confluent",
        "--schema-registry", registry.confluentUrl());

    // --- the same points, and the ones a plain loop over the surveys expects ---
    int compared = 0;
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      for (String measurement : MEASUREMENTS) {
        Map<String, Map<String, Double>> single = SurveyKpiJobITCase.readAll(client, "cx_single", measurement);
        Map<String, Map<String, Double>> confluent = SurveyKpiJobITCase.readAll(client, "cx_confluent", measurement);
        assertThat(confluent.keySet()).as("%s points", measurement).isEqualTo(single.keySet());
        confluent.forEach((key, fields) -> assertThat(fields).as(key).isEqualTo(single.get(key)));
        compared += assertExpected(expected, measurement, confluent);
      }
    }
    assertThat(compared).isGreaterThan(3_000);

    // --- dead letters: the same late surveys; on the Confluent topic also the unknown ids and the JSON ---
    Map<String, Integer> singleKinds = kinds(kafka.readAll(DLQ_SINGLE), SINGLE, new ArrayList<>());
    List<String> reasons = new ArrayList<>();
    Map<String, Integer> confluentKinds = kinds(kafka.readAll(DLQ_CONFLUENT), CONFLUENT, reasons);
    assertThat(singleKinds).containsExactly(Map.entry("LATE", expected.late.size()));
    assertThat(confluentKinds).containsEntry("LATE", expected.late.size())
        .containsEntry("UNDECODABLE", unknown + jsonOnConfluent).hasSize(2);
    assertThat(reasons.stream().filter(r -> r.startsWith("unknown schema id " + unknownId + ":"))).hasSize(unknown);
    assertThat(reasons.stream().filter(r -> r.contains("not the magic byte 0x00"))).hasSize(jsonOnConfluent);
    System.out.printf("%d surveys (%d from the v2 producer), %d points compared, %d unknown ids, %d JSON%n",
        published.size(), fromV2, compared, unknown, jsonOnConfluent);
  }

  @Test
  void surveysWaitForARegistryThatIsDownAtStartAndNoneIsLost() throws Exception {
    String topic = "it.surveys.outage";
    String deadLetters = "it.dead-letter.outage";
    kafka.createTopics(1, topic, deadLetters);
    Schema current = SurveyResponse.getClassSchema();
    int id = registry.register(topic + "-value", current.toString());

    SimulationConfig config = SimulationConfig.defaults(12, T0, Duration.ofMinutes(40)).withRate(150);
    WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
    List<SurveyResponse> published = new ArrayList<>();
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (r.record() instanceof SurveyResponse s) {
          published.add(s);
          publisher.sendRaw(topic, r.key(), ConfluentFraming.frame(id, codec.encodeBody(s)));
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).isZero();
    }
    ExpectedSurveyKpis expected = new ExpectedSurveyKpis(published, BOUND.toMillis());
    assertThat(expected.onTime).hasSizeGreaterThan(200);

    registry.stop();
    JobClient job = startJob("cx_outage", topic, deadLetters, "--bounded", "--value-format", "confluent",
        "--schema-registry", registry.confluentUrl());
    await().atMost(Duration.ofMinutes(2)).until(() -> job.getJobStatus().get() == JobStatus.RUNNING);
    // while the registry is away the records wait: the bounded job keeps running and dead-letters nothing
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !job.getJobStatus().get().isGloballyTerminalState() && kafka.readAll(deadLetters).isEmpty());

    registry.restart(); // back with its schemas, as a registry after an outage
    assertThat(registry.register(topic + "-value", current.toString())).as("the same id as before").isEqualTo(id);
    job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      int points = 0;
      for (String measurement : MEASUREMENTS) {
        points += assertExpected(expected, measurement,
            SurveyKpiJobITCase.readAll(client, "cx_outage", measurement));
      }
      assertThat(points).isGreaterThan(1_000);
    }
    assertThat(kinds(kafka.readAll(deadLetters), topic, new ArrayList<>())).as("dead letters")
        .isEqualTo(expected.late.isEmpty() ? Map.of() : Map.of("LATE", expected.late.size()));
  }

  @Test
  void cachedIdsKeepWorkingWhenTheRegistryGoesDownMidRunAndNewOnesWaitForIt() throws Exception {
    String topic = "it.surveys.midrun";
    String deadLetters = "it.dead-letter.midrun";
    kafka.createTopics(1, topic, deadLetters);
    Schema current = SurveyResponse.getClassSchema();
    Schema withLanguage = withField(current, new Schema.Field("language",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), null,
        Schema.Field.NULL_DEFAULT_VALUE));
    int v1 = registry.register(topic + "-value", current.toString());
    int v2 = registry.register(topic + "-value", withLanguage.toString());
    int marker = Math.max(v1, v2) + 1000; // an id nobody registered: its dead letter shows how far the job got

    List<SurveyResponse> surveys = new ArrayList<>();
    CxSimulation sim = new CxSimulation(SimulationConfig.defaults(13, T0, Duration.ofMinutes(40)).withRate(150));
    while (sim.hasNext()) {
      if (sim.next().record() instanceof SurveyResponse s) {
        surveys.add(s);
      }
    }
    ExpectedSurveyKpis expected = new ExpectedSurveyKpis(surveys, BOUND.toMillis());
    assertThat(expected.late).isEmpty();
    int half = surveys.size() / 2;
    WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      // --- first half by the v1 producer, then the marker; the job runs until cancelled ---
      for (SurveyResponse s : surveys.subList(0, half)) {
        publisher.sendRaw(topic, s.getCustomerId().toString(), ConfluentFraming.frame(v1, codec.encodeBody(s)));
      }
      publisher.sendRaw(topic, "marker", ConfluentFraming.frame(marker, codec.encodeBody(surveys.get(0))));
      publisher.flush();
      JobClient job = startJob("cx_midrun", topic, deadLetters, "--stats-interval", "PT1S",
          "--value-format", "confluent", "--schema-registry", registry.confluentUrl());
      try {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
            .until(() -> kafka.readAll(deadLetters).size() == 1); // past the first half: v1 is cached

        // --- registry down: the second half, a quarter by v1 (cached) and the rest by v2 (not yet seen) ---
        registry.stop();
        for (int i = half; i < surveys.size(); i++) {
          SurveyResponse s = surveys.get(i);
          byte[] value = i < half + half / 2 ? ConfluentFraming.frame(v1, codec.encodeBody(s))
              : ConfluentFraming.frame(v2, encodeV2(withLanguage, s, "en"));
          publisher.sendRaw(topic, s.getCustomerId().toString(), value);
        }
        publisher.sendRaw(topic, "marker", ConfluentFraming.frame(marker, codec.encodeBody(surveys.get(0))));
        publisher.flush();
        // the v1 records are counted while the registry is away; the v2 ones wait, and nothing is dead-lettered
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
            .until(() -> eventsCounted("cx_midrun") >= half + half / 2);
        assertThat(kafka.readAll(deadLetters)).hasSize(1);
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

        registry.restart();
        assertThat(registry.register(topic + "-value", current.toString())).isEqualTo(v1);
        assertThat(registry.register(topic + "-value", withLanguage.toString())).isEqualTo(v2);
        // the v2 lookups may have outlasted the registry retry time while it was down (the source then fails and
        // restarts with backoff), so allow for a restart on top of the retry
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
            .until(() -> kafka.readAll(deadLetters).size() == 2);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
            .until(() -> eventsCounted("cx_midrun") == expected.onTime.size());
      } finally {
        if (!job.getJobStatus().get().isGloballyTerminalState()) {
          job.cancel().get(1, TimeUnit.MINUTES);
        }
      }
    }
    List<String> reasons = new ArrayList<>();
    assertThat(kinds(kafka.readAll(deadLetters), topic, reasons)).containsExactly(Map.entry("UNDECODABLE", 2));
    assertThat(reasons).allSatisfy(r -> assertThat(r).startsWith("unknown schema id " + marker + ":"));
  }

  /** The survey job's valid on-time records so far, summed over its subtasks' latest counters. */
  private static long eventsCounted(String db) throws Exception {
    return servers.eventsCounted(db, "surveys");
  }

  /** Asserts that {@code actual} holds exactly the expected points of {@code measurement}; returns how many. */
  private static int assertExpected(ExpectedSurveyKpis expected, String measurement,
      Map<String, Map<String, Double>> actual) {
    List<ExpectedSurveyKpis.Point> points = expected.points.values().stream()
        .filter(p -> p.measurement().equals(measurement)).toList();
    assertThat(actual).as("%s points", measurement).hasSize(points.size());
    for (ExpectedSurveyKpis.Point p : points) {
      String key = ExpectedSurveyKpis.key(p.measurement(), p.tags(), p.time());
      Map<String, Double> fields = actual.get(key);
      assertThat(fields).as("missing point %s", key).isNotNull();
      // every window point ends final (field provisional = 0; InfluxDB contract)
      assertThat(fields.get(InfluxSchema.FIELD_PROVISIONAL)).as("%s provisional", key).isEqualTo(0.0);
      assertThat(fields.keySet().stream().filter(f -> !f.equals(InfluxSchema.FIELD_PROVISIONAL)))
          .as("fields of %s", key).containsExactlyInAnyOrderElementsOf(p.fields().keySet());
      p.fields().forEach((f, v) -> assertThat(fields.get(f)).as("%s %s", key, f)
          .isCloseTo(v, within(1e-9 * Math.max(1, Math.abs(v)))));
    }
    return points.size();
  }

  /** Runs the job over what {@code topic} holds now, to the end. */
  private static void runJob(String db, String topic, String deadLetters, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(extra));
    args.add("--bounded");
    startJob(db, topic, deadLetters, args.toArray(String[]::new)).getJobExecutionResult().get(10, TimeUnit.MINUTES);
  }

  private static JobClient startJob(String db, String topic, String deadLetters, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--dead-letter-topic", deadLetters,
        "--group-id", "it-" + db, "--start-from", "EARLIEST",
        "--influx-url", influx.url(), "--influx-db", db,
        "--out-of-orderness", BOUND.toString(), "--checkpoint-interval", "PT1S", "--parallelism", "2"));
    args.addAll(List.of(extra));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    SurveyKpiJob.fromArgs(args.toArray(String[]::new)).configure(env);
    return env.executeAsync("survey-kpi-" + db);
  }

  /** Dead letters by kind; each from {@code topic} with a reason, which is added to {@code reasons}. */
  private static Map<String, Integer> kinds(List<ConsumerRecord<byte[], byte[]>> dead, String topic, List<String> reasons) {
    Map<String, Integer> byKind = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      byKind.merge(KafkaBroker.header(r, DeadLetter.HEADER_KIND), 1, Integer::sum);
      assertThat(KafkaBroker.header(r, DeadLetter.HEADER_TOPIC)).isEqualTo(topic);
      String reason = KafkaBroker.header(r, DeadLetter.HEADER_REASON);
      assertThat(reason).isNotBlank();
      reasons.add(reason);
    }
    return byKind;
  }

  /** {@code s} as the v2 producer writes it: every current field, plus the added one. */
  private static byte[] encodeV2(Schema v2, SurveyResponse s, String language) throws Exception {
    GenericData.Record r = new GenericData.Record(v2);
    for (Schema.Field f : SurveyResponse.getClassSchema().getFields()) {
      r.put(f.name(), s.get(f.pos()));
    }
    r.put("language", language);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<GenericData.Record>(v2, SpecificData.getForClass(SurveyResponse.class)).write(r, e);
    e.flush();
    return out.toByteArray();
  }

  private static Schema withField(Schema s, Schema.Field extra) {
    List<Schema.Field> fields = copy(s.getFields());
    fields.add(extra);
    return Schema.createRecord(s.getName(), s.getDoc(), s.getNamespace(), false, fields);
  }

  private static List<Schema.Field> copy(List<Schema.Field> fields) {
    List<Schema.Field> out = new ArrayList<>();
    fields.forEach(f -> out.add(new Schema.Field(f, f.schema())));
    return out;
  }
}
