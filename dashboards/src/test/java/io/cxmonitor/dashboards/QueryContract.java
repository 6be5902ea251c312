package io.cxmonitor.dashboards;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that an InfluxQL query names only measurements, fields and tags that exist: every
 * {@code FROM "m"} is a known measurement and every other double-quoted identifier is a field
 * or tag of one of the query's measurements, or an alias the query itself defines.
 */
final class QueryContract {
  private static final Pattern QUOTED = Pattern.compile("(AS\\s+)?\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
  private static final Pattern FROM = Pattern.compile("FROM\\s+\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);

  private QueryContract() {}

  /** @param schema measurement → its field and tag keys as the server knows them */
  static List<String> violations(String query, Map<String, Set<String>> schema) {
    List<String> problems = new ArrayList<>();
    Set<String> measurements = new HashSet<>();
    Matcher from = FROM.matcher(query);
    while (from.find()) {
      measurements.add(from.group(1));
      if (!schema.containsKey(from.group(1))) {
        problems.add("measurement \"" + from.group(1) + "\" is not written by the jobs");
      }
    }
    if (measurements.isEmpty()) {
      problems.add("no FROM \"measurement\" found");
    }
    Set<String> aliases = new HashSet<>();
    Matcher m = QUOTED.matcher(query);
    while (m.find()) {
      if (m.group(1) != null) {
        aliases.add(m.group(2));
      }
    }
    m.reset();
    while (m.find()) {
      String id = m.group(2);
      if (m.group(1) != null || measurements.contains(id) || aliases.contains(id)) {
        continue;
      }
      boolean known = measurements.stream().anyMatch(ms -> schema.getOrDefault(ms, Set.of()).contains(id));
      if (!known) {
        problems.add("\"" + id + "\" is neither a field nor a tag of " + measurements);
      }
    }
    return problems;
  }
}
