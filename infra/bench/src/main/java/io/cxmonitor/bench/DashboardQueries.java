package io.cxmonitor.bench;

import static io.cxmonitor.bench.RawSurveyPoints.FIELD_CES;
import static io.cxmonitor.bench.RawSurveyPoints.FIELD_CES_HIGH;
import static io.cxmonitor.bench.RawSurveyPoints.FIELD_CSAT;
import static io.cxmonitor.bench.RawSurveyPoints.FIELD_CSAT_TOP2;
import static io.cxmonitor.bench.RawSurveyPoints.FIELD_DETRACTOR;
import static io.cxmonitor.bench.RawSurveyPoints.FIELD_NPS;
import static io.cxmonitor.bench.RawSurveyPoints.FIELD_PROMOTER;
import static io.cxmonitor.platform.influx.InfluxSchema.DIMENSION_TAGS;
import static io.cxmonitor.platform.influx.InfluxSchema.FIELD_N;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_CHANNEL;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_TEAM;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_WINDOW;
import static io.cxmonitor.surveys.SurveyInfluxNames.FIELD_HIGH_EFFORT_PCT;
import static io.cxmonitor.surveys.SurveyInfluxNames.FIELD_MEAN;
import static io.cxmonitor.surveys.SurveyInfluxNames.FIELD_SCORE;
import static io.cxmonitor.surveys.SurveyInfluxNames.FIELD_TOP2_PCT;
import static io.cxmonitor.surveys.SurveyInfluxNames.MEASUREMENT_CES;
import static io.cxmonitor.surveys.SurveyInfluxNames.MEASUREMENT_CSAT;
import static io.cxmonitor.surveys.SurveyInfluxNames.MEASUREMENT_NPS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.windows.Grouping;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The InfluxQL a dashboard needs to show the survey job's KPIs (the panels of {@code cx-overview}
 * and {@code cx-drilldown} that read {@code cx_nps}, {@code cx_csat}, {@code cx_ces}), once over the
 * raw points of {@link RawInfluxRunner} (the KPIs computed at query time) and once over the survey
 * job's pre-computed points, and their timing.
 *
 * <p>The dashboard's "now" is {@code end}, the end of the data's last minute. Raw per-minute
 * buckets are labelled by their start ({@code GROUP BY time(1m)}), the job's points by their
 * window's end, so both cover the same minutes with ranges shifted by one bound. A rolling window
 * over raw points is a {@code moving_average} of per-minute sums and counts (their ratio is the
 * window's share), over a range one window longer than the one shown.
 */
final class DashboardQueries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DashboardQueries() {}

  /** One dashboard need, as InfluxQL over the raw points and over the job's points. */
  record Pair(String what, String raw, String preComputed) {}

  /** A pair timed: rows returned and milliseconds per query, raw and pre-computed (rows -1: not run). */
  record Timing(String what, long rawRows, Percentiles rawMillis, long preRows, Percentiles preMillis) {}

  /** Runs InfluxQL against a database and returns InfluxDB's JSON answer. */
  interface Client {
    String query(String database, String influxQl) throws IOException, InterruptedException;
  }

  private static final Duration DASHBOARD = Duration.ofHours(6);
  private static final Duration DAY = Duration.ofHours(24);
  private static final Duration HOUR = Duration.ofHours(1);

  /** Every pair, for a dashboard whose "now" is {@code endMillis} (a minute boundary). */
  static List<Pair> all(long endMillis) {
    long six = endMillis - DASHBOARD.toMillis();
    long day = endMillis - DAY.toMillis();
    return List.of(
        new Pair("NPS per minute, overall, 6 h", npsPerMinute(null, six, endMillis),
            preSeries(MEASUREMENT_NPS, "1m", null, six, endMillis, FIELD_SCORE)),
        new Pair("NPS per minute by channel, 6 h", npsPerMinute(TAG_CHANNEL, six, endMillis),
            preSeries(MEASUREMENT_NPS, "1m", TAG_CHANNEL, six, endMillis, FIELD_SCORE)),
        new Pair("CSAT top-2 % and mean per minute by channel, 6 h", csatPerMinute(TAG_CHANNEL, six, endMillis),
            preSeries(MEASUREMENT_CSAT, "1m", TAG_CHANNEL, six, endMillis, FIELD_TOP2_PCT, FIELD_MEAN)),
        new Pair("CES mean and high-effort % per minute by channel, 6 h", cesPerMinute(TAG_CHANNEL, six, endMillis),
            preSeries(MEASUREMENT_CES, "1m", TAG_CHANNEL, six, endMillis, FIELD_MEAN, FIELD_HIGH_EFFORT_PCT)),
        new Pair("NPS per minute by team, 6 h", npsPerMinute(TAG_TEAM, six, endMillis),
            preSeries(MEASUREMENT_NPS, "1m", TAG_TEAM, six, endMillis, FIELD_SCORE)),
        new Pair("NPS last 1 h, overall", npsOver(null, endMillis - HOUR.toMillis(), endMillis),
            preLast(MEASUREMENT_NPS, "1h", null, six, endMillis)),
        new Pair("NPS last 1 h by channel", npsOver(TAG_CHANNEL, endMillis - HOUR.toMillis(), endMillis),
            preLast(MEASUREMENT_NPS, "1h", TAG_CHANNEL, six, endMillis)),
        new Pair("NPS last 24 h, overall", npsOver(null, day, endMillis),
            preLast(MEASUREMENT_NPS, "24h", null, six, endMillis)),
        new Pair("NPS rolling 1 h per minute, overall, 6 h", npsRolling(null, HOUR, six, endMillis),
            preSeries(MEASUREMENT_NPS, "1h", null, six, endMillis, FIELD_SCORE)),
        new Pair("NPS rolling 1 h per minute by channel, 6 h", npsRolling(TAG_CHANNEL, HOUR, six, endMillis),
            preSeries(MEASUREMENT_NPS, "1h", TAG_CHANNEL, six, endMillis, FIELD_SCORE)),
        new Pair("NPS rolling 24 h per minute, overall, 24 h", npsRolling(null, DAY, day, endMillis),
            preSeries(MEASUREMENT_NPS, "24h", null, day, endMillis, FIELD_SCORE)));
  }

  // --- over the raw points: [from, to), buckets labelled by their start ---

  private static final String NPS = "100 * (mean(\"" + FIELD_PROMOTER + "\") - mean(\"" + FIELD_DETRACTOR + "\")) AS \"nps\", "
      + "count(\"" + FIELD_NPS + "\") AS \"n\"";

  /** NPS and n per minute, overall or per value of {@code tag}. */
  static String npsPerMinute(String tag, long fromMillis, long toMillis) {
    return rawPerMinute(NPS, tag, fromMillis, toMillis);
  }

  /** CSAT top-2-box %, mean and n per minute. */
  static String csatPerMinute(String tag, long fromMillis, long toMillis) {
    return rawPerMinute("100 * mean(\"" + FIELD_CSAT_TOP2 + "\") AS \"top2_pct\", mean(\"" + FIELD_CSAT + "\") AS \"mean\", "
        + "count(\"" + FIELD_CSAT + "\") AS \"n\"", tag, fromMillis, toMillis);
  }

  /** CES mean, high-effort % and n per minute. */
  static String cesPerMinute(String tag, long fromMillis, long toMillis) {
    return rawPerMinute("mean(\"" + FIELD_CES + "\") AS \"mean\", 100 * mean(\"" + FIELD_CES_HIGH + "\") AS \"high_effort_pct\", "
        + "count(\"" + FIELD_CES + "\") AS \"n\"", tag, fromMillis, toMillis);
  }

  private static String rawPerMinute(String select, String tag, long fromMillis, long toMillis) {
    return "SELECT " + select + " FROM \"" + RawSurveyPoints.MEASUREMENT + "\" WHERE " + rawRange(fromMillis, toMillis)
        + " GROUP BY time(1m)" + (tag == null ? "" : ", \"" + tag + "\"") + " fill(none)";
  }

  /** NPS and n over one range (a stat or table panel of the last hour or day). */
  static String npsOver(String tag, long fromMillis, long toMillis) {
    return "SELECT " + NPS + " FROM \"" + RawSurveyPoints.MEASUREMENT + "\" WHERE " + rawRange(fromMillis, toMillis)
        + (tag == null ? "" : " GROUP BY \"" + tag + "\"");
  }

  /**
   * NPS over the rolling {@code window} at every minute of [from, to): moving averages of the
   * per-minute sums of the 0/1 fields and of the count (empty minutes as 0), whose ratio is the
   * window's share; the inner range starts one window earlier so the first minutes shown are whole.
   * The outer query has no time condition of its own: InfluxDB would apply it to the inner query
   * too, cutting off the minutes the first averages need (it may return a minute or two before
   * {@code from}).
   */
  static String npsRolling(String tag, Duration window, long fromMillis, long toMillis) {
    long minutes = window.toMinutes();
    String by = tag == null ? "" : ", \"" + tag + "\"";
    return "SELECT 100 * (\"p\" - \"d\") / \"n\" AS \"nps\", " + minutes + " * \"n\" AS \"n\" FROM (SELECT "
        + "moving_average(sum(\"" + FIELD_PROMOTER + "\"), " + minutes + ") AS \"p\", "
        + "moving_average(sum(\"" + FIELD_DETRACTOR + "\"), " + minutes + ") AS \"d\", "
        + "moving_average(count(\"" + FIELD_NPS + "\"), " + minutes + ") AS \"n\" FROM \"" + RawSurveyPoints.MEASUREMENT
        + "\" WHERE " + rawRange(fromMillis - window.toMillis(), toMillis) + " GROUP BY time(1m)" + by + " fill(0))"
        + " WHERE \"n\" > 0" + (tag == null ? "" : " GROUP BY \"" + tag + "\"");
  }

  private static String rawRange(long fromMillis, long toMillis) {
    return "time >= " + nanos(fromMillis) + " AND time < " + nanos(toMillis);
  }

  // --- over the survey job's points: (from, to], labelled by the window's end ---

  /** The job's points of one window and grouping over (from, to], one per minute, as the dashboards read them. */
  static String preSeries(String measurement, String window, String tag, long fromMillis, long toMillis,
      String... fields) {
    StringBuilder select = new StringBuilder();
    for (String f : fields) {
      select.append("last(\"").append(f).append("\") AS \"").append(f).append("\", ");
    }
    select.append("last(\"").append(FIELD_N).append("\") AS \"").append(FIELD_N).append('"');
    return "SELECT " + select + " FROM \"" + measurement + "\" WHERE " + preFilter(window, tag, fromMillis, toMillis)
        + " GROUP BY time(1m)" + (tag == null ? "" : ", \"" + tag + "\"") + " fill(none)";
  }

  /** The latest point of one window and grouping in (from, to]: the stat and table panels. */
  static String preLast(String measurement, String window, String tag, long fromMillis, long toMillis) {
    return "SELECT last(\"" + FIELD_SCORE + "\") AS \"nps\", last(\"" + FIELD_N + "\") AS \"n\" FROM \"" + measurement
        + "\" WHERE " + preFilter(window, tag, fromMillis, toMillis) + (tag == null ? "" : " GROUP BY \"" + tag + "\"");
  }

  private static String preFilter(String window, String tag, long fromMillis, long toMillis) {
    StringBuilder where = new StringBuilder("\"" + TAG_WINDOW + "\" = '" + window + "'");
    for (String dim : DIMENSION_TAGS) {
      where.append(" AND \"").append(dim).append(dim.equals(tag) ? "\" != '" : "\" = '").append(Grouping.ALL).append('\'');
    }
    return where + " AND time > " + nanos(fromMillis) + " AND time <= " + nanos(toMillis);
  }

  private static long nanos(long millis) {
    return millis * 1_000_000L;
  }

  // --- timing ---

  /**
   * Times every pair: one unmeasured run each (InfluxDB's caches and the JIT of the client warm),
   * then {@code repeats} measured runs of the raw query and of the pre-computed one, alternating.
   * {@code preDatabase} null leaves the pre-computed column empty.
   */
  static List<Timing> time(Client client, String rawDatabase, String preDatabase, List<Pair> pairs, int repeats)
      throws IOException, InterruptedException {
    List<Timing> out = new ArrayList<>();
    for (Pair p : pairs) {
      long rawRows = rows(client.query(rawDatabase, p.raw()));
      long preRows = preDatabase == null ? -1 : rows(client.query(preDatabase, p.preComputed()));
      double[] raw = new double[repeats];
      double[] pre = new double[preDatabase == null ? 0 : repeats];
      for (int i = 0; i < repeats; i++) {
        raw[i] = timed(client, rawDatabase, p.raw());
        if (preDatabase != null) {
          pre[i] = timed(client, preDatabase, p.preComputed());
        }
      }
      out.add(new Timing(p.what(), rawRows, Percentiles.of(raw), preRows, Percentiles.of(pre)));
    }
    return out;
  }

  private static double timed(Client client, String database, String influxQl) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    client.query(database, influxQl);
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Rows in an InfluxDB JSON answer, over all its series; an error in it is thrown. */
  static long rows(String json) throws IOException {
    long rows = 0;
    for (JsonNode result : JSON.readTree(json).path("results")) {
      if (result.has("error")) {
        throw new IOException("InfluxDB answered: " + result.path("error").asText());
      }
      for (JsonNode series : result.path("series")) {
        rows += series.path("values").size();
      }
    }
    return rows;
  }
}
