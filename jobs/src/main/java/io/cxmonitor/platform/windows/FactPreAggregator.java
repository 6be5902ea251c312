package io.cxmonitor.platform.windows;

import io.cxmonitor.platform.pipeline.CountingOperator;

import java.util.HashMap;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First phase of a two-phase aggregation of facts: adds every fact to each grouping of its
 * event-time bucket in local maps and ships one partial per group and bucket when the
 * watermark closes the bucket and before every checkpoint barrier. A fact for a closed bucket
 * is late: it is counted ({@code late_total}) and only its gauge change is kept, moved to the
 * first open bucket, so gauges (backlog, active customers) never drift. Tag values pass a
 * {@link TagCardinalityGuard} ({@code --max-tag-values}, checkpointed with the operator): values
 * beyond the cap are written as {@code other}, counted ({@code tag_values_folded_total}) and logged
 * once per grouping.
 *
 * <p>With {@code --provisional-interval} ({@link Provisional}) it also ships what its open buckets
 * gained every interval of processing time, as deltas (the maps are emptied as at a checkpoint), so
 * the rolling windows can write provisional points; downstream sums the partials of a bucket, so the
 * totals stay exact. An interval in which nothing arrived ships nothing.
 *
 * @param <F> fact
 * @param <A> aggregate
 * @param <P> partial shipped downstream
 */
public abstract class FactPreAggregator<F, A extends Rollable<A>, P> extends CountingOperator<F, P> {
  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(FactPreAggregator.class);

  private final Grouping[] groupings;
  private transient TreeMap<Long, Map<String, A>[]> open;
  private transient TagCardinalityGuard tagGuard;
  private transient ListState<String> admittedTagValues;
  private transient long provisionalMillis;

  protected FactPreAggregator(String job, long bucketMillis, long statsIntervalMillis, Grouping... groupings) {
    super(job, bucketMillis, statsIntervalMillis);
    this.groupings = groupings;
  }

  protected abstract long timeOf(F fact);

  /** The fact's tag value for each grouping, in the order given to the constructor. */
  protected abstract String valueOf(F fact, Grouping grouping);

  protected abstract A newAggregate();

  protected abstract void record(A aggregate, F fact);

  /** Applies only the fact's gauge change (for late facts). */
  protected abstract void recordGaugeOnly(A aggregate, F fact);

  protected abstract P partial(Grouping grouping, String value, long bucket, A aggregate);

  /** Whether to aggregate the record; false when the subclass has dealt with it (e.g. dead-lettered it). */
  protected boolean accept(F fact) {
    return true;
  }

  /**
   * Whether the record is an input event for the pipeline counters ({@code events_total},
   * {@code late_total}); false for facts a job derives to correct earlier buckets.
   */
  protected boolean counted(F fact) {
    return true;
  }

  /**
   * A record for a closed bucket (already counted as late). By default only its gauge change is
   * kept, moved to the first open bucket.
   */
  protected void onLate(F fact) {
    Map<String, A>[] groups = groupsOf(Math.floorDiv(watermark + 1, bucketMillis));
    for (int g = 0; g < groupings.length; g++) {
      recordGaugeOnly(aggregate(groups[g], tagOf(fact, groupings[g])), fact);
    }
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    String max = getRuntimeContext().getGlobalJobParameters().get(TagCardinalityGuard.PARAMETER);
    tagGuard = new TagCardinalityGuard(max == null ? TagCardinalityGuard.DEFAULT_MAX_VALUES : Integer.parseInt(max),
        (grouping, value, cap) -> LOG.warn("Job {}: {} has {} distinct tag values in this subtask; '{}' and every further "
            + "new value are written as '{}' and counted in tag_values_folded_total. A producer may be writing ids into "
            + "this field; raise --max-tag-values if the values are real.",
            job, grouping.name().toLowerCase(java.util.Locale.ROOT), cap, value, TagCardinalityGuard.OTHER));
    admittedTagValues = context.getOperatorStateStore()
        .getListState(new ListStateDescriptor<>("admitted-tag-values", Types.STRING));
    for (String entry : admittedTagValues.get()) {
      tagGuard.restore(entry);
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    admittedTagValues.update(tagGuard.snapshot());
  }

  /** The fact's tag value for {@code grouping} after the cardinality guard. */
  private String tagOf(F fact, Grouping grouping) {
    String value = valueOf(fact, grouping);
    if (value == null) {
      return Grouping.UNKNOWN;
    }
    String admitted = tagGuard.admit(grouping, value);
    if (!admitted.equals(value)) {
      counters.tagValuesFolded++;
    }
    return admitted;
  }

  @Override
  public void open() throws Exception {
    super.open();
    open = new TreeMap<>();
    provisionalMillis = Provisional.intervalMillis(getRuntimeContext().getGlobalJobParameters());
    if (provisionalMillis > 0) {
      scheduleShipment();
    }
  }

  private void scheduleShipment() {
    long now = getProcessingTimeService().getCurrentProcessingTime();
    getProcessingTimeService().registerTimer(Provisional.nextShipment(now, provisionalMillis), t -> {
      if (!open.isEmpty()) {
        flush();
      }
      scheduleShipment();
    });
  }

  @Override
  public void processElement(StreamRecord<F> element) {
    F f = element.getValue();
    if (!accept(f)) {
      return;
    }
    long bucket = bucketOf(timeOf(f));
    if (closed(bucket)) {
      if (counted(f)) {
        counters.late++;
      }
      onLate(f);
      return;
    }
    if (counted(f)) {
      counters.events++;
    }
    Map<String, A>[] groups = groupsOf(bucket);
    for (int g = 0; g < groupings.length; g++) {
      record(aggregate(groups[g], tagOf(f, groupings[g])), f);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, A>[] groupsOf(long bucket) {
    return open.computeIfAbsent(bucket, b -> {
      Map<String, A>[] groups = new Map[groupings.length];
      for (int i = 0; i < groups.length; i++) {
        groups[i] = new HashMap<>();
      }
      return groups;
    });
  }

  private A aggregate(Map<String, A> group, String value) {
    return group.computeIfAbsent(value, v -> newAggregate());
  }

  @Override
  protected void onWatermark(long newWatermark) {
    Iterator<Map.Entry<Long, Map<String, A>[]>> it = open.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Map<String, A>[]> e = it.next();
      if (!closed(e.getKey())) {
        break;
      }
      emit(e.getKey(), e.getValue());
      it.remove();
    }
  }

  private void emit(long bucket, Map<String, A>[] groups) {
    long timestamp = (bucket + 1) * bucketMillis - 1;
    for (int g = 0; g < groups.length; g++) {
      for (Map.Entry<String, A> e : groups[g].entrySet()) {
        output.collect(new StreamRecord<>(partial(groupings[g], e.getKey(), bucket, e.getValue()), timestamp));
      }
    }
  }

  @Override
  protected void flush() {
    open.forEach(this::emit);
    open.clear();
  }
}
