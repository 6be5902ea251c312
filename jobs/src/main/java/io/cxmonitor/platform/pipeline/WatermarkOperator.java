package io.cxmonitor.platform.pipeline;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Base of the operators that decide lateness: keeps the last watermark of its subtask in
 * checkpointed operator state, so lateness decisions survive restarts exactly. A record is late
 * when the watermark has closed its event-time bucket (bucket end ≤ watermark). Chained to a
 * source, before any shuffle, the decision depends only on the records before it in the
 * subtask's input, never on how far other subtasks have got.
 */
public abstract class WatermarkOperator<IN, OUT> extends AbstractStreamOperator<OUT> implements OneInputStreamOperator<IN, OUT> {
  private static final long serialVersionUID = 1L;

  /** Time resolution of the windows (one minute by default). */
  protected final long bucketMillis;
  /** The newest watermark seen (restored after a restart). */
  protected transient long watermark;
  private transient ListState<Long> watermarkState;

  protected WatermarkOperator(long bucketMillis) {
    this.bucketMillis = bucketMillis;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    // Plain (not union) list state: Flink refuses checkpoints once some subtasks of an operator
    // with union state have finished, which bounded inputs (backfills) do. Each subtask restores
    // the minimum of the entries it gets back.
    watermarkState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("subtask-watermark", Long.class));
    watermark = Long.MIN_VALUE;
    Long restored = null;
    for (Long w : watermarkState.get()) {
      restored = restored == null ? w : Math.min(restored, w);
    }
    if (restored != null) {
      watermark = restored;
    }
  }

  protected final long bucketOf(long ts) {
    return Math.floorDiv(ts, bucketMillis);
  }

  /** Whether {@code bucket} has been closed by the watermark. */
  protected final boolean closed(long bucket) {
    return (bucket + 1) * bucketMillis - 1 <= watermark;
  }

  /** Whether an event at {@code eventTime} is late: its bucket is closed by the watermark. */
  protected final boolean late(long eventTime) {
    return closed(bucketOf(eventTime));
  }

  /** Called with the new watermark before it is forwarded. */
  protected void onWatermark(long newWatermark) {}

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = Math.max(watermark, mark.getTimestamp());
    onWatermark(watermark);
    super.processWatermark(mark);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    watermarkState.update(List.of(watermark));
  }
}
