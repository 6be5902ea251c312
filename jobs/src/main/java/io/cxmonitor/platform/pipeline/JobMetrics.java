package io.cxmonitor.platform.pipeline;

/**
 * Names of the jobs' own Flink metrics, which the metrics reporters (Prometheus on the cluster)
 * export next to Flink's: a contract like the InfluxDB names, listed in the README ("Metrics").
 * Every one is a gauge or counter reading a field the job keeps anyway, so nothing is added per
 * record.
 */
public final class JobMetrics {
  private JobMetrics() {}

  /** The group under each operator's metrics: {@code flink_taskmanager_job_task_operator_cx_...}. */
  public static final String GROUP = "cx";

  /** Sub-group of a counting operator, keyed by its {@code job} tag of {@code cx_pipeline} (label {@code pipeline}). */
  public static final String PIPELINE = "pipeline";
  public static final String EVENTS_IN = "eventsIn";
  public static final String LATE = "late";
  public static final String INVALID = "invalid";
  public static final String UNDECODABLE = "undecodable";
  public static final String DEAD_LETTERED = "deadLettered";
  public static final String DUPLICATES = "duplicates";
  public static final String TAG_VALUES_FOLDED = "tagValuesFolded";
  public static final String UNKNOWN_SYMBOLS = "unknownSymbols";
  public static final String WATERMARK_LAG_MS = "watermarkLagMs";

  /** Sub-group of an InfluxDB sink writer, keyed by its {@code job} tag of {@code cx_sink} (label {@code sink}). */
  public static final String SINK = "sink";
  public static final String POINTS_WRITTEN = "pointsWritten";
  public static final String RETRIES = "retries";
  public static final String POINTS_REJECTED = "pointsRejected";

  /** Open tickets of the service job (the overall backlog), on the subtask of the rolling windows that holds it. */
  public static final String OPEN_TICKETS = "openTickets";
}
