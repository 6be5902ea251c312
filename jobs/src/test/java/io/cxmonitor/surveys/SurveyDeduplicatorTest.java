package io.cxmonitor.surveys;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.inputs.TestInputs;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.testing.DecodedRecords;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deduplicator's state: an id kept from its first copy until the watermark closes its minute,
 * in its key group's map of that minute, no timers, the same after a restore, and the per-id flags
 * and timers of earlier releases' savepoints carried over. Expected flags come from a plain set of the ids seen in each open minute.
 */
class SurveyDeduplicatorTest {
  private static final long MINUTE = 60_000L;
  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private final DecodedRecords<SurveyResponse> in = TestInputs.surveys("surveys");

  private static SurveyResponse survey(String id, Instant at) {
    return SurveyResponse.newBuilder().setResponseId(id).setCustomerId("c").setEventTime(at).setChannel(Channel.SMS).setNps(5).build();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, Decoded<SurveyResponse>, Decoded<SurveyResponse>> harness(
      String backend, int maxParallelism, int parallelism, int subtask) throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(new SurveyDeduplicator(MINUTE), SurveyDeduplicator.KEY, Types.STRING,
        maxParallelism, parallelism, subtask);
    h.setStateBackend(backend(backend));
    return h;
  }

  private static org.apache.flink.runtime.state.StateBackend backend(String name) {
    return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void remembersAnIdUntilItsMinuteClosesThenForgetsIt(String backend) throws Exception {
    try (var h = harness(backend, 128, 1, 0)) {
      h.open();
      Instant t = T0.plusSeconds(15);
      Instant minuteEnd = T0.plusSeconds(60);
      h.processElement(new StreamRecord<>(in.good(survey("a", t)), t.toEpochMilli()));
      h.processElement(new StreamRecord<>(in.good(survey("a", t)), t.toEpochMilli()));
      h.processElement(new StreamRecord<>(in.good(survey("b", t)), t.toEpochMilli()));
      SurveyResponse outOfRange = SurveyResponse.newBuilder(survey("a", t)).setNps(11).build();
      h.processElement(new StreamRecord<>(in.invalid(outOfRange), t.toEpochMilli()));
      assertThat(duplicateFlags(h)).containsExactly(false, true, false, false);
      assertThat(remembered(h)).containsExactlyInAnyOrder("a", "b");
      assertThat(h.numEventTimeTimers()).isZero();

      h.processWatermark(minuteEnd.toEpochMilli() - 2);
      assertThat(remembered(h)).hasSize(2);
      h.processWatermark(minuteEnd.toEpochMilli() - 1);
      assertThat(remembered(h)).isEmpty();

      // After its minute closed a copy is late: passed on unmarked (dead-lettered downstream), nothing kept.
      h.getOutput().clear();
      h.processElement(new StreamRecord<>(in.good(survey("a", t)), t.toEpochMilli()));
      assertThat(duplicateFlags(h)).containsExactly(false);
      assertThat(remembered(h)).isEmpty();
    }
  }

  /** A restored operator forgets the ids of a minute when the watermark closes it, though no response of that minute came after the restore. */
  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void forgetsRestoredIdsWhenTheirMinuteCloses(String backend) throws Exception {
    Instant t = T0.plusSeconds(15);
    OperatorSubtaskState checkpoint;
    try (var h = harness(backend, 128, 1, 0)) {
      h.open();
      for (String id : List.of("a", "b", "c")) {
        h.processElement(new StreamRecord<>(in.good(survey(id, t)), t.toEpochMilli()));
      }
      checkpoint = h.snapshot(1, 0);
    }
    try (var h = harness(backend, 128, 1, 0)) {
      h.initializeState(checkpoint);
      h.open();
      assertThat(remembered(h)).containsExactlyInAnyOrder("a", "b", "c");
      h.processWatermark(T0.plusSeconds(60).toEpochMilli() - 1);
      assertThat(remembered(h)).isEmpty();
    }
  }

  /**
   * Many responses over three minutes, with copies of the minute before that are late once it
   * closed, and a checkpoint restored in the middle of each minute: the ids the restored operator
   * remembers and forgets are those of a plain set per open minute.
   */
  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void marksExactlyTheCopiesOfOpenMinutesAcrossRestores(String backend) throws Exception {
    Random random = new Random(7);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      ids.add("r-" + Integer.toHexString(random.nextInt()));
    }
    List<Boolean> expected = new ArrayList<>();
    List<Boolean> flags = new ArrayList<>();
    List<Set<String>> seenPerMinute = List.of(new HashSet<>(), new HashSet<>(), new HashSet<>());
    long watermark = Long.MIN_VALUE;
    OperatorSubtaskState checkpoint = null;
    for (int minute = 0; minute < 3; minute++) {
      for (int half = 0; half < 2; half++) {
        try (var h = harness(backend, 128, 1, 0)) {
          if (checkpoint != null) {
            h.initializeState(checkpoint);
          }
          h.open();
          if (watermark != Long.MIN_VALUE) {
            h.processWatermark(watermark); // as the sources re-emit it after a restore
          }
          for (int i = 0; i < 1000; i++) {
            // ids of this minute, and now and then a copy of one from the minute before
            int m = i % 10 == 0 && minute > 0 ? minute - 1 : minute;
            String id = ids.get(random.nextInt(1000) + 1000 * m);
            Instant at = T0.plusSeconds(60L * m + random.nextInt(60));
            boolean open = T0.plusSeconds(60L * (m + 1)).toEpochMilli() - 1 > watermark;
            expected.add(open && !seenPerMinute.get(m).add(id));
            h.processElement(new StreamRecord<>(in.good(survey(id, at)), at.toEpochMilli()));
          }
          if (half == 1) {
            watermark = T0.plusSeconds(60L * (minute + 1)).toEpochMilli() - 1;
            h.processWatermark(watermark);
            seenPerMinute.get(minute).clear();
            if (minute > 0) {
              seenPerMinute.get(minute - 1).clear();
            }
          }
          Set<String> remembered = new HashSet<>();
          seenPerMinute.forEach(remembered::addAll);
          assertThat(remembered(h)).containsExactlyInAnyOrderElementsOf(remembered);
          assertThat(h.numEventTimeTimers()).isZero();
          flags.addAll(duplicateFlags(h));
          checkpoint = h.snapshot(minute * 2L + half, 0);
        }
      }
    }
    assertThat(flags).containsExactlyElementsOf(expected);
    assertThat(expected).contains(true);
  }

  /** A savepoint of the per-id flags and timers, restored at parallelism 1 or 2: every remembered id is still a duplicate. */
  @ParameterizedTest
  @ValueSource(strings = {"hashmap/128/1", "hashmap/128/2", "rocksdb/128/1", "rocksdb/128/2", "hashmap/100/3"})
  void carriesOverTheFlagsAndTimersOfEarlierSavepoints(String run) throws Exception {
    String[] parts = run.split("/");
    String backend = parts[0];
    int maxParallelism = Integer.parseInt(parts[1]);
    int parallelism = Integer.parseInt(parts[2]);
    Instant t = T0.plusSeconds(20);
    Instant next = T0.plusSeconds(70);
    OperatorSubtaskState savepoint;
    try (var old = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new IdKeyedSurveyDeduplicator(MINUTE)),
        IdKeyedSurveyDeduplicator.KEY, Types.STRING, maxParallelism, 1, 0)) {
      old.setStateBackend(backend(backend));
      old.open();
      for (int i = 0; i < 400; i++) {
        Instant at = i % 2 == 0 ? t : next;
        old.processElement(new StreamRecord<>(in.good(survey("old-" + i, at)), at.toEpochMilli()));
      }
      old.processWatermark(T0.toEpochMilli());
      assertThat(old.numEventTimeTimers()).isEqualTo(400);
      savepoint = old.snapshot(1, 1);
    }

    int duplicates = 0;
    for (int subtask = 0; subtask < parallelism; subtask++) {
      try (var h = harness(backend, maxParallelism, parallelism, subtask)) {
        h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(savepoint, maxParallelism, 1, parallelism, subtask));
        h.open();
        assertThat(h.numEventTimeTimers()).as("the per-id timers are deleted").isZero();
        assertThat(ids(h, SurveyDeduplicator.LEGACY_STATE)).as("the per-id flags are deleted").isEmpty();
        List<Boolean> expected = new ArrayList<>();
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 400; i++) {
          String id = "old-" + i;
          if (KeyGroupRangeAssignment.assignKeyToParallelOperator(id, maxParallelism, parallelism) == subtask) {
            mine.add(id);
            expected.add(true);
            Instant at = i % 2 == 0 ? t : next;
            h.processElement(new StreamRecord<>(in.good(survey(id, at)), at.toEpochMilli()));
          }
        }
        assertThat(remembered(h)).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(duplicateFlags(h)).containsExactlyElementsOf(expected);
        duplicates += expected.size();

        // The carried-over ids are forgotten when their own minute closes: the first minute's at its end, the second's a minute later.
        h.processWatermark(T0.plusSeconds(60).toEpochMilli() - 1);
        assertThat(remembered(h)).allMatch(id -> Integer.parseInt(id.substring(4)) % 2 == 1);
        h.processWatermark(T0.plusSeconds(120).toEpochMilli() - 1);
        assertThat(remembered(h)).isEmpty();
      }
    }
    assertThat(duplicates).isEqualTo(400);
  }

  /** The keys holding a keyed state, on either backend. */
  private static List<String> ids(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, String state) throws Exception {
    KeyedStateBackend<String> backend = ((AbstractStreamOperator<?>) h.getOneInputOperator()).getKeyedStateBackend();
    List<String> keys = new ArrayList<>();
    try (var all = backend.getKeysAndNamespaces(state)) {
      all.forEach(e -> keys.add(e.f0));
    }
    return keys;
  }

  /** The ids the deduplicator remembers, over all its maps, on either backend. */
  private static List<String> remembered(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h) throws Exception {
    KeyedStateBackend<String> backend = ((AbstractStreamOperator<?>) h.getOneInputOperator()).getKeyedStateBackend();
    Set<Tuple2<String, Long>> maps = new HashSet<>(); // RocksDB lists a map once per entry
    try (var all = backend.<Long>getKeysAndNamespaces(SurveyDeduplicator.STATE)) {
      all.forEach(e -> maps.add(Tuple2.of(e.f0, e.f1)));
    }
    List<String> ids = new ArrayList<>();
    MapStateDescriptor<String, Boolean> descriptor = new MapStateDescriptor<>(SurveyDeduplicator.STATE, Types.STRING, Types.BOOLEAN);
    for (Tuple2<String, Long> map : maps) {
      backend.setCurrentKey(map.f0);
      backend.getPartitionedState(map.f1, LongSerializer.INSTANCE, descriptor).keys().forEach(ids::add);
    }
    return ids;
  }

  @Test
  void keepsTheIdsOfAKeyGroupUnderOneKeyOfThatGroupWhateverTheSubtask() {
    String[] all = SurveyDeduplicator.groupKeys(128, new KeyGroupRange(0, 127));
    String[] first = SurveyDeduplicator.groupKeys(128, new KeyGroupRange(0, 63));
    String[] second = SurveyDeduplicator.groupKeys(128, new KeyGroupRange(64, 127));
    for (int g = 0; g < 128; g++) {
      assertThat(KeyGroupRangeAssignment.assignToKeyGroup(all[g], 128)).isEqualTo(g);
      assertThat(all[g]).isEqualTo(g < 64 ? first[g] : second[g - 64]);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Boolean> duplicateFlags(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h) {
    return h.getOutput().stream().filter(o -> o instanceof StreamRecord)
        .map(o -> ((StreamRecord<Decoded<SurveyResponse>>) o).getValue().duplicate).toList();
  }
}
