package io.cxmonitor.demo;

import static io.cxmonitor.churn.ChurnInfluxNames.*;
import static io.cxmonitor.platform.influx.InfluxSchema.*;
import static io.cxmonitor.service.ServiceInfluxNames.*;
import static io.cxmonitor.surveys.SurveyInfluxNames.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/** Reads the newest KPI points back from InfluxDB and prints them as a table. */
final class LiveView {
  private static final String OVERALL_ROW = "all";
  private final InfluxDB client;
  private final String db;
  private final String window;

  LiveView(InfluxDB client, String db, String window) {
    this.client = client;
    this.db = db;
    this.window = window;
  }

  void render(String jobStatus) {
    Map<String, double[]> nps = latest(MEASUREMENT_NPS, FIELD_SCORE, FIELD_CI_LOW, FIELD_CI_HIGH, FIELD_N);
    Map<String, double[]> csat = latest(MEASUREMENT_CSAT, FIELD_TOP2_PCT, FIELD_CI_LOW, FIELD_CI_HIGH, FIELD_N);
    Map<String, double[]> ces = latest(MEASUREMENT_CES, FIELD_MEAN, FIELD_CI_LOW, FIELD_CI_HIGH, FIELD_N);
    StringBuilder out = new StringBuilder("\033[H\033[2J");
    out.append(String.format("cx-monitor live KPIs — window %s — %s — job %s%n%n", window, Instant.now(), jobStatus));
    out.append(String.format("%-10s %28s %30s %28s%n", "channel", "NPS [95% CI] (n)", "CSAT top-2 % [95% CI] (n)", "CES mean [95% CI] (n)"));
    List<String> rows = new ArrayList<>(nps.keySet());
    rows.remove(OVERALL_ROW);
    rows.add(0, OVERALL_ROW);
    for (String ch : rows) {
      out.append(String.format("%-10s %28s %30s %28s%n", ch, cell(nps.get(ch), "%+.1f"), cell(csat.get(ch), "%.1f"), cell(ces.get(ch), "%.2f")));
    }
    out.append('\n').append(service()).append('\n').append(churn()).append('\n').append(pipeline()).append("\nCtrl-C stops the demo.\n");
    System.out.print(out);
    System.out.flush();
  }


  private static String cell(double[] v, String fmt) {
    if (v == null || Double.isNaN(v[3])) {
      return "-";
    }
    if (v[3] == 0 || Double.isNaN(v[0])) {
      return "no answers (n=0)";
    }
    return String.format(fmt + " [" + fmt + ", " + fmt + "] (%d)", v[0], v[1], v[2], (long) v[3]);
  }

  /** channel → [value, ci_low, ci_high, n] of the newest point in the window, other dimensions "all". */
  private Map<String, double[]> latest(String measurement, String... fields) {
    StringBuilder select = new StringBuilder();
    for (String f : fields) {
      select.append(select.length() == 0 ? "" : ", ").append("last(\"").append(f).append("\") AS \"").append(f).append('"');
    }
    String q = "SELECT " + select + " FROM \"" + measurement + "\" WHERE \"" + TAG_WINDOW + "\" = '" + window
        + "' AND \"" + TAG_REGION + "\" = 'all' AND \"" + TAG_TEAM + "\" = 'all' AND \"" + TAG_PRODUCT
        + "\" = 'all' AND time > now() - 3h GROUP BY \"" + TAG_CHANNEL + "\"";
    Map<String, double[]> out = new TreeMap<>();
    QueryResult r = client.query(new Query(q, db), TimeUnit.MILLISECONDS);
    if (r.getResults() == null || r.getResults().get(0).getSeries() == null) {
      return out;
    }
    for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
      List<Object> row = s.getValues().get(0);
      double[] v = new double[fields.length];
      for (int i = 0; i < fields.length; i++) {
        Object o = row.get(i + 1);
        v[i] = o == null ? Double.NaN : ((Number) o).doubleValue();
      }
      out.put(s.getTags().get(TAG_CHANNEL), v);
    }
    return out;
  }

  /** One line of service KPIs, overall. */
  private String service() {
    String all = "\"" + TAG_CHANNEL + "\" = 'all' AND \"" + TAG_TEAM + "\" = 'all' AND \"" + TAG_REGION + "\" = 'all' AND \""
        + TAG_PRIORITY + "\" = 'all' AND \"" + TAG_PRODUCT + "\" = 'all' AND time > now() - 3h";
    double[] ttr = one("SELECT last(\"" + FIELD_P50_S + "\"), last(\"" + FIELD_P90_S + "\"), last(\"" + FIELD_N + "\") FROM \""
        + MEASUREMENT_TTR + "\" WHERE \"" + TAG_WINDOW + "\" = '" + window + "' AND " + all);
    double[] frt = one("SELECT last(\"" + FIELD_P90_S + "\") FROM \"" + MEASUREMENT_FRT + "\" WHERE \"" + TAG_WINDOW + "\" = '"
        + window + "' AND " + all);
    double[] svc = one("SELECT last(\"" + pct(RATE_FCR) + "\"), last(\"" + pct(RATE_ABANDON) + "\"), last(\"" + pct(RATE_REPEAT)
        + "\"), last(\"" + FIELD_SLA_FRT_BREACHES + "\"), last(\"" + FIELD_SLA_TTR_BREACHES + "\"), last(\"" + pct(RATE_FCR_PROVISIONAL)
        + "\"), last(\"" + n(RATE_FCR_PROVISIONAL) + "\") FROM \"" + MEASUREMENT_SERVICE
        + "\" WHERE \"" + TAG_WINDOW + "\" = '" + window + "' AND " + all);
    double[] backlog = one("SELECT last(\"" + FIELD_OPEN + "\") FROM \"" + MEASUREMENT_BACKLOG + "\" WHERE " + all);
    if (ttr == null && backlog == null) {
      return "service: waiting for the first minute to close ...";
    }
    return String.format("service: TTR p50 %s p90 %s (n %s) | FRT p90 %s | FCR %s | abandoned %s%% | repeat %s%% | SLA breaches %s/%s | open backlog %s",
        fmt(ttr, 0, "%.0fs"), fmt(ttr, 1, "%.0fs"), fmt(ttr, 2, "%.0f"), fmt(frt, 0, "%.0fs"), fcr(svc),
        fmt(svc, 1, "%.1f"), fmt(svc, 2, "%.1f"), fmt(svc, 3, "%.0f"), fmt(svc, 4, "%.0f"), fmt(backlog, 0, "%.0f"));
  }

  /** One line of churn KPIs, overall. */
  private String churn() {
    String all = "\"" + TAG_REGION + "\" = 'all' AND \"" + TAG_PRODUCT + "\" = 'all' AND \"" + TAG_PLAN + "\" = 'all' AND time > now() - 3h";
    double[] gauges = one("SELECT last(\"" + FIELD_ACTIVE + "\"), last(\"" + FIELD_AT_RISK + "\"), last(\"" + FIELD_REVENUE_AT_RISK
        + "\") FROM \"" + MEASUREMENT_CUSTOMERS + "\" WHERE " + all);
    double[] churn = one("SELECT last(\"" + pct(RATE_CHURN) + "\"), last(\"" + FIELD_CANCELLATIONS + "\"), last(\""
        + pct(RATE_FOLLOW_UP_ON_TIME) + "\"), last(\"" + FIELD_FOLLOW_UPS_OVERDUE + "\") FROM \"" + MEASUREMENT_CHURN
        + "\" WHERE \"" + TAG_WINDOW + "\" = '" + window + "' AND " + all);
    if (gauges == null) {
      return "churn: waiting for the first minute to close ...";
    }
    return String.format("churn: active %s | churn %s%% (%s cancellations) | at risk %s customers, revenue at risk %s/month"
            + " | follow-ups on time %s%%, overdue %s",
        fmt(gauges, 0, "%,.0f"), fmt(churn, 0, "%.2f"), fmt(churn, 1, "%.0f"), fmt(gauges, 1, "%,.0f"),
        gauges.length > 2 && !Double.isNaN(gauges[2]) ? String.format("$%,.0f", gauges[2] / 100) : "-",
        fmt(churn, 2, "%.0f"), fmt(churn, 3, "%.0f"));
  }

  /**
   * FCR: the final figure once a reopen window has passed since the first resolutions; before and
   * beside it the provisional one (at the first resolution by an agent) with its n, marked.
   */
  private static String fcr(double[] svc) {
    String provisional = svc == null || svc.length < 7 || Double.isNaN(svc[5]) ? null
        : String.format("%.1f%% provisional (n %s)", svc[5], fmt(svc, 6, "%.0f"));
    if (svc == null || Double.isNaN(svc[0])) {
      return provisional == null ? "-%" : provisional;
    }
    return String.format("%.1f%%", svc[0]) + (provisional == null ? "" : ", " + provisional);
  }

  private static String fmt(double[] v, int i, String f) {
    return v == null || Double.isNaN(v[i]) ? "-" : String.format(f, v[i]);
  }

  private double[] one(String q) {
    QueryResult r = client.query(new Query(q, db));
    if (r.getResults() == null || r.getResults().get(0).getSeries() == null) {
      return null;
    }
    List<Object> row = r.getResults().get(0).getSeries().get(0).getValues().get(0);
    double[] v = new double[row.size() - 1];
    for (int i = 1; i < row.size(); i++) {
      v[i - 1] = row.get(i) == null ? Double.NaN : ((Number) row.get(i)).doubleValue();
    }
    return v;
  }

  private String pipeline() {
    String q = "SELECT last(\"" + FIELD_EVENTS_TOTAL + "\"), last(\"" + FIELD_LATE_TOTAL + "\"), last(\"" + FIELD_INVALID_TOTAL
        + "\"), last(\"" + FIELD_UNDECODABLE_TOTAL + "\"), last(\"" + FIELD_WATERMARK_LAG_MS + "\") FROM \""
        + MEASUREMENT_PIPELINE + "\" WHERE \"" + TAG_JOB + "\" = 'surveys' AND time > now() - 1h GROUP BY \"" + TAG_SUBTASK + "\"";
    QueryResult r = client.query(new Query(q, db));
    if (r.getResults() == null || r.getResults().get(0).getSeries() == null) {
      return "pipeline: waiting for the first report ...";
    }
    double[] sum = new double[4];
    double lag = 0;
    for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
      List<Object> row = s.getValues().get(0);
      for (int i = 0; i < 4; i++) {
        sum[i] += row.get(i + 1) == null ? 0 : ((Number) row.get(i + 1)).doubleValue();
      }
      if (row.get(5) != null) {
        lag = Math.max(lag, ((Number) row.get(5)).doubleValue());
      }
    }
    return String.format("survey pipeline: %,d responses used, %,d late, %,d invalid, %,d undecodable (dead-lettered), watermark lag %.0f s",
        (long) sum[0], (long) sum[1], (long) sum[2], (long) sum[3], lag / 1000);
  }
}
