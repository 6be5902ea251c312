package io.cxmonitor.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.influx.InfluxSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * Everything a run left in one InfluxDB database, read back over HTTP: per measurement, each point
 * as "series tags @ time" → its fields. The KPI measurements are compared whole; of the
 * operational reports ({@code cx_pipeline}, {@code cx_sink}), stamped with the wall-clock time of
 * the report, only what the README promises: each subtask's final counters.
 */
public record InfluxContents(Map<String, Map<String, String>> kpis, Map<String, String> finalCounters) {
  /** Measurements stamped with processing time: reports about the run, not results of the input. */
  static final List<String> REPORTS = List.of(InfluxSchema.MEASUREMENT_PIPELINE, InfluxSchema.MEASUREMENT_SINK);

  public static InfluxContents read(String url, String db) {
    try (InfluxDB client = InfluxDBFactory.connect(url)) {
      Map<String, Map<String, String>> kpis = new TreeMap<>();
      for (String m : measurements(client, db)) {
        if (!REPORTS.contains(m)) {
          kpis.put(m, points(client, db, "SELECT * FROM \"" + m + "\" GROUP BY *"));
        }
      }
      Map<String, String> counters = points(client, db,
          "SELECT last(events_total) AS events_total, last(late_total) AS late_total, last(invalid_total) AS invalid_total, "
              + "last(undecodable_total) AS undecodable_total FROM cx_pipeline GROUP BY job, subtask");
      Map<String, String> bySubtask = new TreeMap<>();
      counters.forEach((key, fields) -> bySubtask.put(key.substring(0, key.indexOf('@')), fields));
      return new InfluxContents(kpis, bySubtask);
    }
  }

  public int pointCount() {
    return kpis.values().stream().mapToInt(Map::size).sum();
  }

  /**
   * Every series, point and field of {@code expected}'s KPI measurements, and its final counters,
   * equal; a failure lists, per measurement, how many points are missing, extra or different, with
   * an example of each.
   */
  public void assertSameAs(InfluxContents expected, String what) {
    assertSameKpisAs(expected, what);
    assertThat(finalCounters).as("%s: final cx_pipeline counters per job and subtask", what)
        .isEqualTo(expected.finalCounters).isNotEmpty();
  }

  /**
   * Every series, point and field of {@code expected}'s KPI measurements equal (not the counters:
   * per subtask, they differ between runs at different parallelisms).
   */
  public void assertSameKpisAs(InfluxContents expected, String what) {
    assertThat(kpis.keySet()).as("%s: measurements", what).containsExactlyElementsOf(expected.kpis.keySet());
    List<String> differences = new ArrayList<>();
    for (var m : expected.kpis.entrySet()) {
      differences.addAll(differences(m.getKey(), m.getValue(), kpis.get(m.getKey())));
    }
    assertThat(differences).as("%s: KPI points that differ from the undisturbed run", what).isEmpty();
  }

  private static List<String> differences(String measurement, Map<String, String> expected, Map<String, String> actual) {
    List<String> missing = new ArrayList<>();
    List<String> different = new ArrayList<>();
    for (var p : expected.entrySet()) {
      String a = actual.get(p.getKey());
      if (a == null) {
        missing.add(p.getKey() + " " + p.getValue());
      } else if (!a.equals(p.getValue())) {
        different.add(p.getKey() + " expected " + p.getValue() + " but was " + a);
      }
    }
    List<String> extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).map(k -> k + " " + actual.get(k)).toList();
    List<String> out = new ArrayList<>();
    for (var kind : Map.of("missing", missing, "different", different, "extra", extra).entrySet()) {
      if (!kind.getValue().isEmpty()) {
        out.add(String.format("%s: %d of %d points %s, e.g. %s", measurement, kind.getValue().size(), expected.size(),
            kind.getKey(), kind.getValue().get(0)));
      }
    }
    return out;
  }

  private static QueryResult query(InfluxDB client, String db, String q) {
    QueryResult r = client.query(new Query(q, db), TimeUnit.MILLISECONDS);
    assertThat(r.getError()).as(q).isNull();
    return r;
  }

  /** The measurements of {@code db}. */
  public static List<String> measurements(InfluxDB client, String db) {
    List<String> out = new ArrayList<>();
    for (List<Object> row : rows(query(client, db, "SHOW MEASUREMENTS"))) {
      out.add((String) row.get(0));
    }
    return out;
  }

  /**
   * The points {@code select} returns (grouped by tags), as "series tags @ time" → the point's fields
   * as text: compact, since a run leaves over 100,000 points.
   */
  public static Map<String, String> points(InfluxDB client, String db, String select) {
    Map<String, String> out = new TreeMap<>();
    pointFields(client, db, select).forEach((point, fields) -> out.put(point, fields.toString()));
    return out;
  }

  /** tags + "@" + time → the point's fields (null fields left out), for every point {@code select} returns. */
  public static Map<String, Map<String, Object>> pointFields(InfluxDB client, String db, String select) {
    QueryResult result = query(client, db, select);
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (QueryResult.Result res : result.getResults()) {
      assertThat(res.getError()).isNull();
      if (res.getSeries() == null) {
        continue;
      }
      for (QueryResult.Series s : res.getSeries()) {
        for (List<Object> row : s.getValues()) {
          Map<String, Object> fields = new TreeMap<>();
          for (int i = 1; i < s.getColumns().size(); i++) {
            if (row.get(i) != null) {
              fields.put(s.getColumns().get(i), row.get(i));
            }
          }
          out.put(new TreeMap<>(s.getTags() == null ? Map.of() : s.getTags()) + "@" + ((Number) row.get(0)).longValue(),
              fields);
        }
      }
    }
    return out;
  }


  private static List<List<Object>> rows(QueryResult r) {
    List<List<Object>> out = new ArrayList<>();
    for (QueryResult.Result res : r.getResults()) {
      if (res.getSeries() != null) {
        for (QueryResult.Series s : res.getSeries()) {
          out.addAll(s.getValues());
        }
      }
    }
    return out;
  }
}
