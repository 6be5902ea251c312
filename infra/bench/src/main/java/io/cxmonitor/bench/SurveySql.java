package io.cxmonitor.bench;

import io.cxmonitor.metrics.SurveyCounts;
import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.surveys.SurveyPoints;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableConfig;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.AggregatePhaseStrategy;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.api.config.OptimizerConfigOptions;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * The survey KPIs of {@code SurveyKpiJob} as a Flink SQL program, for the {@code survey-sql} runner
 * (README "Performance"): the same decoded responses, the same groupings, windows and answer
 * histograms, and the same points (built by the job's {@link SurveyPoints}, so the scores and their
 * 95 % intervals are computed the same way). What the job does and this leaves out is in the README.
 */
public final class SurveySql {
  private SurveySql() {}

  /**
   * @param outOfOrderness the watermark's bound, as the job's {@code --out-of-orderness} (whole seconds)
   * @param idleness       {@code table.exec.source.idle-timeout}, as the job's {@code --idleness}
   * @param deduplicate    count a response id once per minute (window deduplication), as the job does
   */
  public record Settings(Duration outOfOrderness, Duration idleness, boolean deduplicate) {}

  /** The window labels, as the job writes them in the {@code window} tag. */
  static final String[] WINDOWS = {InfluxSchema.WINDOW_1M, InfluxSchema.WINDOW_1H, InfluxSchema.WINDOW_24H};

  private static final String[] COLUMNS = {"response_id", "event_millis", "channel", "region", "team", "product", "nps",
      "csat", "ces"};
  private static final TypeInformation<Row> ROW_TYPE = Types.ROW_NAMED(COLUMNS, Types.STRING, Types.LONG, Types.STRING,
      Types.STRING, Types.STRING, Types.STRING, Types.INT, Types.INT, Types.INT);

  /** The histogram columns: one count per point of each scale, in {@link SurveyCounts}' order. */
  static final List<String> COUNT_COLUMNS = countColumns();

  /**
   * Defines the SQL program on {@code decoded} (the jobs' decoded and validated responses) and returns
   * its points, for the caller to sink.
   */
  public static DataStream<KpiPoint> kpis(StreamExecutionEnvironment env, DataStream<Decoded<SurveyResponse>> decoded,
      Settings settings) {
    StreamTableEnvironment tables = StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
    configure(tables.getConfig(), settings);
    DataStream<Row> rows = decoded.flatMap(new ToRow()).returns(ROW_TYPE).name("survey-sql: responses as rows")
        .uid("survey-sql-rows");
    long seconds = settings.outOfOrderness().toSeconds();
    if (Duration.ofSeconds(seconds).compareTo(settings.outOfOrderness()) != 0) {
      throw new IllegalArgumentException("out-of-orderness must be whole seconds, got " + settings.outOfOrderness());
    }
    Table responses = tables.fromDataStream(rows, Schema.newBuilder()
        .column("response_id", DataTypes.STRING())
        .column("event_millis", DataTypes.BIGINT())
        .column("channel", DataTypes.STRING())
        .column("region", DataTypes.STRING())
        .column("team", DataTypes.STRING())
        .column("product", DataTypes.STRING())
        .column("nps", DataTypes.INT())
        .column("csat", DataTypes.INT())
        .column("ces", DataTypes.INT())
        .columnByExpression("rowtime", "TO_TIMESTAMP_LTZ(event_millis, 3)")
        .watermark("rowtime", "rowtime - INTERVAL '" + seconds + "' SECOND")
        .build());
    tables.createTemporaryView("responses", responses);
    tables.createTemporaryView("minutes", tables.sqlQuery(minutesQuery(settings.deduplicate())));
    Table kpis = tables.sqlQuery(kpiQuery());
    return tables.toDataStream(kpis).flatMap(new ToPoints()).returns(KpiPoint.class).name("survey-sql: points")
        .uid("survey-sql-points");
  }

  /**
   * Flink SQL's settings for throughput, each one documented in the README: mini-batches and two-phase
   * (local, then global) aggregation; the job's idleness; window boundaries in UTC.
   */
  static void configure(TableConfig config, Settings settings) {
    config.set(ExecutionConfigOptions.TABLE_EXEC_MINIBATCH_ENABLED, true);
    config.set(ExecutionConfigOptions.TABLE_EXEC_MINIBATCH_ALLOW_LATENCY, Duration.ofSeconds(1));
    config.set(ExecutionConfigOptions.TABLE_EXEC_MINIBATCH_SIZE, 5000L);
    config.set(OptimizerConfigOptions.TABLE_OPTIMIZER_AGG_PHASE_STRATEGY,
        AggregatePhaseStrategy.TWO_PHASE);
    config.set(ExecutionConfigOptions.TABLE_EXEC_SOURCE_IDLE_TIMEOUT, settings.idleness());
    config.setLocalTimeZone(ZoneOffset.UTC);
  }

  /**
   * One row per group and minute: the five groupings as grouping sets of a 1-minute tumbling window,
   * every answer histogram as filtered counts. Its {@code rowtime} (the window's time) is the time
   * attribute the rolling windows slide over.
   */
  static String minutesQuery(boolean deduplicate) {
    String input = "TABLE(TUMBLE(TABLE responses, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))";
    if (deduplicate) {
      // window deduplication: the first copy of a response id in its minute, as the job's deduplicator keeps it
      input = "(SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, response_id "
          + "ORDER BY rowtime ASC) AS copy FROM " + input + ") WHERE copy = 1)";
    }
    StringBuilder q = new StringBuilder("SELECT CASE WHEN channel IS NOT NULL THEN 'channel' "
        + "WHEN region IS NOT NULL THEN 'region' WHEN team IS NOT NULL THEN 'team' "
        + "WHEN product IS NOT NULL THEN 'product' ELSE 'overall' END AS grp, "
        + "COALESCE(channel, region, team, product, '" + Grouping.ALL + "') AS tag_value, "
        + "window_end AS minute_end, window_time AS rowtime");
    for (int k = 0; k < SurveyCounts.NPS_POINTS; k++) {
      q.append(", COUNT(*) FILTER (WHERE nps = ").append(k).append(") AS nps_").append(k);
    }
    for (int k = 1; k <= SurveyCounts.CSAT_POINTS; k++) {
      q.append(", COUNT(*) FILTER (WHERE csat = ").append(k).append(") AS csat_").append(k);
    }
    for (int k = 1; k <= SurveyCounts.CES_POINTS; k++) {
      q.append(", COUNT(*) FILTER (WHERE ces = ").append(k).append(") AS ces_").append(k);
    }
    // tag values are never null (ToRow), so the null a grouping set leaves says which grouping a row is
    q.append(" FROM ").append(input).append(" GROUP BY window_start, window_end, window_time, "
        + "GROUPING SETS ((), (channel), (region), (team), (product))");
    return q.toString();
  }

  /**
   * The 1m rows as they are, and the rolling 1h and 24h windows sliding by a minute over them
   * (cascading window aggregation: Flink slices each hopping window into its minutes).
   */
  static String kpiQuery() {
    String counts = String.join(", ", COUNT_COLUMNS);
    StringBuilder sums = new StringBuilder();
    for (String c : COUNT_COLUMNS) {
      sums.append(", SUM(").append(c).append(") AS ").append(c);
    }
    return "SELECT '" + WINDOWS[0] + "' AS win, grp, tag_value, minute_end AS window_end, " + counts + " FROM minutes"
        + hop(WINDOWS[1], "INTERVAL '1' HOUR", sums) + hop(WINDOWS[2], "INTERVAL '24' HOUR", sums);
  }

  private static String hop(String label, String size, CharSequence sums) {
    return " UNION ALL SELECT '" + label + "' AS win, grp, tag_value, window_end" + sums
        + " FROM TABLE(HOP(TABLE minutes, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE, " + size + "))"
        + " GROUP BY window_start, window_end, grp, tag_value";
  }

  private static List<String> countColumns() {
    List<String> c = new ArrayList<>();
    for (int k = 0; k < SurveyCounts.NPS_POINTS; k++) {
      c.add("nps_" + k);
    }
    for (int k = 1; k <= SurveyCounts.CSAT_POINTS; k++) {
      c.add("csat_" + k);
    }
    for (int k = 1; k <= SurveyCounts.CES_POINTS; k++) {
      c.add("ces_" + k);
    }
    return List.copyOf(c);
  }

  /**
   * A usable response as a row, its dimensions as the job's tag values ({@link Grouping#tagValue}:
   * never null). Records that failed decoding or validation are dropped (the job dead-letters them).
   */
  static final class ToRow implements FlatMapFunction<Decoded<SurveyResponse>, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Decoded<SurveyResponse> d, Collector<Row> out) {
      if (!d.ok()) {
        return;
      }
      SurveyResponse r = d.value;
      out.collect(Row.of(r.getResponseId(), r.getEventTime().toEpochMilli(), Grouping.tagValue(r.getChannel().name()),
          Grouping.tagValue(r.getRegion()), Grouping.tagValue(r.getTeam()), Grouping.tagValue(r.getProduct()),
          r.getNps(), r.getCsat(), r.getCes()));
    }
  }

  /**
   * A result row (window, grouping, tag value, window end, histograms) as the job's three points. The
   * window end is a TIMESTAMP in the session time zone, UTC.
   */
  static final class ToPoints implements FlatMapFunction<Row, KpiPoint> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Row row, Collector<KpiPoint> out) {
      SurveyCounts counts = countsOf(row);
      Grouping grouping = Grouping.valueOf(((String) row.getField(1)).toUpperCase(Locale.ROOT));
      SurveyPoints.emit(grouping, (String) row.getField(2), (String) row.getField(0),
          ((LocalDateTime) row.getField(3)).toInstant(ZoneOffset.UTC).toEpochMilli(), counts, out::collect);
    }
  }

  /** The histograms of a result row (columns from the fifth on, in {@link #COUNT_COLUMNS}' order). */
  static SurveyCounts countsOf(Row row) {
    SurveyCounts c = new SurveyCounts();
    int i = 4;
    for (int k = 0; k < SurveyCounts.NPS_POINTS; k++) {
      c.nps[k] = (Long) row.getField(i++);
    }
    for (int k = 0; k < SurveyCounts.CSAT_POINTS; k++) {
      c.csat[k] = (Long) row.getField(i++);
    }
    for (int k = 0; k < SurveyCounts.CES_POINTS; k++) {
      c.ces[k] = (Long) row.getField(i++);
    }
    return c;
  }
}
