package io.cxmonitor.platform.pipeline;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.influx.PipelinePoints;
import io.cxmonitor.metrics.PipelineCounters;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Base of the operators that decide what a job uses: keeps {@link PipelineCounters} and the last
 * watermark in checkpointed operator state (so lateness decisions and totals survive restarts
 * exactly), reports the counters as a {@code cx_pipeline} point every stats interval and at the
 * end of input, and calls {@link #flush()} before every checkpoint barrier and at the end.
 */
public abstract class CountingOperator<IN, OUT> extends AbstractStreamOperator<OUT> implements OneInputStreamOperator<IN, OUT> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<KpiPoint> PIPELINE_STATS =
      new OutputTag<>("pipeline-stats", TypeInformation.of(KpiPoint.class));

  protected final String job;
  /** Time resolution of the windows (one minute by default). */
  protected final long bucketMillis;
  private final long statsIntervalMillis;
  protected transient PipelineCounters counters;
  /** The newest watermark seen (restored after a restart). */
  protected transient long watermark;
  private transient ListState<PipelineCounters> countersState;
  private transient ListState<Long> watermarkState;

  protected CountingOperator(String job, long bucketMillis, long statsIntervalMillis) {
    this.job = job;
    this.bucketMillis = bucketMillis;
    this.statsIntervalMillis = statsIntervalMillis;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    countersState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("pipeline-counters", PipelineCounters.class));
    // Plain (not union) list state: Flink refuses checkpoints once some subtasks of an operator
    // with union state have finished, which bounded inputs (backfills) do. Each subtask restores
    // the minimum of the entries it gets back.
    watermarkState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("subtask-watermark", Long.class));
    counters = new PipelineCounters();
    for (PipelineCounters c : countersState.get()) {
      counters.add(c);
    }
    watermark = Long.MIN_VALUE;
    Long restored = null;
    for (Long w : watermarkState.get()) {
      restored = restored == null ? w : Math.min(restored, w);
    }
    if (restored != null) {
      watermark = restored;
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    scheduleStats();
  }

  protected final long bucketOf(long ts) {
    return Math.floorDiv(ts, bucketMillis);
  }

  /** Whether {@code bucket} has been closed by the watermark. */
  protected final boolean closed(long bucket) {
    return (bucket + 1) * bucketMillis - 1 <= watermark;
  }

  /** Called with the new watermark before it is forwarded. */
  protected void onWatermark(long newWatermark) {}

  /** Emits everything buffered (before a checkpoint barrier and at the end of input). */
  protected void flush() {}

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = Math.max(watermark, mark.getTimestamp());
    onWatermark(watermark);
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    countersState.update(List.of(counters));
    watermarkState.update(List.of(watermark));
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
