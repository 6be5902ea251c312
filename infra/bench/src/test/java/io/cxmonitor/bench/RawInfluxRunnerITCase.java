package io.cxmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The raw-events runner over a real broker and influxd: what InfluxQL computes from its points per
 * minute and channel (the benchmark's own dashboard queries) equals NPS, CSAT and CES counted
 * here from the published responses. The input has what breaks a naive writer: copies with the
 * same event time and tags (InfluxDB keeps one point per series and timestamp), unanswered
 * scores, an undecodable and an invalid record.
 */
class RawInfluxRunnerITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = BenchTopics.SURVEYS;
  private static final Channel[] CHANNELS = {Channel.PHONE, Channel.EMAIL, Channel.CHAT};

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(2, TOPIC);
  }

  @AfterAll
  static void stop() {
    if (influx != null) {
      influx.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** Answers counted per (minute start, channel): the expectation, by a plain loop. */
  private static final class Tally {
    long npsN;
    long promoters;
    long detractors;
    long csatN;
    long csatTop2;
    long csatSum;
    long cesN;
    long cesHigh;
    long cesSum;

    void add(SurveyResponse r) {
      if (r.getNps() != null) {
        npsN++;
        promoters += r.getNps() >= 9 ? 1 : 0;
        detractors += r.getNps() <= 6 ? 1 : 0;
      }
      if (r.getCsat() != null) {
        csatN++;
        csatTop2 += r.getCsat() >= 4 ? 1 : 0;
        csatSum += r.getCsat();
      }
      if (r.getCes() != null) {
        cesN++;
        cesHigh += r.getCes() >= 5 ? 1 : 0;
        cesSum += r.getCes();
      }
    }
  }

  @Test
  void influxQlOverTheRawPointsGivesTheKpisOfTheInput() throws Exception {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
    Random random = new Random(16);
    List<SurveyResponse> valid = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
    for (int i = 0; i < 400; i++) {
      SurveyResponse r = SurveyResponse.newBuilder()
          .setResponseId("r-" + i)
          .setCustomerId("c-" + random.nextInt(50))
          // 5 minutes, whole seconds: many responses of a channel share a millisecond
          .setEventTime(t0.plusSeconds(random.nextInt(300)))
          .setChannel(CHANNELS[random.nextInt(CHANNELS.length)])
          .setRegion(random.nextBoolean() ? "North" : null)
          .setTeam("Team " + random.nextInt(3))
          .setProduct("Fibre")
          .setNps(random.nextInt(5) == 0 ? null : random.nextInt(11))
          .setCsat(random.nextInt(4) == 0 ? null : 1 + random.nextInt(5))
          .setCes(random.nextInt(3) == 0 ? null : 1 + random.nextInt(7))
          .build();
      if (r.getNps() == null && r.getCsat() == null && r.getCes() == null) {
        r.setNps(7);
      }
      // copies under new ids with the same event time and tags, as the benchmark's input has them
      for (int copy = 0, copies = 1 + random.nextInt(3); copy < copies; copy++) {
        SurveyResponse c = SurveyResponse.newBuilder(r).setResponseId(r.getResponseId() + "-" + copy).build();
        valid.add(c);
        values.add(codec.encode(c));
      }
    }
    values.add(new byte[] {1, 2, 3});
    values.add(codec.encode(SurveyResponse.newBuilder(valid.get(0)).setResponseId("bad").setNps(11).build()));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
      int k = 0;
      for (byte[] v : values) {
        // the publish time as the record timestamp (the broker's retention); the event time is in the record
        producer.send(new ProducerRecord<>(TOPIC, null, System.currentTimeMillis(), ("key-" + k++ % 7).getBytes(), v));
      }
      producer.flush();
    }

    RunSpec spec = new RunSpec(Runners.RAW_INFLUX, "it", kafka.bootstrapServers(), influx.url(), values.size(), 2, 10,
        null, null, false, null, LocalFlink.HASHMAP);
    RunContext ctx = new RunContext(spec, "fresh", null);
    RunResult result = Runners.byName(Runners.RAW_INFLUX).run(ctx);

    assertThat(result.events()).isEqualTo(values.size());
    assertThat(result.points()).isEqualTo(valid.size());
    assertThat(result.influxdCpuSecondsPerMillion()).as("influxd (this JVM's child) found and its CPU read").isNotNegative();

    Map<String, Tally> expected = new TreeMap<>();
    for (SurveyResponse r : valid) {
      Instant minute = r.getEventTime().truncatedTo(ChronoUnit.MINUTES);
      expected.computeIfAbsent(minute.toEpochMilli() + "/" + r.getChannel().name().toLowerCase(), k -> new Tally()).add(r);
    }
    long from = t0.toEpochMilli();
    long to = t0.plus(Duration.ofMinutes(5)).toEpochMilli();
    String db = ctx.database();

    Map<String, JsonNode> nps = rowsByMinuteAndChannel(influx.query(db, DashboardQueries.npsPerMinute("channel", from, to)));
    Map<String, JsonNode> csat = rowsByMinuteAndChannel(influx.query(db, DashboardQueries.csatPerMinute("channel", from, to)));
    Map<String, JsonNode> ces = rowsByMinuteAndChannel(influx.query(db, DashboardQueries.cesPerMinute("channel", from, to)));
    assertThat(nps.keySet()).isEqualTo(expected.keySet());
    for (Map.Entry<String, Tally> e : expected.entrySet()) {
      Tally t = e.getValue();
      String at = e.getKey();
      JsonNode n = nps.get(at);
      assertThat(n.path("n").asLong()).as("NPS n at %s", at).isEqualTo(t.npsN);
      assertThat(n.path("nps").asDouble()).as("NPS at %s", at)
          .isCloseTo(100.0 * (t.promoters - t.detractors) / t.npsN, within(1e-9));
      JsonNode c = csat.get(at);
      assertThat(c.path("n").asLong()).as("CSAT n at %s", at).isEqualTo(t.csatN);
      assertThat(c.path("top2_pct").asDouble()).as("CSAT top-2 at %s", at).isCloseTo(100.0 * t.csatTop2 / t.csatN, within(1e-9));
      assertThat(c.path("mean").asDouble()).as("CSAT mean at %s", at).isCloseTo((double) t.csatSum / t.csatN, within(1e-9));
      JsonNode s = ces.get(at);
      assertThat(s.path("n").asLong()).as("CES n at %s", at).isEqualTo(t.cesN);
      assertThat(s.path("mean").asDouble()).as("CES mean at %s", at).isCloseTo((double) t.cesSum / t.cesN, within(1e-9));
      assertThat(s.path("high_effort_pct").asDouble()).as("CES high effort at %s", at)
          .isCloseTo(100.0 * t.cesHigh / t.cesN, within(1e-9));
    }

    // the rolling hour at the last minute, as a series and as one value: every response is in it
    Tally all = new Tally();
    valid.forEach(all::add);
    double hourNps = 100.0 * (all.promoters - all.detractors) / all.npsN;
    JsonNode rolling = lastRow(influx.query(db, DashboardQueries.npsRolling(null, Duration.ofHours(1), from, to)));
    assertThat(rolling.path("time").asLong()).isEqualTo(to - 60_000);
    assertThat(rolling.path("n").asDouble()).isCloseTo(all.npsN, within(1e-6));
    assertThat(rolling.path("nps").asDouble()).isCloseTo(hourNps, within(1e-6));
    JsonNode hour = lastRow(influx.query(db, DashboardQueries.npsOver(null, to - 3_600_000, to)));
    assertThat(hour.path("n").asLong()).isEqualTo(all.npsN);
    assertThat(hour.path("nps").asDouble()).isCloseTo(hourNps, within(1e-9));
  }

  /** Rows of a per-minute, per-channel answer by "minute start ms/channel", each as column → value. */
  private static Map<String, JsonNode> rowsByMinuteAndChannel(String answer) throws Exception {
    Map<String, JsonNode> rows = new TreeMap<>();
    for (JsonNode series : series(answer)) {
      String channel = series.path("tags").path("channel").asText();
      for (Map.Entry<Long, JsonNode> row : rows(series).entrySet()) {
        rows.put(row.getKey() + "/" + channel, row.getValue());
      }
    }
    return rows;
  }

  private static JsonNode lastRow(String answer) throws Exception {
    List<JsonNode> all = series(answer);
    assertThat(all).hasSize(1);
    TreeMap<Long, JsonNode> rows = rows(all.get(0));
    assertThat(rows).isNotEmpty();
    return rows.lastEntry().getValue();
  }

  private static List<JsonNode> series(String answer) throws Exception {
    JsonNode result = JSON.readTree(answer).path("results").path(0);
    assertThat(result.has("error")).as("InfluxDB error: %s", result.path("error").asText()).isFalse();
    List<JsonNode> out = new ArrayList<>();
    result.path("series").forEach(out::add);
    return out;
  }

  private static TreeMap<Long, JsonNode> rows(JsonNode series) {
    TreeMap<Long, JsonNode> rows = new TreeMap<>();
    JsonNode columns = series.path("columns");
    for (JsonNode values : series.path("values")) {
      var row = JSON.createObjectNode();
      for (int i = 0; i < columns.size(); i++) {
        row.set(columns.get(i).asText(), values.get(i));
      }
      rows.put(row.path("time").asLong(), row);
    }
    return rows;
  }
}
