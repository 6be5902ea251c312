package io.cxmonitor.surveys;

import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.schemas.SurveyResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.AbstractHeapState;
import org.apache.flink.runtime.state.heap.StateMap;
import org.apache.flink.runtime.state.heap.StateTable;
import org.apache.flink.runtime.state.internal.InternalMapState;
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
 * <p>The ids are not kept under their own keys but in one map per key group and bucket: the
 * state's key is a short key of the id's key group ({@link #groupKeys}), its namespace the bucket's
 * end. Per response that is one look-up in the map and, for a first copy, one put; when the
 * watermark closes a bucket, each key group's map of it is dropped whole. Kept under their own
 * keys, ids needed a timer each, or a removal each: taking timers off the queue, and then the
 * removals, were the largest single costs of the survey job. A key group's map moves with the key
 * group when the job is rescaled, like the ids it holds.
 *
 * <p>Releases up to commit 6a56f07 kept a flag per id ({@code response-seen}) and a timer per id
 * at its bucket's end. Their savepoints are carried over when the job starts: each timer's time is
 * its id's bucket, the id goes into its key group's map of that bucket, and the flag and the timer
 * are deleted.
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

  static final String STATE = "response-ids";
  /** State and timers of the releases that kept a flag and a timer per id. */
  static final String LEGACY_STATE = "response-seen";
  private static final String LEGACY_TIMERS = "user-timers";

  private final long bucketMillis;
  private transient InternalMapState<String, Long, String, Boolean> ids;
  /**
   * Heap state: the table of the maps, reached by key group without making the group's key the
   * current one (null on RocksDB, or a heap state behind a decorator).
   */
  private transient StateTable<String, Long, Map<String, Boolean>> table;
  private transient int keyGroups;
  private transient KeyGroupRange range;
  /** Per key group of this subtask (index − range start), the key its ids are kept under. */
  private transient String[] groupKeys;
  /** The buckets that may hold ids, by end: what the watermark closes. */
  private transient TreeSet<Long> openBuckets;
  private transient long lastBucket;
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
  @SuppressWarnings("unchecked")
  public void open() throws Exception {
    super.open();
    ids = (InternalMapState<String, Long, String, Boolean>) getOrCreateKeyedState(
        LongSerializer.INSTANCE, new MapStateDescriptor<>(STATE, Types.STRING, Types.BOOLEAN));
    table = ids instanceof AbstractHeapState<?, ?, ?> heap
        ? ((AbstractHeapState<String, Long, Map<String, Boolean>>) heap).getStateTable() : null;
    TaskInfo task = getRuntimeContext().getTaskInfo();
    keyGroups = task.getMaxNumberOfParallelSubtasks();
    range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
        keyGroups, task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
    groupKeys = groupKeys(keyGroups, range);
    openBuckets = new TreeSet<>();
    lastBucket = Long.MIN_VALUE;
    watermark = Long.MIN_VALUE;
    if (restored) {
      try (var entries = getKeyedStateBackend().<Long>getKeysAndNamespaces(STATE)) {
        entries.forEach(e -> openBuckets.add(e.f1));
      }
      carryOverLegacyState();
    }
  }

  /**
   * For each key group of {@code range}, the first of "0", "1", … "z", "10", … (base 36) that
   * falls in it: the same key for a key group on every subtask and after every rescale.
   */
  static String[] groupKeys(int keyGroups, KeyGroupRange range) {
    String[] keys = new String[range.getNumberOfKeyGroups()];
    int found = 0;
    for (int i = 0; found < keys.length; i++) {
      String key = Integer.toString(i, 36);
      int group = KeyGroupRangeAssignment.assignToKeyGroup(key, keyGroups);
      if (range.contains(group) && keys[group - range.getStartKeyGroup()] == null) {
        keys[group - range.getStartKeyGroup()] = key;
        found++;
      }
    }
    return keys;
  }

  /**
   * Flink would make the response id the current key before each record; nothing here reads state
   * under it: {@link #processElement} picks the map of the id's key group itself.
   */
  @Override
  public void setKeyContextElement(StreamRecord<Decoded<SurveyResponse>> record) {}

  @Override
  public void processElement(StreamRecord<Decoded<SurveyResponse>> element) throws Exception {
    Decoded<SurveyResponse> d = element.getValue();
    if (d.ok()) {
      long bucketEnd = (Math.floorDiv(d.value.getEventTime().toEpochMilli(), bucketMillis) + 1) * bucketMillis - 1;
      if (bucketEnd > watermark) {
        d.duplicate = !firstCopy(d.value.getResponseId(), bucketEnd);
      }
    }
    output.collect(element);
  }

  /** Remembers the id in its key group's map of the bucket; false when it was there already. */
  private boolean firstCopy(String id, long bucketEnd) throws Exception {
    if (table == null) {
      selectMap(id, bucketEnd);
      if (ids.contains(id)) {
        return false;
      }
      ids.put(id, Boolean.TRUE);
      return true;
    }
    // what HeapMapState does, without setting the current key: the state map copies a map that a
    // running snapshot still holds before handing it out
    int keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(id, keyGroups);
    noteBucket(bucketEnd);
    StateMap<String, Long, Map<String, Boolean>> maps = table.getMapForKeyGroup(keyGroup);
    String groupKey = groupKeys[keyGroup - range.getStartKeyGroup()];
    Map<String, Boolean> seen = maps.get(groupKey, bucketEnd);
    if (seen == null) {
      seen = new HashMap<>();
      maps.put(groupKey, bucketEnd, seen);
    }
    return seen.putIfAbsent(id, Boolean.TRUE) == null;
  }

  /** Makes the map of the id's key group and bucket the current one. */
  private void selectMap(String id, long bucketEnd) {
    setCurrentKey(groupKeys[KeyGroupRangeAssignment.assignToKeyGroup(id, keyGroups) - range.getStartKeyGroup()]);
    ids.setCurrentNamespace(bucketEnd);
    noteBucket(bucketEnd);
  }

  private void noteBucket(long bucketEnd) {
    if (bucketEnd != lastBucket) {
      openBuckets.add(bucketEnd);
      lastBucket = bucketEnd;
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = Math.max(watermark, mark.getTimestamp());
    while (!openBuckets.isEmpty() && openBuckets.first() <= watermark) {
      ids.setCurrentNamespace(openBuckets.pollFirst());
      for (String key : groupKeys) {
        setCurrentKey(key);
        ids.clear();
      }
      lastBucket = Long.MIN_VALUE;
    }
    super.processWatermark(mark);
  }

  /** Moves a savepoint's per-id flags and timers (releases up to commit 6a56f07) into this release's maps. */
  private void carryOverLegacyState() throws Exception {
    InternalTimerService<VoidNamespace> legacyTimers =
        getInternalTimerService(LEGACY_TIMERS, VoidNamespaceSerializer.INSTANCE, new Triggerable<String, VoidNamespace>() {
          @Override
          public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

          @Override
          public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}
        });
    List<String> legacyIds = new ArrayList<>();
    List<Long> buckets = new ArrayList<>();
    legacyTimers.forEachEventTimeTimer((namespace, bucketEnd) -> {
      legacyIds.add((String) getCurrentKey());
      buckets.add(bucketEnd);
    });
    if (legacyIds.isEmpty()) {
      return;
    }
    ValueState<Boolean> seen = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
        new ValueStateDescriptor<>(LEGACY_STATE, Types.BOOLEAN));
    for (int i = 0; i < legacyIds.size(); i++) {
      String id = legacyIds.get(i);
      setCurrentKey(id);
      legacyTimers.deleteEventTimeTimer(VoidNamespace.INSTANCE, buckets.get(i));
      if (seen.value() != null) {
        seen.clear();
        selectMap(id, buckets.get(i));
        ids.put(id, Boolean.TRUE);
      }
    }
    LOGGER.info("Carried over {} remembered response ids from a savepoint with a timer per id", legacyIds.size());
  }
}
