package io.cxmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * The survey-sql runner's program on a bounded in-memory input (responses as the jobs' decoder hands
 * them on, out of order within the bound, with copies of some ids and some records that failed
 * decoding): its 1m and rolling 1h answer counts per group equal those counted here by a plain loop
 * over the input.
 */
class SurveySqlTest {
  private static final Instant T0 = Instant.parse("2026-11-25T18:00:00Z");
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final String[] REGIONS = {"North", "south", null};
  private static final String[] TEAMS = {"t1", "t2"};
  private static final String[] PRODUCTS = {"fiber", "mobile", null};
  private static final Channel[] CHANNELS = {Channel.PHONE, Channel.CHAT, Channel.EMAIL};

  /** One expected series: measurement, grouping tag ("overall" for none), tag value, window, window end. */
  private record Series(String measurement, String grouping, String value, String window, long end) {}

  @Test
  void countsPerGroupMatchALoopOverTheInput() throws Exception {
    Random random = new Random(7);
    List<Decoded<SurveyResponse>> input = new ArrayList<>();
    List<SurveyResponse> unique = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      // 12 minutes of responses, each up to 20 s earlier than its place in the stream (the bound is 30 s)
      long t = T0.toEpochMilli() + i * 480L - random.nextInt(20_000);
      SurveyResponse r = SurveyResponse.newBuilder()
          .setResponseId("r" + i)
          .setCustomerId("c" + random.nextInt(300))
          .setEventTime(Instant.ofEpochMilli(Math.max(t, T0.toEpochMilli())))
          .setChannel(CHANNELS[random.nextInt(CHANNELS.length)])
          .setRegion(REGIONS[random.nextInt(REGIONS.length)])
          .setTeam(TEAMS[random.nextInt(TEAMS.length)])
          .setProduct(PRODUCTS[random.nextInt(PRODUCTS.length)])
          .setNps(random.nextInt(4) == 0 ? null : random.nextInt(11))
          .setCsat(random.nextInt(3) == 0 ? null : 1 + random.nextInt(5))
          .setCes(random.nextInt(2) == 0 ? null : 1 + random.nextInt(7))
          .build();
      unique.add(r);
      input.add(ok(r));
      if (i % 50 == 0) {
        input.add(ok(SurveyResponse.newBuilder(r).build())); // a copy sent again: counted once
      }
      if (i % 97 == 0) {
        input.add(failed());
      }
    }

    Map<Series, long[]> expected = expected(unique);
    Map<Series, long[]> actual = new HashMap<>();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    SurveySql.Settings settings = new SurveySql.Settings(Duration.ofSeconds(30), Duration.ofMinutes(1), true);
    try (CloseableIterator<KpiPoint> points = SurveySql.kpis(env,
        env.fromData(input, TypeInformation.of(new TypeHint<Decoded<SurveyResponse>>() {}))
            .setParallelism(1), settings).executeAndCollect()) {
      points.forEachRemaining(p -> {
        String window = p.tags().get("window");
        if (!window.equals("1m") && !window.equals("1h")) {
          return;
        }
        String grouping = "overall";
        String value = "all";
        for (String dim : List.of("channel", "region", "team", "product")) {
          if (!p.tags().get(dim).equals("all")) {
            grouping = dim;
            value = p.tags().get(dim);
          }
        }
        Series s = new Series(p.measurement(), grouping, value, window, p.timeMillis());
        long n = ((Number) p.fields().get("n")).longValue();
        Object promoters = p.fields().get("promoters");
        long[] previous = actual.put(s, new long[] {n, promoters == null ? 0 : ((Number) promoters).longValue()});
        assertThat(previous).as("one point per series %s", s).isNull();
      });
    }

    // every window with answers is written with the expected counts, and nothing else with answers is written
    for (Map.Entry<Series, long[]> e : expected.entrySet()) {
      assertThat(actual.get(e.getKey())).as("%s", e.getKey()).containsExactly(e.getValue());
    }
    actual.forEach((s, counts) -> {
      if (counts[0] > 0) {
        assertThat(expected).as("unexpected %s", s).containsKey(s);
      }
    });
    assertThat(expected.keySet()).anyMatch(s -> s.window().equals("1h") && s.end() > T0.toEpochMilli() + HOUR);
  }

  /** n (and promoters for NPS) per measurement, group, window and window end, counted directly. */
  private static Map<Series, long[]> expected(List<SurveyResponse> responses) {
    Map<Series, long[]> expected = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (SurveyResponse r : responses) {
      long t = r.getEventTime().toEpochMilli();
      Map<String, String> groups = new HashMap<>();
      groups.put("overall", "all");
      groups.put("channel", r.getChannel().name().toLowerCase());
      groups.put("region", r.getRegion() == null ? "unknown" : r.getRegion().toLowerCase());
      groups.put("team", r.getTeam());
      groups.put("product", r.getProduct() == null ? "unknown" : r.getProduct());
      long minuteEnd = (t / MINUTE + 1) * MINUTE;
      for (Map.Entry<String, String> g : groups.entrySet()) {
        // the 1m window of the response, and the 60 hourly windows (sliding by a minute) that hold it
        add(expected, r, g.getKey(), g.getValue(), "1m", minuteEnd);
        for (long end = minuteEnd; end < minuteEnd + HOUR; end += MINUTE) {
          add(expected, r, g.getKey(), g.getValue(), "1h", end);
        }
      }
    }
    return expected;
  }

  private static void add(Map<Series, long[]> expected, SurveyResponse r, String grouping, String value, String window,
      long end) {
    if (r.getNps() != null) {
      long[] c = expected.computeIfAbsent(new Series("cx_nps", grouping, value, window, end), s -> new long[2]);
      c[0]++;
      c[1] += r.getNps() >= 9 ? 1 : 0;
    }
    if (r.getCsat() != null) {
      expected.computeIfAbsent(new Series("cx_csat", grouping, value, window, end), s -> new long[2])[0]++;
    }
    if (r.getCes() != null) {
      expected.computeIfAbsent(new Series("cx_ces", grouping, value, window, end), s -> new long[2])[0]++;
    }
  }

  private static Decoded<SurveyResponse> ok(SurveyResponse r) {
    Decoded<SurveyResponse> d = new Decoded<>();
    d.value = r;
    return d;
  }

  private static Decoded<SurveyResponse> failed() {
    Decoded<SurveyResponse> d = new Decoded<>();
    d.failureKind = DeadLetter.Kind.UNDECODABLE;
    d.failureReason = "not Avro";
    d.rawValue = new byte[] {1, 2, 3};
    return d;
  }
}
