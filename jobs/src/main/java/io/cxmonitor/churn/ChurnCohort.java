package io.cxmonitor.churn;

import java.util.ArrayList;
import java.util.List;

/**
 * Who a cancellation counts for in the churn rate and revenue churn: the cohort of a window is the
 * customers whose subscription was active at the window's start instant, each in the groups
 * (region, product, plan) and with the MRR they had then; a cancellation in the window counts if
 * its customer belongs to that cohort, in those groups and with that MRR. So the numerator is
 * part of the denominator (the active gauge at the window start) by construction.
 *
 * <p>The rolling windows count every cancellation in the groups and with the MRR it had when it
 * happened. This class works out, when a customer cancels, how the cohort differs from that for
 * each window that contains the cancellation — only when the subscription began or the customer
 * moved (plan, region, product, MRR) within the window length before it — as gauge corrections:
 * deltas that take effect at a bucket and hold until a later delta undoes them, all within the
 * window length after the cancellation. Plain math, no Flink.
 */
public final class ChurnCohort {
  private ChurnCohort() {}

  /** A stretch of one subscription in which its groups and MRR stayed the same, from {@code from} (ms) on. */
  public record Version(long from, String region, String product, String plan, long mrr) {}

  /**
   * From bucket {@code bucket} on, window {@code window} (an index into the window lengths) counts
   * {@code count} more churned customers and {@code mrr} more churned MRR in {@code group}'s groups.
   */
  public record Correction(int window, long bucket, Version group, long count, long mrr) {}

  /**
   * @param cancelledAt the cancellation's event time (ms)
   * @param versions the subscription's versions, oldest first; the first one's {@code from} is when
   *     it began ({@link Long#MIN_VALUE}: before anything this job knows), the last one is the one
   *     cancelled. Versions that ended more than the longest window before the cancellation may be
   *     left out as long as the first one's start is kept.
   * @param bucketMillis bucket length
   * @param windowBuckets each window's length in buckets
   */
  public static List<Correction> corrections(long cancelledAt, List<Version> versions, long bucketMillis,
      int[] windowBuckets) {
    List<Correction> out = new ArrayList<>();
    Version cancelled = versions.get(versions.size() - 1);
    if (cancelled.from() == Long.MIN_VALUE) {
      return out; // never changed since before every window: the cohort is what the windows count
    }
    long c = Math.floorDiv(cancelledAt, bucketMillis);
    long lastChange = Math.floorDiv(cancelled.from(), bucketMillis);
    for (int w = 0; w < windowBuckets.length; w++) {
      int length = windowBuckets[w];
      // The windows holding the cancellation end at buckets c .. c+length-1. Once a window starts
      // after the last change, the cohort counts the cancellation as the window already does.
      long last = Math.min(c + length - 1, lastChange + length - 1);
      if (last < c) {
        continue;
      }
      out.add(new Correction(w, c, cancelled, -1, -cancelled.mrr()));
      out.add(new Correction(w, last + 1, cancelled, 1, cancelled.mrr()));
      Version run = null;
      for (long m = c; m <= last; m++) {
        Version v = inForceAt(versions, (m - length + 1) * bucketMillis);
        if (v != run) {
          if (run != null) {
            out.add(new Correction(w, m, run, -1, -run.mrr()));
          }
          if (v != null) {
            out.add(new Correction(w, m, v, 1, v.mrr()));
          }
          run = v;
        }
      }
      if (run != null) {
        out.add(new Correction(w, last + 1, run, -1, -run.mrr()));
      }
    }
    return out;
  }

  /** The version in force at instant {@code t} (after every change before {@code t}); null before the subscription began. */
  static Version inForceAt(List<Version> versions, long t) {
    Version in = null;
    for (Version v : versions) {
      if (v.from() < t) {
        in = v;
      }
    }
    return in;
  }
}
