package io.cxmonitor.platform.time;

import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * A keyed process function whose event-time timers decide only up to the latest event time seen:
 * it keeps an {@link EventTimeHorizon} in operator state. Subclasses call {@link #seen} for every
 * element and ask {@link #decides} in {@code onTimer}.
 */
public abstract class HorizonKeyedProcessFunction<K, I, O> extends KeyedProcessFunction<K, I, O>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  private final EventTimeHorizon horizon = new EventTimeHorizon();
  /** Name of the operator state; part of the savepoint format, never changed once released. */
  private final String stateName;

  protected HorizonKeyedProcessFunction(String stateName) {
    this.stateName = stateName;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    horizon.initialize(context, stateName);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    horizon.snapshot();
  }

  /** An element with this event time arrived. */
  protected final void seen(long eventTime) {
    horizon.seen(eventTime);
  }

  /** Whether a timer at {@code ts} may decide (see {@link EventTimeHorizon#decides}). */
  protected final boolean decides(long ts, long currentWatermark) {
    return horizon.decides(ts, currentWatermark);
  }
}
