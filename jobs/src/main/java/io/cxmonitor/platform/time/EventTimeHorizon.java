package io.cxmonitor.platform.time;

import java.io.Serializable;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * End of input is not the end of time. At the end of a bounded input Flink raises the watermark
 * to {@link Long#MAX_VALUE} and fires every pending event-time timer; a deadline after the latest
 * event time seen has not passed, so nothing may be decided for it then (no SLA breach, no final
 * outcome, no overdue follow-up). This remembers the latest event time an operator saw and says
 * whether a timer may decide.
 *
 * <p>Each parallel subtask knows the latest event time of its own keys, so the cut-off is
 * deterministic (it depends on the input and the key distribution, not on timing) and never later
 * than the input's latest event time. The watermark is not used: how far it had come when the
 * input ended depends on when the source last emitted one.
 *
 * <p>The latest time is kept in union operator state (the largest of all subtasks' after a
 * restore), so a restored operator does not forget how far its input had come. Usage: call
 * {@link #seen} for every element, {@link #initialize}/{@link #snapshot} from the function's
 * {@code CheckpointedFunction} methods and {@link #decides} in {@code onTimer}.
 */
public final class EventTimeHorizon implements Serializable {
  private static final long serialVersionUID = 1L;

  private long latest = Long.MIN_VALUE;
  private transient ListState<Long> stored;

  /** An element with this event time arrived. */
  public void seen(long eventTime) {
    if (eventTime > latest) {
      latest = eventTime;
    }
  }

  /** The latest event time seen, {@link Long#MIN_VALUE} before the first. */
  public long latest() {
    return latest;
  }

  /**
   * Whether a timer at {@code deadline} may decide: always while the input runs; at the end of a
   * bounded input (watermark {@link Long#MAX_VALUE}) only up to the latest event time seen.
   */
  public boolean decides(long deadline, long currentWatermark) {
    return currentWatermark != Long.MAX_VALUE || deadline <= latest;
  }

  /** Whether the watermark is the end-of-input one. */
  public static boolean endOfInput(long currentWatermark) {
    return currentWatermark == Long.MAX_VALUE;
  }

  public void initialize(FunctionInitializationContext context, String name) throws Exception {
    stored = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(name, Long.class));
    if (context.isRestored()) {
      for (Long t : stored.get()) {
        seen(t);
      }
    }
  }

  public void snapshot() throws Exception {
    stored.update(java.util.List.of(latest));
  }
}
