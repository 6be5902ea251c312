package io.cxmonitor.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which offset jumps count as lost input, against a broker whose log start and commits the test sets. */
class InputLossCheckTest {
  private static final String TOPIC = "t";

  /** The broker as the check sees it; static so the serializable factory can reach it. */
  static final Map<Integer, Long> LOG_START = new HashMap<>();
  static final Map<Integer, Long> COMMITTED = new HashMap<>();
  static final AtomicInteger LOOK_UPS = new AtomicInteger();
  static volatile boolean brokerDown;

  private static InputLossCheck check(boolean fromCommitted, boolean bounded) {
    LOG_START.clear();
    COMMITTED.clear();
    LOOK_UPS.set(0);
    brokerDown = false;
    InputLossCheck c = new InputLossCheck("g", fromCommitted, bounded, () -> new InputLossCheck.Offsets() {
      @Override
      public long logStart(TopicPartition tp) {
        LOOK_UPS.incrementAndGet();
        if (brokerDown) {
          throw new IllegalStateException("broker unreachable");
        }
        return LOG_START.getOrDefault(tp.partition(), 0L);
      }

      @Override
      public Long committed(String groupId, TopicPartition tp) {
        LOOK_UPS.incrementAndGet();
        return COMMITTED.get(tp.partition());
      }

      @Override
      public void close() {}
    });
    c.open(null);
    return c;
  }

  private static void read(InputLossCheck c, int partition, long... offsets) throws Exception {
    for (long o : offsets) {
      c.observe(TOPIC, partition, o);
    }
  }

  @Test
  void consecutiveOffsetsNeedNoLookUp() throws Exception {
    InputLossCheck c = check(false, true);
    read(c, 0, 0, 1, 2, 3);
    read(c, 1, 7, 8, 9);
    assertThat(c.lost()).isZero();
    assertThat(LOOK_UPS).hasValue(0);
  }

  @Test
  void gapsOfControlRecordsOrCompactionAreNotLoss() throws Exception {
    InputLossCheck c = check(false, true);
    // commit markers after offsets 2 and 5, an aborted transaction 9..11 (+ marker 12); the log still starts at 0
    read(c, 0, 0, 1, 2, 4, 5, 7, 8, 13);
    LOG_START.put(0, 10L); // retention moved the log start, but only over offsets already read
    read(c, 0, 20);
    assertThat(c.lost()).isZero();
    assertThat(LOOK_UPS).hasValue(4);
  }

  @Test
  void aJumpPastTheMovedLogStartIsLossAndFailsABoundedRun() throws Exception {
    InputLossCheck c = check(false, true);
    read(c, 0, 0, 1, 2);
    LOG_START.put(0, 100L);
    assertThatThrownBy(() -> c.observe(TOPIC, 0, 100))
        .isInstanceOf(InputLossException.class)
        .hasMessageContaining("DATA LOSS on t-0: offsets 3..99 (up to 97 records) were never read")
        .hasMessageContaining("the log start moved to 100, past the offset this job was to read next (the job had read up to offset 2)")
        .hasMessageContaining("retention.ms")
        .hasMessageContaining("bounded run fails");
    assertThat(c.lost()).isEqualTo(97);
  }

  @Test
  void anUnboundedRunCountsLossAndGoesOn() throws Exception {
    InputLossCheck c = check(false, false);
    read(c, 0, 0, 1);
    LOG_START.put(0, 50L);
    read(c, 0, 60, 61); // reset to latest: 2..59 skipped, 50..59 were still there but unread too
    read(c, 1, 0, 1);
    assertThat(c.lost()).isEqualTo(58);
  }

  @Test
  void aStartFromCommittedChecksTheFirstRecordAgainstTheCommit() throws Exception {
    InputLossCheck c = check(true, false);
    COMMITTED.put(0, 40L);
    LOG_START.put(0, 70L);
    COMMITTED.put(1, 40L); // committed offset points at a commit marker: the first record is 41
    LOG_START.put(1, 0L);
    read(c, 0, 70, 71);
    read(c, 1, 41, 42);
    read(c, 2, 5); // no commit: nothing to compare with
    assertThat(c.lost()).isEqualTo(30);
  }

  @Test
  void aStartFromEarliestDoesNotCompareWithOldCommits() throws Exception {
    InputLossCheck c = check(false, true);
    COMMITTED.put(0, 40L);
    LOG_START.put(0, 70L);
    read(c, 0, 70, 71);
    assertThat(c.lost()).isZero();
  }

  @Test
  void aFailedLookUpIsNotTakenForLoss() throws Exception {
    InputLossCheck c = check(false, true);
    read(c, 0, 0);
    brokerDown = true;
    LOG_START.put(0, 100L);
    read(c, 0, 100);
    assertThat(c.lost()).isZero();
    assertThat(LOOK_UPS).hasValue(1);
  }
}
