package io.cxmonitor.metrics;

import io.cxmonitor.platform.stats.DurationValues;
import io.cxmonitor.platform.stats.LiveDurations;
import io.cxmonitor.platform.windows.Rollable;

import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.CloseReason;
import org.HdrHistogram.Histogram;

/**
 * Exact service aggregates of one group over some minutes: event counts, first-response,
 * resolution and queue time histograms, repeat-contact channel pairs and the backlog change. Adds and
 * subtracts exactly (rolling windows). A Flink POJO: histograms live in {@code *Encoded} fields;
 * call {@link #seal()} (or {@link #prepareForStorage()}) before the object is stored or shipped.
 */
public final class ServiceCounts implements Rollable<ServiceCounts> {
  public static final int CHANNELS = Channel.values().length;
  public static final int CLOSE_REASONS = CloseReason.values().length;

  public long opened;
  /** First release: contacts of a queued channel at OPENED; no longer counted (see {@link #queueEntered}). */
  public long queued;
  /** First release: ABANDONED events at their time; no longer counted (see {@link #queueAbandoned}). */
  public long abandoned;
  public long resolved;
  public long selfService;
  public long reopened;
  public long fcrFinal;
  public long fcrYes;
  public long frtBreaches;
  public long ttrBreaches;
  public long contacts;
  public long repeats;
  public long repeatsSwitched;
  /** Net change of open tickets (not windowed: the rolling operator keeps the running gauge). */
  public long backlogDelta;
  /** repeat contacts from channel i to channel j at [i * CHANNELS + j]; null when none. */
  public long[] repeatPairs;
  public byte[] frtEncoded;
  public byte[] ttrEncoded;

  // --- Added in the queue/close release (restored older state has 0 / null here: nothing counted).
  // Queue KPIs are counted in the bucket of the queue entry (their cohort). ---
  /** Contacts that entered the queue. */
  public long queueEntered;
  /** Contacts of the cohort that left the queue (answered, abandoned or ended otherwise): n of abandonment and service level. */
  public long queueLeft;
  public long queueAnswered;
  public long queueAnsweredInServiceLevel;
  public long queueAbandoned;
  /** Queue time (entry → answer or abandon). */
  public byte[] queueEncoded;
  /** Tickets ended without resolution by a CLOSED event, and by the maximum ticket age. */
  public long closed;
  public long closedStale;
  /** Resolved tickets whose outcome became final (reopen window passed): n of the reopen rate; and those reopened. */
  public long resolvedFinal;
  public long reopenedFinal;

  // --- Added in the repeats release (restored older state has 0 / null here). ---
  /** New contacts of anonymous callers: not in {@link #contacts}, counted apart. */
  public long anonymousContacts;
  /** Forward repeat, provisional, in the bucket of the first contact: followed so far, and passed unfollowed. */
  public long fwdFollowed;
  public long fwdExpired;
  /** Forward repeat, final: outcomes that became final in this bucket (contact + window), and those followed. */
  public long fwdFinal;
  public long fwdFinalFollowed;
  /** Provisional FCR at the first resolution by an agent: n, and those still first-contact resolutions then. */
  public long fcrProvisional;
  public long fcrProvisionalYes;
  /** Tickets closed by a CLOSED event per {@code CloseReason} ordinal (no reason = OTHER); null when none. */
  public long[] closedByReason;

  // --- Added in the performance release (restored older state has 0 here). ---
  /**
   * Per histogram: the sum of its recorded durations' median-equivalent values — what HdrHistogram's
   * {@link Histogram#getMean()} adds up, value by value, on every read — and how many recorded values
   * that sum covers. While it covers them all (values restored from an older release do not), the
   * mean is read from it without walking the histogram, and is the same number.
   */
  public long frtMedianSum;
  public long frtMedianSumN;
  public long ttrMedianSum;
  public long ttrMedianSumN;
  public long queueMedianSum;
  public long queueMedianSumN;

  /** The live side of each duration kind: its histogram, or its values while it has none (see {@link LiveDurations}). */
  private final transient LiveDurations frt = new LiveDurations();
  private final transient LiveDurations ttr = new LiveDurations();
  private final transient LiveDurations queueTime = new LiveDurations();

  public ServiceCounts() {}

  public static ServiceCounts copyOf(ServiceCounts other) {
    ServiceCounts c = new ServiceCounts();
    c.add(other);
    c.seal();
    return c;
  }

  public Histogram frt() {
    return frt.histogram(frtEncoded);
  }

  public Histogram ttr() {
    return ttr.histogram(ttrEncoded);
  }

  public Histogram queueTime() {
    return queueTime.histogram(queueEncoded);
  }

  /** The first-response histogram when it holds values; null instead of an empty one (none is created). */
  public Histogram frtIfAny() {
    return frt.ifAny(frtEncoded);
  }

  public Histogram ttrIfAny() {
    return ttr.ifAny(ttrEncoded);
  }

  public Histogram queueTimeIfAny() {
    return queueTime.ifAny(queueEncoded);
  }

  /** The first response times recorded so far when they are not in a histogram (yet); else null. Not to be changed. */
  public DurationValues frtValues() {
    return frt.values();
  }

  public DurationValues ttrValues() {
    return ttr.values();
  }

  public DurationValues queueTimeValues() {
    return queueTime.values();
  }

  /** Replaces the histograms by these live ones (e.g. read from the wire); null: none. */
  public void setHistograms(Histogram frt, Histogram ttr, Histogram queueTime) {
    this.frt.set(frt, null);
    this.ttr.set(ttr, null);
    this.queueTime.set(queueTime, null);
    frtEncoded = null;
    ttrEncoded = null;
    queueEncoded = null;
  }

  /** Sets the durations of each kind given as values (read from the wire), in place of its histogram. */
  public void setValues(DurationValues frt, DurationValues ttr, DurationValues queueTime) {
    if (frt != null) {
      this.frt.set(null, frt);
      frtEncoded = null;
    }
    if (ttr != null) {
      this.ttr.set(null, ttr);
      ttrEncoded = null;
    }
    if (queueTime != null) {
      this.queueTime.set(null, queueTime);
      queueEncoded = null;
    }
  }

  /** Records a first response time (ms, at least 0). */
  public void recordFrt(long ms) {
    frtMedianSum += frt.record(frtEncoded, ms);
    frtMedianSumN++;
  }

  /** Records a time to resolution (ms, at least 0). */
  public void recordTtr(long ms) {
    ttrMedianSum += ttr.record(ttrEncoded, ms);
    ttrMedianSumN++;
  }

  /** Records a queue time (ms, at least 0). */
  public void recordQueueTime(long ms) {
    queueMedianSum += queueTime.record(queueEncoded, ms);
    queueMedianSumN++;
  }

  /** Mean first response time (ms), as {@link Histogram#getMean()} computes it; 0 when none. */
  public double frtMean() {
    return mean(frt(), frtMedianSum, frtMedianSumN);
  }

  public double ttrMean() {
    return mean(ttr(), ttrMedianSum, ttrMedianSumN);
  }

  public double queueTimeMean() {
    return mean(queueTime(), queueMedianSum, queueMedianSumN);
  }

  private static double mean(Histogram h, long medianSum, long medianSumN) {
    long n = h.getTotalCount();
    if (n == 0) {
      return 0.0;
    }
    // The histogram sums (double) median × count per bucket: the same integer while below 2^53.
    return medianSumN == n && medianSum < (1L << 53) ? (double) medianSum / n : h.getMean();
  }

  /** Writes the live histograms (and durations kept as values) into the serialised fields. */
  public ServiceCounts seal() {
    frtEncoded = frt.seal(frtEncoded);
    ttrEncoded = ttr.seal(ttrEncoded);
    queueEncoded = queueTime.seal(queueEncoded);
    return this;
  }

  @Override
  public void add(ServiceCounts o) {
    combine(o, 1);
  }

  @Override
  public void subtract(ServiceCounts o) {
    combine(o, -1);
  }

  private void combine(ServiceCounts o, int sign) {
    opened += sign * o.opened;
    queued += sign * o.queued;
    abandoned += sign * o.abandoned;
    resolved += sign * o.resolved;
    selfService += sign * o.selfService;
    reopened += sign * o.reopened;
    fcrFinal += sign * o.fcrFinal;
    fcrYes += sign * o.fcrYes;
    frtBreaches += sign * o.frtBreaches;
    ttrBreaches += sign * o.ttrBreaches;
    contacts += sign * o.contacts;
    repeats += sign * o.repeats;
    repeatsSwitched += sign * o.repeatsSwitched;
    backlogDelta += sign * o.backlogDelta;
    queueEntered += sign * o.queueEntered;
    queueLeft += sign * o.queueLeft;
    queueAnswered += sign * o.queueAnswered;
    queueAnsweredInServiceLevel += sign * o.queueAnsweredInServiceLevel;
    queueAbandoned += sign * o.queueAbandoned;
    closed += sign * o.closed;
    closedStale += sign * o.closedStale;
    resolvedFinal += sign * o.resolvedFinal;
    reopenedFinal += sign * o.reopenedFinal;
    anonymousContacts += sign * o.anonymousContacts;
    fwdFollowed += sign * o.fwdFollowed;
    fwdExpired += sign * o.fwdExpired;
    fwdFinal += sign * o.fwdFinal;
    fwdFinalFollowed += sign * o.fwdFinalFollowed;
    fcrProvisional += sign * o.fcrProvisional;
    fcrProvisionalYes += sign * o.fcrProvisionalYes;
    frtMedianSum += sign * o.frtMedianSum;
    frtMedianSumN += sign * o.frtMedianSumN;
    ttrMedianSum += sign * o.ttrMedianSum;
    ttrMedianSumN += sign * o.ttrMedianSumN;
    queueMedianSum += sign * o.queueMedianSum;
    queueMedianSumN += sign * o.queueMedianSumN;
    if (o.closedByReason != null) {
      if (closedByReason == null) {
        closedByReason = new long[CLOSE_REASONS];
      }
      for (int i = 0; i < Math.min(closedByReason.length, o.closedByReason.length); i++) {
        closedByReason[i] += sign * o.closedByReason[i];
      }
    }
    if (o.repeatPairs != null) {
      if (repeatPairs == null) {
        repeatPairs = new long[CHANNELS * CHANNELS];
      }
      for (int i = 0; i < repeatPairs.length; i++) {
        repeatPairs[i] += sign * o.repeatPairs[i];
      }
    }
    frt.combine(frtEncoded, o.frt, o.frtEncoded, sign);
    ttr.combine(ttrEncoded, o.ttr, o.ttrEncoded, sign);
    queueTime.combine(queueEncoded, o.queueTime, o.queueEncoded, sign);
  }

  @Override
  public void prepareForStorage() {
    seal();
  }

  /** True when nothing in the window: counters zero and histograms empty (the backlog delta is not windowed). */
  @Override
  public boolean isEmpty() {
    return opened == 0 && queued == 0 && abandoned == 0 && resolved == 0 && reopened == 0 && fcrFinal == 0
        && frtBreaches == 0 && ttrBreaches == 0 && contacts == 0 && repeats == 0
        && queueEntered == 0 && queueLeft == 0 && closed == 0 && closedStale == 0 && resolvedFinal == 0
        && anonymousContacts == 0 && fwdFollowed == 0 && fwdExpired == 0 && fwdFinal == 0 && fcrProvisional == 0
        && frt.values() == null && ttr.values() == null && queueTime.values() == null
        && frtIfAny() == null && ttrIfAny() == null && queueTimeIfAny() == null;
  }
}
