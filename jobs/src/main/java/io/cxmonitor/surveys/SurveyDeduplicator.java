package io.cxmonitor.surveys;

import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.schemas.SurveyResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks a survey response sent again (same {@code response_id}) as a duplicate, so it is counted
 * once ({@code duplicates_total} counts the copies). Keyed by response id; an id is remembered
 * from its first copy until the watermark closes its event-time bucket — the lateness horizon:
 * after that every copy is late and dead-lettered as such by the pre-aggregator, so it is never
 * counted twice either way.
 *
 * <p>Per response: one state read, and for a first copy one write of its bucket's end. The ids of
 * each open bucket are also listed in memory, and when the watermark closes a bucket its ids are
 * cleared from that list: no timer per response (registering timers and taking them off the queue
 * were the largest single cost of the survey job). The list is not checkpointed: it is rebuilt
 * from the state when the job restores.
 *
 * <p>Releases up to commit 6a56f07 kept a flag per id ({@code response-seen}) and a timer per id
 * at its bucket's end. Their savepoints are carried over when the job starts: each timer's time
 * becomes its id's bucket, and the flag and the timer are deleted.
 *
 * <p>Records that failed decoding or validation, and late ones, pass through untouched.
 */
final class SurveyDeduplicator extends AbstractStreamOperator<Decoded<SurveyResponse>>
    implements OneInputStreamOperator<Decoded<SurveyResponse>, Decoded<SurveyResponse>> {
  private static final long serialVersionUID = 2L;
  private static final Logger LOGGER = LoggerFactory.getLogger(SurveyDeduplicator.class);

  /**
   * Response id for a usable record; the Kafka partition and offset (unique in the job's one input
   * topic, so never a duplicate) otherwise. Not the topic name: the subtask that counts a bad or
   * late record must not depend on what the topic is called (the crash test compares per-subtask
   * counters of runs over copies of the input in differently named topics).
   */
  static final KeySelector<Decoded<SurveyResponse>, String> KEY =
      d -> d.ok() ? d.value.getResponseId() : "\u0000" + d.partition + '/' + d.offset;

  static final String STATE = "response-bucket";
  /** State and timers of the releases that kept a flag and a timer per id. */
  static final String LEGACY_STATE = "response-seen";
  private static final String LEGACY_TIMERS = "user-timers";

  private final long bucketMillis;
  private transient ValueState<Long> bucketOf;
  /** The ids remembered per open bucket, by bucket end: what to clear when the watermark passes it. */
  private transient TreeMap<Long, List<String>> open;
  private transient Long lastBucket;
  private transient List<String> lastIds;
  private transient long watermark;
  private transient boolean restored;

  SurveyDeduplicator(long bucketMillis) {
    this.bucketMillis = bucketMillis;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    restored = context.isRestored();
  }

  @Override
  public void open() throws Exception {
    super.open();
    bucketOf = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
        new ValueStateDescriptor<>(STATE, Types.LONG));
    open = new TreeMap<>();
    watermark = Long.MIN_VALUE;
    if (restored) {
      listRestoredIds();
      carryOverLegacyState();
    }
  }

  @Override
  public void processElement(StreamRecord<Decoded<SurveyResponse>> element) throws Exception {
    Decoded<SurveyResponse> d = element.getValue();
    if (d.ok()) {
      long bucketEnd = (Math.floorDiv(d.value.getEventTime().toEpochMilli(), bucketMillis) + 1) * bucketMillis - 1;
      if (bucketEnd > watermark) {
        if (bucketOf.value() != null) {
          d.duplicate = true;
        } else {
          remember(d.value.getResponseId(), bucketEnd);
        }
      }
    }
    output.collect(element);
  }

  /** Stores the id's bucket (the current key is the id) and lists the id under it. */
  private void remember(String id, long bucketEnd) throws Exception {
    if (lastBucket == null || lastBucket != bucketEnd) {
      lastIds = open.computeIfAbsent(bucketEnd, b -> new ArrayList<>());
      lastBucket = open.ceilingKey(bucketEnd); // the map's own boxed key, shared by every id of the bucket
    }
    bucketOf.update(lastBucket);
    lastIds.add(id);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = Math.max(watermark, mark.getTimestamp());
    for (Iterator<Map.Entry<Long, List<String>>> it = open.headMap(watermark, true).entrySet().iterator(); it.hasNext(); ) {
      for (String id : it.next().getValue()) {
        setCurrentKey(id);
        bucketOf.clear();
      }
      it.remove();
    }
    lastBucket = null;
    lastIds = null;
    super.processWatermark(mark);
  }

  /** Lists the ids of a checkpoint of this release under their buckets. */
  private void listRestoredIds() throws Exception {
    List<String> ids;
    try (var keys = getKeyedStateBackend().<VoidNamespace>getKeys(STATE, VoidNamespace.INSTANCE)) {
      ids = keys.map(k -> (String) k).toList();
    }
    for (String id : ids) {
      setCurrentKey(id);
      Long bucketEnd = bucketOf.value();
      if (bucketEnd != null) {
        remember(id, bucketEnd);
      }
    }
  }

  /** Moves a savepoint's per-id flags and timers (releases up to commit 6a56f07) into this release's state. */
  private void carryOverLegacyState() throws Exception {
    InternalTimerService<VoidNamespace> legacyTimers =
        getInternalTimerService(LEGACY_TIMERS, VoidNamespaceSerializer.INSTANCE, new Triggerable<String, VoidNamespace>() {
          @Override
          public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

          @Override
          public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}
        });
    List<String> ids = new ArrayList<>();
    List<Long> buckets = new ArrayList<>();
    legacyTimers.forEachEventTimeTimer((namespace, bucketEnd) -> {
      ids.add((String) getCurrentKey());
      buckets.add(bucketEnd);
    });
    if (ids.isEmpty()) {
      return;
    }
    ValueState<Boolean> seen = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
        new ValueStateDescriptor<>(LEGACY_STATE, Types.BOOLEAN));
    for (int i = 0; i < ids.size(); i++) {
      setCurrentKey(ids.get(i));
      legacyTimers.deleteEventTimeTimer(VoidNamespace.INSTANCE, buckets.get(i));
      if (seen.value() != null) {
        seen.clear();
        remember(ids.get(i), buckets.get(i));
      }
    }
    LOGGER.info("Carried over {} remembered response ids from a savepoint with a timer per id", ids.size());
  }
}
