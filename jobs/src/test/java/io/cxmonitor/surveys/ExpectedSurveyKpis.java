package io.cxmonitor.surveys;

import io.cxmonitor.schemas.SurveyResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The test's own model of what the survey job must write, computed with plain loops over the
 * raw responses (no histograms, no running sums, none of the job's classes): which responses
 * are late, which groups exist, and for every group, minute and window the expected n, score and
 * 95 % interval.
 */
final class ExpectedSurveyKpis {
  static final long MINUTE = 60_000L;

  /** Expected point: measurement, tags as "window|channel|region|team|product", time, fields. */
  record Point(String measurement, String tags, long time, Map<String, Double> fields) {}

  final List<SurveyResponse> onTime = new ArrayList<>();
  final List<SurveyResponse> late = new ArrayList<>();
  final Map<String, Point> points = new HashMap<>();

  /** @param published valid survey responses in the order they were written to the (single) partition */
  ExpectedSurveyKpis(List<SurveyResponse> published, long boundMillis) {
    long maxSeen = Long.MIN_VALUE;
    for (SurveyResponse r : published) {
      long t = r.getEventTime().toEpochMilli();
      long minuteEnd = (Math.floorDiv(t, MINUTE) + 1) * MINUTE;
      if (maxSeen != Long.MIN_VALUE && maxSeen - boundMillis >= minuteEnd) {
        late.add(r);
      } else {
        onTime.add(r);
      }
      maxSeen = Math.max(maxSeen, t);
    }
    // group → minute → responses
    Map<String, TreeMap<Long, List<SurveyResponse>>> groups = new HashMap<>();
    for (SurveyResponse r : onTime) {
      long minute = Math.floorDiv(r.getEventTime().toEpochMilli(), MINUTE);
      for (String g : groupsOf(r)) {
        groups.computeIfAbsent(g, k -> new TreeMap<>()).computeIfAbsent(minute, k -> new ArrayList<>()).add(r);
      }
    }
    groups.forEach(this::tick);
  }

  private static List<String> groupsOf(SurveyResponse r) {
    String channel = r.getChannel().name().toLowerCase(Locale.ROOT);
    return List.of(
        "1m|all|all|all|all",
        "1m|" + channel + "|all|all|all",
        "1m|all|" + norm(r.getRegion()) + "|all|all",
        "1m|all|all|" + norm(r.getTeam()) + "|all",
        "1m|all|all|all|" + norm(r.getProduct()));
  }

  private static String norm(String v) {
    return v == null || v.isBlank() ? "unknown" : v.trim().toLowerCase(Locale.ROOT);
  }

  /** The group ticks every minute from its first answer until the tick whose 24 h window is empty. */
  private void tick(String group, TreeMap<Long, List<SurveyResponse>> minutes) {
    String dims = group.substring(group.indexOf('|'));
    Long m = minutes.firstKey();
    boolean chainStart = true;
    while (m != null) {
      long current = m;
      long time = (current + 1) * MINUTE;
      // A window is written while it holds answers, and once with n = 0 when it has just emptied.
      int[][] windows = {{1, 0}, {60, 0}, {1440, 0}};
      String[] labels = {"1m", "1h", "24h"};
      boolean dayEmpty = false;
      for (int w = 0; w < 3; w++) {
        int size = windows[w][0];
        List<SurveyResponse> now = collect(minutes, current - size + 1, current);
        List<SurveyResponse> before = chainStart ? List.of() : collect(minutes, current - size, current - 1);
        if (!now.isEmpty() || !before.isEmpty()) {
          add(labels[w] + dims, time, now);
        }
        dayEmpty = now.isEmpty();
      }
      chainStart = dayEmpty;
      m = dayEmpty ? minutes.higherKey(current) : Long.valueOf(current + 1);
    }
  }

  private static List<SurveyResponse> collect(TreeMap<Long, List<SurveyResponse>> minutes, long from, long to) {
    List<SurveyResponse> out = new ArrayList<>();
    minutes.subMap(from, true, to, true).values().forEach(out::addAll);
    return out;
  }

  private void add(String tags, long time, List<SurveyResponse> rs) {
    put(new Point("cx_nps", tags, time, nps(rs)));
    put(new Point("cx_csat", tags, time, csat(rs)));
    put(new Point("cx_ces", tags, time, ces(rs)));
  }

  private void put(Point p) {
    points.put(key(p.measurement(), p.tags(), p.time()), p);
  }

  static String key(String measurement, String tags, long time) {
    return measurement + "|" + tags + "|" + time;
  }

  private static final double Z = 1.959963984540054;

  private static Map<String, Double> nps(List<SurveyResponse> rs) {
    double promoters = 0;
    double passives = 0;
    double detractors = 0;
    for (SurveyResponse r : rs) {
      if (r.getNps() == null) {
        continue;
      }
      if (r.getNps() >= 9) {
        promoters++;
      } else if (r.getNps() >= 7) {
        passives++;
      } else {
        detractors++;
      }
    }
    double n = promoters + passives + detractors;
    Map<String, Double> f = new HashMap<>();
    f.put("n", n);
    if (n == 0) {
      return f;
    }
    double score = 100 * (promoters - detractors) / n;
    f.put("score", score);
    double n3 = n + 3;
    double p = (promoters + 0.75) / n3;
    double d = (detractors + 0.75) / n3;
    double half = Z * Math.sqrt((p + d - (p - d) * (p - d)) / n3);
    // adjusted Wald, widened to contain the observed score
    f.put("ci_low", Math.min(score, Math.max(-100, 100 * (p - d - half))));
    f.put("ci_high", Math.max(score, Math.min(100, 100 * (p - d + half))));
    f.put("promoters", promoters);
    f.put("passives", passives);
    f.put("detractors", detractors);
    return f;
  }

  private static Map<String, Double> csat(List<SurveyResponse> rs) {
    List<Integer> answers = new ArrayList<>();
    rs.stream().filter(r -> r.getCsat() != null).forEach(r -> answers.add(r.getCsat()));
    Map<String, Double> f = new HashMap<>();
    f.put("n", (double) answers.size());
    if (answers.isEmpty()) {
      return f;
    }
    double satisfied = answers.stream().filter(a -> a >= 4).count();
    double[] wilson = wilson(satisfied, answers.size());
    f.put("top2_pct", 100 * satisfied / answers.size());
    f.put("ci_low", 100 * wilson[0]);
    f.put("ci_high", 100 * wilson[1]);
    f.put("satisfied", satisfied);
    double[] mean = meanCi(answers, 1, 5);
    f.put("mean", mean[0]);
    f.put("mean_ci_low", mean[1]);
    f.put("mean_ci_high", mean[2]);
    return f;
  }

  private static Map<String, Double> ces(List<SurveyResponse> rs) {
    List<Integer> answers = new ArrayList<>();
    rs.stream().filter(r -> r.getCes() != null).forEach(r -> answers.add(r.getCes()));
    Map<String, Double> f = new HashMap<>();
    f.put("n", (double) answers.size());
    if (answers.isEmpty()) {
      return f;
    }
    double[] mean = meanCi(answers, 1, 7);
    f.put("mean", mean[0]);
    f.put("ci_low", mean[1]);
    f.put("ci_high", mean[2]);
    double high = answers.stream().filter(a -> a >= 5).count();
    double[] wilson = wilson(high, answers.size());
    f.put("high_effort_pct", 100 * high / answers.size());
    f.put("high_effort_ci_low", 100 * wilson[0]);
    f.put("high_effort_ci_high", 100 * wilson[1]);
    return f;
  }

  private static double[] wilson(double x, double n) {
    double p = x / n;
    double denom = 1 + Z * Z / n;
    double center = (p + Z * Z / (2 * n)) / denom;
    double half = Z * Math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denom;
    return new double[] {Math.max(0, center - half), Math.min(1, center + half)};
  }

  private static double[] meanCi(List<Integer> answers, double lo, double hi) {
    int n = answers.size();
    double mean = answers.stream().mapToDouble(Integer::doubleValue).average().orElseThrow();
    if (n == 1) {
      return new double[] {mean, lo, hi};
    }
    double ss = answers.stream().mapToDouble(a -> (a - mean) * (a - mean)).sum();
    double t = new TDistribution(n - 1).inverseCumulativeProbability(0.975);
    double half = t * Math.sqrt(ss / (n - 1) / n);
    return new double[] {mean, Math.max(lo, mean - half), Math.min(hi, mean + half)};
  }
}
