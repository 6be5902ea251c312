package io.cxmonitor.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * Evaluates a provisioned Grafana alert rule once, the way Grafana does, for the node types our
 * rules use: InfluxQL queries (with {@code $timeFilter} rendered from the node's relative time range
 * as absolute milliseconds, as Grafana's InfluxDB data source does), reduce (last, mean, max, min;
 * dropping nulls) and math expressions ({@code $REF}, numbers, + − × ÷, comparisons, &&, ||), joined
 * on series labels. One evaluation says whether the condition holds per label set, or that there
 * was no data or an error; {@link RuleStates} turns a sequence of them into alert instance states
 * ({@code for}, No Data and Error handling).
 */
final class RuleEvaluator {
  /** Label set → series values in time order. */
  private final Function<String, Map<Map<String, String>, List<Double>>> influx;

  /**
   * @param influx runs an InfluxQL query and returns each series' values (first value column); it
   *     throws when the query cannot be run (the data source is down), which is an Error evaluation
   */
  RuleEvaluator(Function<String, Map<Map<String, String>, List<Double>>> influx) {
    this.influx = influx;
  }

  /**
   * Runs {@code influxQl} on {@code db} of a real influxd: each series (by its tags) with the values
   * of its first value column. An error in the answer fails the test; a server that cannot be
   * reached throws, which the evaluator counts as an Error evaluation.
   */
  static Map<Map<String, String>, List<Double>> query(InfluxDB client, String db, String influxQl) {
    QueryResult r = client.query(new Query(influxQl, db), TimeUnit.MILLISECONDS);
    assertThat(r.getError()).as(influxQl).isNull();
    Map<Map<String, String>, List<Double>> out = new HashMap<>();
    for (QueryResult.Result res : r.getResults()) {
      assertThat(res.getError()).as(influxQl).isNull();
      if (res.getSeries() == null) {
        continue;
      }
      for (QueryResult.Series s : res.getSeries()) {
        List<Double> values = new ArrayList<>();
        for (List<Object> row : s.getValues()) {
          values.add(row.get(1) == null ? null : ((Number) row.get(1)).doubleValue());
        }
        out.put(s.getTags() == null ? Map.of() : s.getTags(), values);
      }
    }
    return out;
  }

  /** Whether the rule fires now, with the label sets that fire (one evaluation, pending period ignored). */
  record Result(boolean fires, List<Map<String, String>> firing, boolean noData) {}

  /** What one evaluation found. */
  enum Outcome {
    /** Queries returned data: {@link Evaluation#conditions} holds the condition per label set. */
    DATA,
    /** The queries ran and returned no series at all (or only nulls). */
    NO_DATA,
    /** A query failed. */
    ERROR
  }

  /** One evaluation: its outcome and, for {@link Outcome#DATA}, whether the condition holds per label set. */
  record Evaluation(Outcome outcome, Map<Map<String, String>, Boolean> conditions) {}

  /** Evaluates at the wall clock; fires when a condition holds or there is no data and noDataState is Alerting. */
  Result evaluate(JsonNode rule) {
    Evaluation e = evaluateAt(rule, System.currentTimeMillis());
    if (e.outcome() == Outcome.NO_DATA) {
      return new Result(rule.path("noDataState").asText().equals("Alerting"), List.of(), true);
    }
    if (e.outcome() == Outcome.ERROR) {
      throw new IllegalStateException("rule " + rule.path("uid").asText() + " could not be evaluated");
    }
    List<Map<String, String>> firing = new ArrayList<>();
    e.conditions().forEach((labels, holds) -> {
      if (holds) {
        firing.add(labels);
      }
    });
    return new Result(!firing.isEmpty(), firing, false);
  }

  /** Evaluates the rule as Grafana would at {@code evalTimeMs} (epoch ms). */
  Evaluation evaluateAt(JsonNode rule, long evalTimeMs) {
    Map<String, JsonNode> nodes = new HashMap<>();
    rule.path("data").forEach(n -> nodes.put(n.path("refId").asText(), n));
    Map<String, Map<Map<String, String>, List<Double>>> series = new HashMap<>();
    Map<String, Map<Map<String, String>, Double>> numbers = new HashMap<>();
    boolean anyData = false;
    for (JsonNode n : rule.path("data")) {
      if (!n.path("datasourceUid").asText().equals("__expr__")) {
        long from = n.path("relativeTimeRange").path("from").asLong();
        long to = n.path("relativeTimeRange").path("to").asLong();
        String q = n.path("model").path("query").asText()
            .replace("$timeFilter", "time >= " + (evalTimeMs - from * 1000) + "ms and time <= " + (evalTimeMs - to * 1000) + "ms");
        Map<Map<String, String>, List<Double>> result;
        try {
          result = influx.apply(q);
        } catch (RuntimeException queryFailed) {
          return new Evaluation(Outcome.ERROR, Map.of());
        }
        series.put(n.path("refId").asText(), result);
        anyData |= result.values().stream().anyMatch(v -> v.stream().anyMatch(x -> x != null && !x.isNaN()));
      }
    }
    if (!anyData) {
      return new Evaluation(Outcome.NO_DATA, Map.of());
    }
    for (JsonNode n : rule.path("data")) {
      JsonNode m = n.path("model");
      if (m.path("type").asText().equals("reduce")) {
        Map<Map<String, String>, Double> reduced = new HashMap<>();
        series.getOrDefault(m.path("expression").asText(), Map.of()).forEach((labels, values) -> {
          List<Double> v = values.stream().filter(x -> x != null && !x.isNaN()).toList();
          if (!v.isEmpty()) {
            reduced.put(labels, switch (m.path("reducer").asText()) {
              case "last" -> v.get(v.size() - 1);
              case "mean" -> v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
              case "max" -> v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
              case "min" -> v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
              default -> throw new IllegalArgumentException("reducer " + m.path("reducer").asText() + " not supported");
            });
          }
        });
        numbers.put(n.path("refId").asText(), reduced);
      }
    }
    JsonNode condition = nodes.get(rule.path("condition").asText());
    String expression = condition.path("model").path("expression").asText();
    Map<Map<String, String>, Boolean> conditions = new LinkedHashMap<>();
    for (Map<String, String> labels : labelSets(expression, numbers)) {
      double v = new Parser(expression, ref -> valueFor(numbers.get(ref), labels)).parse();
      conditions.put(labels, v != 0 && !Double.isNaN(v));
    }
    return new Evaluation(Outcome.DATA, conditions);
  }

  /** Label sets of the referenced results; a result with a single unlabelled number applies to all. */
  private static List<Map<String, String>> labelSets(String expression, Map<String, Map<Map<String, String>, Double>> numbers) {
    Map<String, Map<String, String>> sets = new TreeMap<>();
    for (Map.Entry<String, Map<Map<String, String>, Double>> e : numbers.entrySet()) {
      if (expression.contains("$" + e.getKey())) {
        e.getValue().keySet().forEach(l -> sets.put(new TreeMap<>(l).toString(), l));
      }
    }
    return new ArrayList<>(sets.values());
  }

  private static double valueFor(Map<Map<String, String>, Double> result, Map<String, String> labels) {
    if (result == null) {
      return Double.NaN;
    }
    Double v = result.get(labels);
    if (v == null && result.size() == 1 && result.keySet().iterator().next().isEmpty()) {
      v = result.values().iterator().next();
    }
    return v == null ? Double.NaN : v;
  }

  /** Recursive-descent evaluation of Grafana math expressions (booleans are 1/0). */
  private static final class Parser {
    private final String s;
    private final Function<String, Double> refs;
    private int i;

    Parser(String s, Function<String, Double> refs) {
      this.s = s;
      this.refs = refs;
    }

    double parse() {
      double v = or();
      skip();
      if (i != s.length()) {
        throw new IllegalArgumentException("cannot parse '" + s + "' at " + i);
      }
      return v;
    }

    private double or() {
      double v = and();
      while (eat("||")) {
        double r = and();
        v = (v != 0 || r != 0) ? 1 : 0;
      }
      return v;
    }

    private double and() {
      double v = cmp();
      while (eat("&&")) {
        double r = cmp();
        v = (v != 0 && r != 0) ? 1 : 0;
      }
      return v;
    }

    private double cmp() {
      double v = sum();
      for (String op : new String[] {"<=", ">=", "==", "!=", "<", ">"}) {
        if (eat(op)) {
          double r = sum();
          return switch (op) {
            case "<=" -> v <= r ? 1 : 0;
            case ">=" -> v >= r ? 1 : 0;
            case "==" -> v == r ? 1 : 0;
            case "!=" -> v != r ? 1 : 0;
            case "<" -> v < r ? 1 : 0;
            default -> v > r ? 1 : 0;
          };
        }
      }
      return v;
    }

    private double sum() {
      double v = product();
      while (true) {
        if (eat("+")) {
          v += product();
        } else if (eat("-")) {
          v -= product();
        } else {
          return v;
        }
      }
    }

    private double product() {
      double v = atom();
      while (true) {
        if (eat("*")) {
          v *= atom();
        } else if (eat("/")) {
          v /= atom();
        } else {
          return v;
        }
      }
    }

    private double atom() {
      skip();
      if (eat("(")) {
        double v = or();
        if (!eat(")")) {
          throw new IllegalArgumentException("missing ) in " + s);
        }
        return v;
      }
      if (eat("-")) {
        return -atom();
      }
      if (s.charAt(i) == '$') {
        int start = ++i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
          i++;
        }
        return refs.apply(s.substring(start, i));
      }
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("unexpected '" + s.charAt(i) + "' in " + s);
      }
      return Double.parseDouble(s.substring(start, i));
    }

    private boolean eat(String token) {
      skip();
      if (s.startsWith(token, i)) {
        i += token.length();
        return true;
      }
      return false;
    }

    private void skip() {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
    }
  }
}
