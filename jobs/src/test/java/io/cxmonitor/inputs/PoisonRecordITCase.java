package io.cxmonitor.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.DeadLetterSerializer;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * Poison records between good surveys, on a real Kafka broker, a real influxd and a MiniCluster
 * that is not allowed to restart: every class of bad input the README's table lists — random
 * bytes, empty and null values, wrong marker, other framings, unknown fingerprints (a producer's
 * differently laid-out canonical form), truncated bodies, trailing bytes, an
 * enum index out of range, a record of another type, a string prefix claiming 1.5 GB, two records
 * of about 1 MB (their dead-letter copies would not fit in a Kafka request), scores out of range,
 * no score, empty ids, event times in 1970, just before 2000 and two days ahead — and good surveys
 * sent three times, and a newer producer's survey whose channel symbol the job does not know (read
 * as OTHER through --writer-schema, and counted). The job must finish, every poison record must be on the dead-letter topic with
 * its reason and origin, the copies must be counted as duplicates, and the good surveys' NPS must
 * be what a plain loop over the distinct responses computes.
 */
class PoisonRecordITCase {
  private static final String DB = "cx_poison";
  private static final String SURVEYS = "poison.surveys";
  private static final String DLQ = "poison.dead-letter";
  private static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");
  private static final long MINUTE = 60_000L;
  private static final int GOOD = 600;
  /** Just under Kafka's default 1 MiB request: the original fits, its copy plus headers does not. */
  private static final int ONE_MB = 1_048_400;
  /** A poison record after every this many good ones. */
  private static final int POISON_EVERY = 25;
  /** Every this many good responses one is sent three times. */
  private static final int DUPLICATED_EVERY = 50;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  /** A poison record: its bytes, and what its dead letter must say. */
  private record Poison(String name, byte[] value, String kind, String reasonPart) {}

  @BeforeAll
  static void startServers() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, SURVEYS, DLQ);
  }

  @AfterAll
  static void stopServers() {
    if (kafka != null) {
      kafka.close();
    }
    if (influx != null) {
      influx.close();
    }
  }

  @Test
  void poisonRecordsAreDeadLetteredAndTheGoodOnesCounted(@TempDir Path tmp) throws Exception {
    WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
    List<SurveyResponse> good = new ArrayList<>();
    for (int i = 0; i < GOOD; i++) {
      good.add(survey("r" + i, T0.plusMillis(i * 6_000L), i % 11));
    }
    byte[] goodBytes = codec.encode(survey("pg", T0.plusSeconds(30), 9));
    // A newer producer's survey with channel VIBER, which this job's Channel lacks: read as OTHER (its schema is
    // given with --writer-schema) and counted, so it is a good response with channel OTHER.
    SurveyResponse viber = SurveyResponse.newBuilder(survey("pviber", T0.plusSeconds(40), 10)).setChannel(Channel.OTHER).build();
    Path newerSchema = Files.writeString(tmp.resolve("SurveyResponse-viber.avsc"), newerSurveySchema().toString());
    List<Poison> poisons = List.of(
        new Poison("random bytes", randomBytes(200), "UNDECODABLE", "not Avro single-object encoding"),
        new Poison("empty value", new byte[0], "UNDECODABLE", "empty record value (0 bytes)"),
        new Poison("null value (tombstone)", null, "UNDECODABLE", "empty record value (null)"),
        new Poison("wrong marker", withMarker(goodBytes, (byte) 0xC3, (byte) 0x02), "UNDECODABLE", "not Avro single-object encoding"),
        new Poison("Confluent framing", confluentFramed(goodBytes), "UNDECODABLE", "not Avro single-object encoding"),
        new Poison("fingerprint of the canonical form with Channel referenced (fastavro named_schemas)",
            withChannelReferencedFingerprint(goodBytes), "UNDECODABLE", "unknown schema fingerprint: not a SurveyResponse version"),
        new Poison("enum index out of range", withChannelIndex(codec, 37), "UNDECODABLE",
            "SurveyResponse.channel has enum index 37 but Channel has 10 symbols"),
        new Poison("truncated body", Arrays.copyOf(goodBytes, goodBytes.length - 5), "UNDECODABLE",
            "corrupt SurveyResponse body: truncated"),
        new Poison("trailing bytes", Arrays.copyOf(goodBytes, goodBytes.length + 3), "UNDECODABLE",
            "corrupt SurveyResponse body: 3 trailing bytes after the record"),
        new Poison("an interaction on the survey topic", interaction(), "UNDECODABLE",
            "it is the fingerprint of InteractionEvent v3: a record of another type on this topic"),
        new Poison("CSAT 0", codec.encode(SurveyResponse.newBuilder(survey("pcsat", T0.plusSeconds(40), 9)).setNps(null).setCsat(0).build()),
            "INVALID", "csat = 0 is outside 1..5 (response pcsat)"),
        new Poison("CES 8", codec.encode(SurveyResponse.newBuilder(survey("pces", T0.plusSeconds(40), 9)).setCes(8).build()),
            "INVALID", "ces = 8 is outside 1..7 (response pces)"),
        new Poison("NPS 11", codec.encode(survey("pnps", T0.plusSeconds(40), 11)), "INVALID", "nps = 11 is outside 0..10 (response pnps)"),
        new Poison("all scores null", codec.encode(SurveyResponse.newBuilder(survey("pnone", T0.plusSeconds(40), 9)).setNps(null).build()),
            "INVALID", "no score: nps, csat and ces are all null (response pnone)"),
        new Poison("empty response id", codec.encode(survey("", T0.plusSeconds(40), 9)), "INVALID", "response_id is empty"),
        new Poison("blank customer id", codec.encode(SurveyResponse.newBuilder(survey("pcust", T0.plusSeconds(40), 9)).setCustomerId(" ").build()),
            "INVALID", "customer_id is empty (response pcust)"),
        new Poison("18 bytes claiming 1.5 GB", eighteenBytesClaimingAHugeString(codec), "UNDECODABLE",
            "SurveyResponse.response_id claims 1500000000 bytes"),
        new Poison("1 MB of text", filled(ONE_MB, 'x'), "UNDECODABLE", "not Avro single-object encoding"),
        new Poison("1 MB survey with NPS 11", oneMegabyteInvalidSurvey(codec), "INVALID", "nps = 11 is outside 0..10"),
        new Poison("June 1970", codec.encode(survey("p1970", Instant.parse("1970-06-15T10:00:00Z"), 9)), "INVALID",
            "event_time 1970-06-15T10:00:00Z is before 2000-01-01T00:00:00Z"),
        new Poison("just before 2000", codec.encode(survey("p1999", Instant.parse("1999-12-31T23:59:59Z"), 9)), "INVALID",
            "event_time 1999-12-31T23:59:59Z is before 2000-01-01T00:00:00Z"),
        new Poison("two days ahead", codec.encode(survey("pfuture", Instant.now().plus(Duration.ofDays(2)), 9)), "INVALID",
            "ahead of the clock (--event-time-max-ahead)"));

    // --- publish: the poison records spread between the good ones, all on one partition ---
    assertThat(poisons.size()).isLessThanOrEqualTo(GOOD / POISON_EVERY);
    Map<Long, Poison> poisonAt = new HashMap<>();
    List<SurveyResponse> resend = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
      List<Future<RecordMetadata>> poisonSent = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (int i = 0; i < GOOD; i++) {
        SurveyResponse s = good.get(i);
        producer.send(new ProducerRecord<>(SURVEYS, 0, now, key(s.getResponseId()), codec.encode(s)));
        if (i == 3) {
          producer.send(new ProducerRecord<>(SURVEYS, 0, now, key(viber.getResponseId()), withNewerChannel(viber)));
        }
        if (i % DUPLICATED_EVERY == 7) { // sent twice more, once right away and once after the next response
          producer.send(new ProducerRecord<>(SURVEYS, 0, now, key(s.getResponseId()), codec.encode(s)));
          resend.add(s);
        } else if (!resend.isEmpty()) {
          SurveyResponse again = resend.remove(0);
          producer.send(new ProducerRecord<>(SURVEYS, 0, now, key(again.getResponseId()), codec.encode(again)));
        }
        if (i % POISON_EVERY == POISON_EVERY / 2 && i / POISON_EVERY < poisons.size()) {
          Poison p = poisons.get(i / POISON_EVERY);
          poisonSent.add(producer.send(new ProducerRecord<>(SURVEYS, 0, now, key("poison"), p.value())));
        }
      }
      producer.flush();
      for (int i = 0; i < poisons.size(); i++) {
        poisonAt.put(poisonSent.get(i).get(30, TimeUnit.SECONDS).offset(), poisons.get(i));
      }
    }

    // --- run the survey job to the end of the input; any failure (no restarts allowed) fails the test ---
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    SurveyKpiJob.fromArgs(
        "--bootstrap-servers", kafka.bootstrapServers(), "--topic", SURVEYS, "--dead-letter-topic", DLQ,
        "--group-id", "poison", "--start-from", "EARLIEST", "--bounded",
        "--influx-url", influx.url(), "--influx-db", DB, "--checkpoint-interval", "PT1S", "--parallelism", "2",
        "--writer-schema", newerSchema.toString())
        .configure(env);
    Configuration noRestarts = new Configuration();
    noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    env.configure(noRestarts);
    env.execute("poison-records-it");

    // --- every poison record is a dead letter with its reason and origin; nothing else is ---
    List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(DLQ);
    assertThat(dead).hasSize(poisons.size());
    int limit = DeadLetterSerializer.DEFAULT_MAX_PAYLOAD_BYTES;
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      long offset = Long.parseLong(KafkaBroker.header(d, DeadLetter.HEADER_OFFSET));
      Poison p = poisonAt.get(offset);
      assertThat(p).as("dead letter for offset %d", offset).isNotNull();
      assertThat(KafkaBroker.header(d, DeadLetter.HEADER_KIND)).as(p.name()).isEqualTo(p.kind());
      assertThat(KafkaBroker.header(d, DeadLetter.HEADER_REASON)).as(p.name()).contains(p.reasonPart());
      assertThat(KafkaBroker.header(d, DeadLetter.HEADER_JOB)).isEqualTo("surveys");
      assertThat(KafkaBroker.header(d, DeadLetter.HEADER_TOPIC)).isEqualTo(SURVEYS);
      assertThat(KafkaBroker.header(d, DeadLetter.HEADER_PARTITION)).isEqualTo("0");
      assertThat(d.key()).isEqualTo(key("poison"));
      if (p.value() != null && p.value().length + key("poison").length > limit) {
        assertThat(KafkaBroker.header(d, DeadLetter.HEADER_TRUNCATED)).as(p.name()).isEqualTo("true");
        assertThat(KafkaBroker.header(d, DeadLetter.HEADER_ORIGINAL_VALUE_SIZE)).isEqualTo(Integer.toString(p.value().length));
        assertThat(d.value()).isEqualTo(Arrays.copyOf(p.value(), limit - key("poison").length));
      } else {
        assertThat(KafkaBroker.header(d, DeadLetter.HEADER_TRUNCATED)).as(p.name()).isNull();
        assertThat(d.value()).isEqualTo(p.value());
      }
    }
    assertThat(dead.stream().map(d -> KafkaBroker.header(d, DeadLetter.HEADER_TRUNCATED)).filter("true"::equals)).hasSize(2);

    // --- the good surveys' per-minute NPS, overall, as a plain loop counts it ---
    TreeMap<Long, int[]> expected = new TreeMap<>(); // minute end → n, promoters, detractors
    List<SurveyResponse> used = new ArrayList<>(good);
    used.add(viber);
    for (SurveyResponse s : used) {
      long end = (Math.floorDiv(s.getEventTime().toEpochMilli(), MINUTE) + 1) * MINUTE;
      int[] c = expected.computeIfAbsent(end, k -> new int[3]);
      c[0]++;
      c[1] += s.getNps() >= 9 ? 1 : 0;
      c[2] += s.getNps() <= 6 ? 1 : 0;
    }
    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      Map<Long, Map<String, Object>> actual = rows(client, "SELECT n, score, promoters, detractors FROM cx_nps "
          + "WHERE \"window\" = '1m' AND channel = 'all' AND region = 'all' AND team = 'all' AND product = 'all' AND n > 0");
      assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
      expected.forEach((time, c) -> {
        Map<String, Object> row = actual.get(time);
        assertThat(((Number) row.get("n")).intValue()).as("n at %s", Instant.ofEpochMilli(time)).isEqualTo(c[0]);
        assertThat(((Number) row.get("promoters")).intValue()).isEqualTo(c[1]);
        assertThat(((Number) row.get("detractors")).intValue()).isEqualTo(c[2]);
        assertThat(((Number) row.get("score")).doubleValue()).isCloseTo(100.0 * (c[1] - c[2]) / c[0], within(1e-9));
      });
      long firstMinuteEnd = expected.firstKey();
      long otherInFirstMinute = used.stream().filter(x -> x.getChannel() == Channel.OTHER)
          .filter(x -> x.getEventTime().toEpochMilli() < firstMinuteEnd).count();
      Map<Long, Map<String, Object>> other = rows(client, "SELECT n FROM cx_nps WHERE \"window\" = '1m' AND channel = 'other' "
          + "AND region = 'all' AND team = 'all' AND product = 'all' AND time = " + firstMinuteEnd + "ms");
      assertThat(((Number) other.get(firstMinuteEnd).get("n")).longValue()).isEqualTo(otherInFirstMinute);
      Map<String, Object> counters = sumOfLast(client, "SELECT last(events_total) AS events, last(invalid_total) AS invalid, "
          + "last(undecodable_total) AS undecodable, last(duplicates_total) AS duplicates, last(unknown_symbols_total) AS unknown FROM cx_pipeline WHERE job = 'surveys' GROUP BY subtask");
      long invalid = poisons.stream().filter(p -> p.kind().equals("INVALID")).count();
      assertThat(counters).containsEntry("events", (double) GOOD + 1).containsEntry("unknown", 1.0).containsEntry("invalid", (double) invalid)
          .containsEntry("undecodable", (double) (poisons.size() - invalid))
          .containsEntry("duplicates", 2.0 * GOOD / DUPLICATED_EVERY);
    }
  }

  private static SurveyResponse survey(String id, Instant time, int nps) {
    return SurveyResponse.newBuilder().setResponseId(id).setCustomerId("c-" + id).setEventTime(time)
        .setChannel(Channel.values()[Math.floorMod(id.hashCode(), Channel.values().length)]).setNps(nps).build();
  }

  /** 10 header bytes of a real survey, then response_id's length prefix claiming 1.5 GB, then 3 bytes. */
  private static byte[] eighteenBytesClaimingAHugeString(WireFormat.Codec<SurveyResponse> codec) {
    byte[] bytes = Arrays.copyOf(codec.encode(survey("x", T0, 9)), 18);
    long zigzag = 1_500_000_000L << 1;
    int pos = 10;
    while ((zigzag & ~0x7fL) != 0) {
      bytes[pos++] = (byte) ((zigzag & 0x7f) | 0x80);
      zigzag >>>= 7;
    }
    bytes[pos] = (byte) zigzag;
    return bytes;
  }

  /** A well-formed survey of exactly {@link #ONE_MB} bytes (a long comment) that is invalid: NPS 11. */
  private static byte[] oneMegabyteInvalidSurvey(WireFormat.Codec<SurveyResponse> codec) {
    SurveyResponse s = SurveyResponse.newBuilder(survey("pbig", T0.plusSeconds(1_800), 11)).setComment("").build();
    int base = codec.encode(s).length; // an empty comment: a 1-byte length; a 1 MB one takes 3
    byte[] bytes = codec.encode(SurveyResponse.newBuilder(s).setComment("c".repeat(ONE_MB - base - 2)).build());
    assertThat(bytes).hasSize(ONE_MB);
    return bytes;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new java.util.Random(13).nextBytes(b);
    b[0] = 0x5A; // never C3 01 by chance
    return b;
  }

  private static byte[] withMarker(byte[] record, byte first, byte second) {
    byte[] b = record.clone();
    b[0] = first;
    b[1] = second;
    return b;
  }

  /** What a Confluent Schema Registry serializer writes: magic 0, a 4-byte schema id, the body. */
  private static byte[] confluentFramed(byte[] record) {
    byte[] b = new byte[record.length - 5];
    b[4] = 17;
    System.arraycopy(record, 10, b, 5, record.length - 10);
    return b;
  }

  /** The body the codec writes, behind the fingerprint of the canonical form with Channel referenced, not inlined. */
  private static byte[] withChannelReferencedFingerprint(byte[] record) {
    String spec = SchemaNormalization.toParsingForm(SurveyResponse.getClassSchema());
    String referenced = spec.replace(SchemaNormalization.toParsingForm(Channel.getClassSchema()), "\"io.cxmonitor.schemas.Channel\"");
    byte[] b = record.clone();
    ByteBuffer.wrap(b, 2, 8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(SchemaNormalization.fingerprint64(referenced.getBytes(StandardCharsets.UTF_8)));
    return b;
  }

  /** The survey schema of a producer whose Channel enum has a symbol more, VIBER. */
  private static Schema newerSurveySchema() {
    return new Schema.Parser().parse(SurveyResponse.getClassSchema().toString()
        .replace("\"STORE\",\"OTHER\"]", "\"STORE\",\"OTHER\",\"VIBER\"]"));
  }

  /** {@code s} as that producer writes it, with channel VIBER and its schema's fingerprint. */
  private static byte[] withNewerChannel(SurveyResponse s) throws Exception {
    Schema newer = newerSurveySchema();
    GenericRecord r = new GenericData.Record(newer);
    r.put("response_id", s.getResponseId());
    r.put("customer_id", s.getCustomerId());
    r.put("event_time", s.getEventTime().toEpochMilli());
    r.put("channel", new GenericData.EnumSymbol(newer.getField("channel").schema(), "VIBER"));
    r.put("nps", s.getNps());
    ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(r);
    byte[] b = new byte[buf.remaining()];
    buf.get(b);
    return b;
  }

  /** A survey whose channel is written as enum index {@code index}: ids "pidx" and "c-pidx" put it at byte 23. */
  private static byte[] withChannelIndex(WireFormat.Codec<SurveyResponse> codec, int index) {
    byte[] b = codec.encode(SurveyResponse.newBuilder(survey("pidx", T0.plusSeconds(40), 9)).setChannel(Channel.SMS).build());
    int at = 10 + 5 + 7 + 1 + 6;
    assertThat(b[at]).isEqualTo((byte) (2 * Channel.SMS.ordinal()));
    b[at] = (byte) (2 * index);
    return b;
  }

  private static byte[] interaction() {
    return WireFormat.interactions().encode(InteractionEvent.newBuilder().setEventId("e1").setTicketId("t1").setCustomerId("c1")
        .setEventType(InteractionType.OPENED).setEventTime(T0.plusSeconds(40)).setChannel(Channel.PHONE).build());
  }

  private static byte[] filled(int n, char c) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) c);
    return b;
  }

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** time → column → value of every row of an InfluxQL query. */
  private static Map<Long, Map<String, Object>> rows(InfluxDB client, String q) {
    QueryResult result = client.query(new Query(q, DB), TimeUnit.MILLISECONDS);
    assertThat(result.getError()).isNull();
    Map<Long, Map<String, Object>> out = new TreeMap<>();
    QueryResult.Result res = result.getResults().get(0);
    assertThat(res.getError()).isNull();
    for (QueryResult.Series s : res.getSeries() == null ? List.<QueryResult.Series>of() : res.getSeries()) {
      for (List<Object> row : s.getValues()) {
        Map<String, Object> byCol = new HashMap<>();
        for (int i = 0; i < s.getColumns().size(); i++) {
          byCol.put(s.getColumns().get(i), row.get(i));
        }
        out.put(((Number) byCol.get("time")).longValue(), byCol);
      }
    }
    return out;
  }

  private static Map<String, Object> sumOfLast(InfluxDB client, String q) {
    QueryResult result = client.query(new Query(q, DB));
    Map<String, Object> sums = new HashMap<>();
    for (QueryResult.Series s : result.getResults().get(0).getSeries()) {
      for (int i = 1; i < s.getColumns().size(); i++) {
        sums.merge(s.getColumns().get(i), ((Number) s.getValues().get(0).get(i)).doubleValue(),
            (a, b) -> (Double) a + (Double) b);
      }
    }
    return sums;
  }
}
