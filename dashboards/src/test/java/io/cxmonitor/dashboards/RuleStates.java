package io.cxmonitor.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert instances of one Grafana-managed rule across a sequence of evaluations, following
 * Grafana's documented semantics (Grafana 11/12 docs, "Alert rule evaluation",
 * https://grafana.com/docs/grafana/latest/alerting/fundamentals/alert-rule-evaluation/ ; "No Data
 * and Error states", .../alert-rule-evaluation/nodata-and-error-states/ ; "Stale alert instances",
 * .../alert-rule-evaluation/stale-alert-instances/):
 *
 * <ul>
 *   <li>One instance per label set the condition returns. A breached condition makes a Normal
 *       instance Pending (pending counter 0); it becomes Alerting at the first evaluation at which
 *       it has been breached for the rule's {@code for} (the pending period), or at once when that
 *       is 0. A condition that no longer holds makes it Normal (a firing one is resolved).
 *   <li>An instance whose label set the query no longer returns, while it returns others, keeps
 *       its state for one evaluation and is resolved ("Normal (MissingSeries)") and removed at the
 *       second consecutive one (the default "missing series evaluations to resolve" of 2).
 *   <li>No Data (the queries run but return no series, or only nulls) and Error (a query fails)
 *       set the instances to what {@code noDataState} / {@code execErrState} say: {@code Alerting}
 *       (Pending, then Alerting after the pending period), {@code NoData} / {@code Error} (Pending,
 *       then that state, and Grafana raises a separate DatasourceNoData / DatasourceError alert),
 *       {@code OK} (Normal) or {@code KeepLast} (unchanged). With no instance yet, one without
 *       series labels takes that state.
 * </ul>
 *
 * Not modelled: "keep firing for" (Recovering; our rules do not set it) and notification timing.
 */
final class RuleStates {
  enum State { NORMAL, PENDING, ALERTING, NO_DATA, ERROR }

  private static final class Instance {
    State state = State.NORMAL;
    State pendingFor;
    long pendingSince;
    int missing;
  }

  private final String uid;
  private final long pendingPeriodMs;
  private final String noDataState;
  private final String execErrState;
  private final Map<Map<String, String>, Instance> instances = new LinkedHashMap<>();

  RuleStates(JsonNode rule) {
    this.uid = rule.path("uid").asText();
    this.pendingPeriodMs = parseDuration(rule.path("for").asText("0s")).toMillis();
    this.noDataState = rule.path("noDataState").asText("NoData");
    this.execErrState = rule.path("execErrState").asText("Error");
  }

  /** Applies the evaluation made at {@code evalTimeMs}. */
  void apply(long evalTimeMs, RuleEvaluator.Evaluation e) {
    switch (e.outcome()) {
      case DATA -> {
        for (Map.Entry<Map<String, String>, Boolean> c : e.conditions().entrySet()) {
          Instance i = instances.computeIfAbsent(c.getKey(), labels -> new Instance());
          i.missing = 0;
          if (c.getValue()) {
            breach(i, State.ALERTING, evalTimeMs);
          } else {
            i.state = State.NORMAL;
          }
        }
        for (Iterator<Map.Entry<Map<String, String>, Instance>> it = instances.entrySet().iterator(); it.hasNext(); ) {
          Map.Entry<Map<String, String>, Instance> entry = it.next();
          if (!e.conditions().containsKey(entry.getKey()) && ++entry.getValue().missing >= 2) {
            it.remove(); // stale: resolved as Normal (MissingSeries)
          }
        }
      }
      case NO_DATA -> handle(noDataState, State.NO_DATA, evalTimeMs);
      case ERROR -> handle(execErrState, State.ERROR, evalTimeMs);
      default -> throw new IllegalArgumentException(String.valueOf(e.outcome()));
    }
  }

  private void handle(String option, State own, long evalTimeMs) {
    if (option.equals("KeepLast")) {
      return;
    }
    if (instances.isEmpty()) {
      instances.put(Map.of(), new Instance());
    }
    for (Instance i : instances.values()) {
      switch (option) {
        case "Alerting" -> breach(i, State.ALERTING, evalTimeMs);
        case "OK" -> i.state = State.NORMAL;
        case "NoData", "Error" -> breach(i, own, evalTimeMs);
        default -> throw new IllegalArgumentException(uid + ": unknown no-data/error option " + option);
      }
    }
  }

  private void breach(Instance i, State target, long evalTimeMs) {
    if (i.state == target) {
      return;
    }
    if (i.state != State.PENDING || i.pendingFor != target) {
      i.state = State.PENDING;
      i.pendingFor = target;
      i.pendingSince = evalTimeMs;
    }
    if (evalTimeMs - i.pendingSince >= pendingPeriodMs) {
      i.state = target;
    }
  }

  /** Every instance's state, by label set. */
  Map<Map<String, String>, State> states() {
    Map<Map<String, String>, State> out = new LinkedHashMap<>();
    instances.forEach((labels, i) -> out.put(labels, i.state));
    return out;
  }

  /** Label sets of the instances in state Alerting (firing). */
  List<Map<String, String>> firing() {
    List<Map<String, String>> out = new ArrayList<>();
    instances.forEach((labels, i) -> {
      if (i.state == State.ALERTING) {
        out.add(labels);
      }
    });
    return out;
  }

  /** A Grafana duration as provisioning writes it: {@code 0s}, {@code 90s}, {@code 5m}, {@code 1h}, {@code 1h30m}. */
  static Duration parseDuration(String text) {
    Duration d = Duration.ZERO;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(text);
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      end = m.end();
    }
    if (end != text.length() || text.isEmpty()) {
      throw new IllegalArgumentException("not a Grafana duration: '" + text + "'");
    }
    return d;
  }
}
