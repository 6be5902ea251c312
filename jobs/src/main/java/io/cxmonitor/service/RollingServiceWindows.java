package io.cxmonitor.service;

import io.cxmonitor.platform.windows.RollingWindows;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.pipeline.JobMetrics;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.metrics.ServiceCounts;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Service KPIs of one group for 1m, rolling 1h and 24h (see {@link RollingWindows}), plus the
 * open-ticket backlog as a gauge written every minute: the group keeps ticking while tickets are
 * open, even when nothing happens to them for days. The overall backlog is also the Flink gauge
 * {@code cx.openTickets} of the subtask that holds the overall group (0 on the others, so the sum
 * over subtasks is the open tickets); after a restart it reads 0 until that group's next tick.
 */
public class RollingServiceWindows extends RollingWindows<ServicePartial, ServiceCounts> {
  private static final long serialVersionUID = 1L;
  private final long repeatWindowMs;
  private transient ValueState<Long> backlog;
  /** The overall group's backlog at its last tick in this subtask (read by the metrics reporter). */
  private transient long openTickets;

  public RollingServiceWindows(long bucketMillis) {
    this(bucketMillis, io.cxmonitor.rules.RepeatContactRule.defaults().windowMs());
  }

  /**
   * @param repeatWindowMs the repeat window, a whole number of buckets: final forward-repeat
   *     outcomes are counted in the bucket a window after their contact and written a window back
   */
  public RollingServiceWindows(long bucketMillis, long repeatWindowMs) {
    super(ServiceCounts.class, bucketMillis);
    if (repeatWindowMs % bucketMillis != 0) {
      throw new IllegalArgumentException("the repeat window (" + repeatWindowMs + " ms) must be a whole number of buckets ("
          + bucketMillis + " ms), so the final forward repeat of a bucket's contacts lands in one bucket");
    }
    this.repeatWindowMs = repeatWindowMs;
  }

  @Override
  public void open(OpenContext openContext) throws Exception {
    super.open(openContext);
    backlog = getRuntimeContext().getState(new ValueStateDescriptor<>("backlog", Long.class));
    getRuntimeContext().getMetricGroup().addGroup(JobMetrics.GROUP).gauge(JobMetrics.OPEN_TICKETS, () -> openTickets);
  }

  @Override
  protected long minuteOf(ServicePartial p) {
    return p.bucket;
  }

  @Override
  protected ServiceCounts aggregateOf(ServicePartial p) {
    return p.counts;
  }

  @Override
  protected ServiceCounts empty() {
    return new ServiceCounts();
  }

  @Override
  protected ServiceCounts copy(ServiceCounts c) {
    ServiceCounts copy = new ServiceCounts(); // prepared for storage before it is stored (RollingWindows)
    copy.add(c);
    return copy;
  }

  @Override
  protected boolean keepTicking(String key, long minute, ServiceCounts entering, Collector<KpiPoint> out) throws Exception {
    long open = backlog.value() == null ? 0 : backlog.value();
    if (entering != null) {
      open += entering.backlogDelta;
    }
    backlog.update(open);
    Grouping.Key k = Grouping.Key.parse(key);
    if (k.grouping() == Grouping.OVERALL) {
      openTickets = open;
    }
    out.collect(ServicePoints.backlog(k.grouping(), k.value(), (minute + 1) * bucketMillis, open));
    return open != 0;
  }

  @Override
  protected void clearExtra() throws Exception {
    // Only reached with open tickets at the end of a bounded input: keep the gauge, so facts
    // that still follow (FCR results, SLA breaches) do not restart it from zero.
    Long open = backlog.value();
    if (open == null || open == 0) {
      backlog.clear();
    }
  }

  @Override
  protected void emit(String key, String window, long minute, ServiceCounts counts, Collector<KpiPoint> out) {
    Grouping.Key k = Grouping.Key.parse(key);
    ServicePoints.emit(k.grouping(), k.value(), window, (minute + 1) * bucketMillis, counts, repeatWindowMs,
        ServicePoints.ALL_PAIRS, out::collect);
  }

  /** Channel pairs only where non-zero now or before the change: zero pairs that stay zero are not written again. */
  @Override
  protected void emitChange(String key, String window, long minute, ServiceCounts counts, ServiceCounts added,
      ServiceCounts removed, Collector<KpiPoint> out) {
    Grouping.Key k = Grouping.Key.parse(key);
    ServicePoints.emit(k.grouping(), k.value(), window, (minute + 1) * bucketMillis, counts, repeatWindowMs,
        ServicePoints.changedPairs(counts, added, removed), out::collect);
  }

  /**
   * Only the measurements and channel pairs {@code gained} changes: the rest of the point written
   * before at this series and time holds the same values (the whole point when {@code gained} is null).
   */
  @Override
  protected void emitCorrected(String key, String window, long minute, ServiceCounts counts, ServiceCounts gained,
      Collector<KpiPoint> out) {
    if (gained == null) {
      emitChange(key, window, minute, counts, null, null, out);
      return;
    }
    Grouping.Key k = Grouping.Key.parse(key);
    ServicePoints.emit(k.grouping(), k.value(), window, (minute + 1) * bucketMillis, counts, repeatWindowMs,
        ServicePoints.gainedPairs(gained), ServicePoints.changedBy(gained), out::collect);
  }
}
