package io.cxmonitor.platform.pipeline;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.influx.PipelinePoints;
import io.cxmonitor.metrics.PipelineCounters;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Base of the operators that decide what a job uses: keeps {@link PipelineCounters} and (see
 * {@link WatermarkOperator}) the last watermark in checkpointed operator state (so lateness
 * decisions and totals survive restarts exactly), reports the counters as a {@code cx_pipeline}
 * point every stats interval and at the end of input, and calls {@link #flush()} before every
 * checkpoint barrier and at the end. The same counters are Flink gauges ({@link JobMetrics}),
 * read by the metrics reporters (Prometheus) without any cost per record.
 */
public abstract class CountingOperator<IN, OUT> extends WatermarkOperator<IN, OUT> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<KpiPoint> PIPELINE_STATS =
      new OutputTag<>("pipeline-stats", TypeInformation.of(KpiPoint.class));

  protected final String job;
  private final long statsIntervalMillis;
  protected transient PipelineCounters counters;
  private transient ListState<PipelineCounters> countersState;

  protected CountingOperator(String job, long bucketMillis, long statsIntervalMillis) {
    super(bucketMillis);
    this.job = job;
    this.statsIntervalMillis = statsIntervalMillis;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    countersState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("pipeline-counters", PipelineCounters.class));
    counters = new PipelineCounters();
    for (PipelineCounters c : countersState.get()) {
      counters.add(c);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    registerMetrics(getMetricGroup().addGroup(JobMetrics.GROUP).addGroup(JobMetrics.PIPELINE, job));
    scheduleStats();
  }

  /**
   * Gauges reading the checkpointed counters (so they survive restarts exactly, like
   * {@code cx_pipeline}), and the watermark lag. Read by the reporter thread; a stale read of a
   * long field is harmless for a metric.
   */
  private void registerMetrics(MetricGroup g) {
    g.gauge(JobMetrics.EVENTS_IN, () -> counters.events);
    g.gauge(JobMetrics.LATE, () -> counters.late);
    g.gauge(JobMetrics.INVALID, () -> counters.invalid);
    g.gauge(JobMetrics.UNDECODABLE, () -> counters.undecodable);
    g.gauge(JobMetrics.DEAD_LETTERED, this::deadLettered);
    g.gauge(JobMetrics.DUPLICATES, () -> counters.duplicates);
    g.gauge(JobMetrics.TAG_VALUES_FOLDED, () -> counters.tagValuesFolded);
    g.gauge(JobMetrics.UNKNOWN_SYMBOLS, () -> counters.unknownSymbols);
    g.gauge(JobMetrics.WATERMARK_LAG_MS, () -> watermarkLagMs(getProcessingTimeService().getCurrentProcessingTime()));
  }

  /** Records this operator sent to the dead-letter topic; late ones only where {@link #lateIsDeadLettered}. */
  private long deadLettered() {
    return counters.invalid + counters.undecodable + (lateIsDeadLettered() ? counters.late : 0);
  }

  /** Whether the records counted as late go to the dead-letter topic (else only their gauge change is kept). */
  protected boolean lateIsDeadLettered() {
    return false;
  }

  /** Processing time minus the watermark; -1 before the first watermark, 0 after the last (end of input). */
  private long watermarkLagMs(long now) {
    long w = watermark;
    if (w == Long.MIN_VALUE) {
      return -1;
    }
    return w == Long.MAX_VALUE ? 0 : Math.max(0, now - w);
  }

  /** Emits everything buffered (before a checkpoint barrier and at the end of input). */
  protected void flush() {}

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    countersState.update(List.of(counters));
  }

  private void scheduleStats() {
    long now = getProcessingTimeService().getCurrentProcessingTime();
    getProcessingTimeService().registerTimer(now + statsIntervalMillis, t -> {
      emitStats(t);
      scheduleStats();
    });
  }

  private void emitStats(long now) {
    output.collect(PIPELINE_STATS, new StreamRecord<>(
        PipelinePoints.of(job, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), counters, watermark, now)));
  }

  @Override
  public void finish() throws Exception {
    flush();
    emitStats(getProcessingTimeService().getCurrentProcessingTime());
    super.finish();
  }
}
