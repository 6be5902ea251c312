package io.cxmonitor.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.churn.ChurnCohort.Correction;
import io.cxmonitor.churn.ChurnCohort.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Where a cancellation counts in each window's cohort, for subscriptions that begin, move and end
 * across bucket and window boundaries. Expected groups are read off the story by hand: the
 * cohort of the window ending with minute m starts at minute m − length + 1 and holds the
 * customer as they were at that instant.
 */
class ChurnCohortTest {
  private static final long MIN = 60_000;
  private static final int[] WINDOWS = {1, 60, 1440};
  private static final int BUCKET = 0;
  private static final int HOUR = 1;
  private static final int DAY = 2;

  private static final Instant SUBSCRIBED = Instant.parse("2026-03-02T07:30:00Z");
  private static final Instant MOVED_SOUTH = Instant.parse("2026-03-02T08:10:00Z");
  private static final Instant UPGRADED = Instant.parse("2026-03-02T08:20:30Z");
  private static final Instant CANCELLED = Instant.parse("2026-03-02T08:40:15Z");

  private static final Version NORTH_BASIC = new Version(SUBSCRIBED.toEpochMilli(), "north", "fiber", "basic", 1_000);
  private static final Version SOUTH_BASIC = new Version(MOVED_SOUTH.toEpochMilli(), "south", "fiber", "basic", 1_000);
  private static final Version SOUTH_PRO = new Version(UPGRADED.toEpochMilli(), "south", "fiber", "pro", 3_000);

  /** Minute index of an instant. */
  private static long minute(Instant t) {
    return t.toEpochMilli() / MIN;
  }

  private static long minute(String t) {
    return minute(Instant.parse(t));
  }

  /**
   * What the window ending with minute m counts for the cancellation, group → {customers, MRR}:
   * the window's own count (the cancellation in its last version's groups while it is in the
   * window) plus every correction due by m.
   */
  private static Map<String, List<Long>> counted(List<Correction> corrections, Version cancelled, long cancelMinute, int window,
      long m) {
    Map<String, long[]> by = new TreeMap<>();
    if (m >= cancelMinute && m < cancelMinute + WINDOWS[window]) {
      long[] v = by.computeIfAbsent(key(cancelled), k -> new long[2]);
      v[0] += 1;
      v[1] += cancelled.mrr();
    }
    for (Correction c : corrections) {
      if (c.window() == window && c.bucket() <= m) {
        long[] v = by.computeIfAbsent(key(c.group()), k -> new long[2]);
        v[0] += c.count();
        v[1] += c.mrr();
      }
    }
    Map<String, List<Long>> out = new TreeMap<>();
    by.forEach((k, v) -> {
      if (v[0] != 0 || v[1] != 0) {
        out.put(k, List.of(v[0], v[1]));
      }
    });
    return out;
  }

  private static String key(Version v) {
    return v.region() + "/" + v.plan();
  }

  private static Map<String, List<Long>> one(String group, long mrr) {
    return Map.of(group, List.of(1L, mrr));
  }

  @Test
  void aMovedAndUpgradedSubscriberCountsWhereAndWithWhatTheyHadAtEachWindowStart() {
    List<Version> versions = List.of(NORTH_BASIC, SOUTH_BASIC, SOUTH_PRO);
    List<Correction> k = ChurnCohort.corrections(CANCELLED.toEpochMilli(), versions, MIN, WINDOWS);
    long c = minute(CANCELLED);

    // the minute 08:40 starts after every change: south/pro with 3,000, as the window counts it
    assertThat(counted(k, SOUTH_PRO, c, BUCKET, c)).isEqualTo(one("south/pro", 3_000));

    // hours ending 08:40 … 09:39 start 07:41 … 08:40
    for (long m = c; m < c + 60; m++) {
      long start = m - 59;
      Map<String, List<Long>> expected = start <= minute("2026-03-02T08:10:00Z") ? one("north/basic", 1_000) // moved at 08:10:00, not before
          : start <= minute("2026-03-02T08:20:00Z") ? one("south/basic", 1_000) // upgraded at 08:20:30
          : one("south/pro", 3_000);
      assertThat(counted(k, SOUTH_PRO, c, HOUR, m)).as("hour ending with minute %d", m).isEqualTo(expected);
    }
    assertThat(counted(k, SOUTH_PRO, c, HOUR, c + 60)).as("the cancellation left the hour").isEmpty();

    // days ending 08:40 … next day 08:39 start the day before 08:41 … 08:40; at 07:30:00 itself not yet subscribed
    for (long m = c; m < c + 1440; m++) {
      long start = m - 1439;
      Map<String, List<Long>> expected = start <= minute(SUBSCRIBED) ? Map.of()
          : start <= minute("2026-03-02T08:10:00Z") ? one("north/basic", 1_000)
          : start <= minute("2026-03-02T08:20:00Z") ? one("south/basic", 1_000)
          : one("south/pro", 3_000);
      assertThat(counted(k, SOUTH_PRO, c, DAY, m)).as("day ending with minute %d", m).isEqualTo(expected);
    }
    assertThat(counted(k, SOUTH_PRO, c, DAY, c + 1440)).isEmpty();
  }

  @Test
  void aSubscriptionThatBeganInTheWindowIsNotPartOfItsCohort() {
    Instant subscribed = Instant.parse("2026-03-02T08:00:30Z");
    Instant cancelled = Instant.parse("2026-03-02T08:00:50Z");
    Version v = new Version(subscribed.toEpochMilli(), "north", "fiber", "basic", 1_000);
    List<Correction> k = ChurnCohort.corrections(cancelled.toEpochMilli(), List.of(v), MIN, WINDOWS);
    long c = minute(cancelled);
    for (int w = 0; w < WINDOWS.length; w++) {
      for (long m = c - 1; m <= c + WINDOWS[w]; m++) {
        assertThat(counted(k, v, c, w, m)).as("window %d ending with minute %d", w, m).isEmpty();
      }
    }
  }

  @Test
  void aSubscriptionFromTheMinuteBeforeCountsFromTheNextMinutesWindowsOn() {
    // subscribed 08:59:59, cancelled 09:00:00: the minute 09:00 starts with them active
    Instant subscribed = Instant.parse("2026-03-02T08:59:59Z");
    Instant cancelled = Instant.parse("2026-03-02T09:00:00Z");
    Version v = new Version(subscribed.toEpochMilli(), "north", "fiber", "basic", 1_000);
    List<Correction> k = ChurnCohort.corrections(cancelled.toEpochMilli(), List.of(v), MIN, WINDOWS);
    long c = minute(cancelled);
    assertThat(counted(k, v, c, BUCKET, c)).isEqualTo(one("north/basic", 1_000));
    // an hour ending with minute m starts at m − 59: from the hour ending 09:59 (start 09:00) on
    assertThat(counted(k, v, c, HOUR, minute("2026-03-02T09:58:00Z"))).isEmpty();
    assertThat(counted(k, v, c, HOUR, minute("2026-03-02T09:59:00Z"))).isEqualTo(one("north/basic", 1_000));
  }

  @Test
  void aSubscriptionUnchangedSinceBeforeEveryWindowNeedsNoCorrection() {
    Version always = new Version(Long.MIN_VALUE, "north", "fiber", "basic", 1_000);
    assertThat(ChurnCohort.corrections(CANCELLED.toEpochMilli(), List.of(always), MIN, WINDOWS)).isEmpty();
    Version twoDaysAgo = new Version(CANCELLED.minus(Duration.ofDays(2)).toEpochMilli(), "north", "fiber", "basic", 1_000);
    assertThat(ChurnCohort.corrections(CANCELLED.toEpochMilli(), List.of(twoDaysAgo), MIN, WINDOWS)).isEmpty();
  }
}
