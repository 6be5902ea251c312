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
record InfluxContents(Map<String, Map<String, Map<String, Object>>> kpis, Map<String, Map<String, Object>> finalCounters) {
  /** Measurements stamped with processing time: reports about the run, not results of the input. */
  static final List<String> REPORTS = List.of(InfluxSchema.MEASUREMENT_PIPELINE, InfluxSchema.MEASUREMENT_SINK);

  static InfluxContents read(String url, String db) {
    try (InfluxDB client = InfluxDBFactory.connect(url)) {
      Map<String, Map<String, Map<String, Object>>> kpis = new TreeMap<>();
      for (List<Object> row : rows(query(client, db, "SHOW MEASUREMENTS"))) {
        String m = (String) row.get(0);
        if (!REPORTS.contains(m)) {
          kpis.put(m, points(query(client, db, "SELECT * FROM \"" + m + "\" GROUP BY *")));
        }
      }
      Map<String, Map<String, Object>> counters = points(query(client, db,
          "SELECT last(events_total) AS events_total, last(late_total) AS late_total, last(invalid_total) AS invalid_total, "
              + "last(undecodable_total) AS undecodable_total FROM cx_pipeline GROUP BY job, subtask"));
      Map<String, Map<String, Object>> bySubtask = new TreeMap<>();
      counters.forEach((key, fields) -> bySubtask.put(key.substring(0, key.indexOf('@')), fields));
      return new InfluxContents(kpis, bySubtask);
    }
  }

  int pointCount() {
    return kpis.values().stream().mapToInt(Map::size).sum();
  }

  /** Every series, point and field of {@code expected}'s KPI measurements, and its final counters, equal. */
  void assertSameAs(InfluxContents expected, String what) {
    assertThat(kpis.keySet()).as("%s: measurements", what).containsExactlyElementsOf(expected.kpis.keySet());
    for (var m : expected.kpis.entrySet()) {
      Map<String, Map<String, Object>> actual = kpis.get(m.getKey());
      assertThat(actual.keySet()).as("%s: points of %s (series @ time)", what, m.getKey())
          .containsExactlyInAnyOrderElementsOf(m.getValue().keySet());
      for (var p : m.getValue().entrySet()) {
        assertThat(actual.get(p.getKey())).as("%s: %s %s", what, m.getKey(), p.getKey()).isEqualTo(p.getValue());
      }
    }
    assertThat(finalCounters).as("%s: final cx_pipeline counters per job and subtask", what)
        .isEqualTo(expected.finalCounters).isNotEmpty();
  }

  private static QueryResult query(InfluxDB client, String db, String q) {
    QueryResult r = client.query(new Query(q, db), TimeUnit.MILLISECONDS);
    assertThat(r.getError()).as(q).isNull();
    return r;
  }

  private static Map<String, Map<String, Object>> points(QueryResult result) {
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
          out.put(new TreeMap<>(s.getTags() == null ? Map.of() : s.getTags()) + "@" + ((Number) row.get(0)).longValue(), fields);
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
