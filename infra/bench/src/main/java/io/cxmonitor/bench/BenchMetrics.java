package io.cxmonitor.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter living in the runner's JVM that keeps, per job, the counters the
 * benchmark reads: records read by the sources (their {@code numRecordsIn}) and points the InfluxDB
 * sink wrote ({@code influxPointsWritten}). Reading the counter objects directly is exact and costs
 * nothing, where the REST API would lag by its metric fetch interval.
 */
public final class BenchMetrics implements MetricReporter {
  static final String SINK_POINTS = "influxPointsWritten";
  private static final String RECORDS_IN = "numRecordsIn";
  /** A metric only source operators register: marks their group as a source's. */
  private static final String SOURCE_ONLY = "sourceIdleTime";

  private static final Map<String, Job> JOBS = new ConcurrentHashMap<>();

  /** The counters of one job, as its tasks register them. */
  static final class Job {
    /** numRecordsIn of every operator subtask, by operator-subtask key; the sources' are picked by {@link #sources}. */
    private final Map<String, Counter> recordsIn = new ConcurrentHashMap<>();
    private final Map<String, Boolean> sources = new ConcurrentHashMap<>();
    private final List<Counter> points = new CopyOnWriteArrayList<>();

    /** Records the job's sources have read so far. */
    long sourceRecords() {
      long sum = 0;
      for (Map.Entry<String, Counter> e : recordsIn.entrySet()) {
        if (sources.containsKey(e.getKey())) {
          sum += e.getValue().getCount();
        }
      }
      return sum;
    }

    /** Points the job's InfluxDB sinks have written so far (KPI, pipeline and sink-statistics points). */
    long pointsWritten() {
      long sum = 0;
      for (Counter c : points) {
        sum += c.getCount();
      }
      return sum;
    }
  }

  /** The counters of job {@code jobId} (a hex job id), registered or not yet. */
  static Job job(String jobId) {
    return JOBS.computeIfAbsent(jobId, id -> new Job());
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    Map<String, String> vars = group.getAllVariables();
    String jobId = vars.get("<job_id>");
    if (jobId == null) {
      return;
    }
    String operator = vars.get("<operator_id>") + "/" + vars.get("<subtask_index>");
    Job job = job(jobId);
    if (name.equals(RECORDS_IN) && metric instanceof Counter c && vars.containsKey("<operator_id>")) {
      job.recordsIn.put(operator, c);
    } else if (name.equals(SOURCE_ONLY)) {
      job.sources.put(operator, true);
    } else if (name.equals(SINK_POINTS) && metric instanceof Counter c) {
      job.points.add(c);
    }
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    // kept: a finished job's counts are read after its tasks are gone
  }

  /** The factory Flink instantiates through {@code metrics.reporter.bench.factory.class}. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(java.util.Properties properties) {
      return new BenchMetrics();
    }
  }
}
