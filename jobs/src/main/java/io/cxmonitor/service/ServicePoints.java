package io.cxmonitor.service;

import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.influx.PointTags;
import io.cxmonitor.platform.influx.SortedTags;

import static io.cxmonitor.platform.influx.InfluxSchema.*;
import static io.cxmonitor.service.ServiceInfluxNames.*;

import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.rules.RepeatContactRule;
import io.cxmonitor.schemas.CloseReason;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/** Maps the service aggregates of one group and window to points. */
public final class ServicePoints {
  private ServicePoints() {}

  public static SortedTags tags(Grouping grouping, String value, String window) {
    return PointTags.of(grouping, value, window, SERVICE_DIMENSION_TAGS);
  }

  /** Which channel pairs of {@code cx_repeat_pairs} a point writes, by index {@code from × channels + to}. */
  @FunctionalInterface
  public interface PairFilter {
    boolean write(int pair);
  }

  /** Every pair, zeros included. */
  public static final PairFilter ALL_PAIRS = pair -> true;

  /**
   * The pairs whose count is not zero now or was not zero in the window's last point, which the
   * window has since changed by gaining {@code added} and losing {@code removed} (each may be
   * null): the last point written of every other pair is a zero that still holds.
   */
  public static PairFilter changedPairs(ServiceCounts now, ServiceCounts added, ServiceCounts removed) {
    long[] current = now.repeatPairs;
    long[] plus = added == null ? null : added.repeatPairs;
    long[] minus = removed == null ? null : removed.repeatPairs;
    return pair -> {
      long n = current == null ? 0 : current[pair];
      long before = n - (plus == null ? 0 : plus[pair]) + (minus == null ? 0 : minus[pair]);
      return n != 0 || before != 0;
    };
  }

  /** The measurements of a window's points, as bits of a mask ({@link #changedBy}). */
  public static final int FRT = 1;
  public static final int TTR = 1 << 1;
  public static final int QUEUE_TIME = 1 << 2;
  public static final int SERVICE = 1 << 3;
  public static final int FORWARD = 1 << 4;
  public static final int PAIRS = 1 << 5;
  public static final int ALL = (1 << 6) - 1;

  /**
   * The measurements whose points change when a window gains {@code gained}: each measurement's
   * fields are read from its own counts only (checked field by field by {@code ServicePointsChangedByTest}).
   */
  public static int changedBy(ServiceCounts gained) {
    int mask = 0;
    if (gained.frtIfAny() != null || gained.frtMedianSum != 0 || gained.frtMedianSumN != 0) {
      mask |= FRT;
    }
    if (gained.ttrIfAny() != null || gained.ttrMedianSum != 0 || gained.ttrMedianSumN != 0) {
      mask |= TTR;
    }
    if (gained.queueTimeIfAny() != null || gained.queueMedianSum != 0 || gained.queueMedianSumN != 0) {
      mask |= QUEUE_TIME;
    }
    if (gained.opened != 0 || gained.resolved != 0 || gained.queueEntered != 0 || gained.queueAbandoned != 0
        || gained.queueAnswered != 0 || gained.queueAnsweredInServiceLevel != 0 || gained.queueLeft != 0
        || gained.closed != 0 || gained.closedStale != 0 || nonZero(gained.closedByReason) || gained.anonymousContacts != 0
        || gained.fcrProvisional != 0 || gained.fcrProvisionalYes != 0 || gained.reopened != 0 || gained.contacts != 0
        || gained.repeats != 0 || gained.repeatsSwitched != 0 || gained.fcrFinal != 0 || gained.fcrYes != 0
        || gained.selfService != 0 || gained.frtBreaches != 0 || gained.ttrBreaches != 0 || gained.resolvedFinal != 0
        || gained.reopenedFinal != 0) {
      mask |= SERVICE;
    }
    if (gained.contacts != 0 || gained.fwdFollowed != 0 || gained.fwdExpired != 0 || gained.fwdFinal != 0
        || gained.fwdFinalFollowed != 0) {
      mask |= FORWARD;
    }
    if (nonZero(gained.repeatPairs)) {
      mask |= PAIRS;
    }
    return mask;
  }

  private static boolean nonZero(long[] counts) {
    if (counts != null) {
      for (long n : counts) {
        if (n != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The pairs whose count {@code gained} changes. */
  public static PairFilter gainedPairs(ServiceCounts gained) {
    long[] plus = gained.repeatPairs;
    return pair -> plus != null && plus[pair] != 0;
  }

  /** Every pair. */
  public static void emit(Grouping grouping, String value, String window, long windowEnd, ServiceCounts c,
      long repeatWindowMs, Consumer<KpiPoint> out) {
    emit(grouping, value, window, windowEnd, c, repeatWindowMs, ALL_PAIRS, out);
  }

  /** With the default repeat window (only where the final forward figure is dated), every pair. */
  public static void emit(Grouping grouping, String value, String window, long windowEnd, ServiceCounts c,
      Consumer<KpiPoint> out) {
    emit(grouping, value, window, windowEnd, c, RepeatContactRule.defaults().windowMs(), ALL_PAIRS, out);
  }

  /**
   * The points of one group and window. {@code repeatWindowMs}: the final forward-repeat figure
   * counted in this window (outcomes that became final in it) belongs to the cohort window that
   * ended this long before, and is written there.
   */
  public static void emit(Grouping grouping, String value, String window, long windowEnd, ServiceCounts c,
      long repeatWindowMs, PairFilter pairs, Consumer<KpiPoint> out) {
    emit(grouping, value, window, windowEnd, c, repeatWindowMs, pairs, ALL, out);
  }

  /** Only the measurements in {@code measurements} (a mask of {@link #FRT} and the others). */
  public static void emit(Grouping grouping, String value, String window, long windowEnd, ServiceCounts c,
      long repeatWindowMs, PairFilter pairs, int measurements, Consumer<KpiPoint> out) {
    if (measurements == 0) {
      return;
    }
    SortedTags tags = tags(grouping, value, window); // shared by the group's points: immutable
    if ((measurements & FRT) != 0) {
      out.accept(new KpiPoint(MEASUREMENT_FRT, tags, durationFields(c.frt(), c.frtMean()), windowEnd));
    }
    if ((measurements & TTR) != 0) {
      out.accept(new KpiPoint(MEASUREMENT_TTR, tags, durationFields(c.ttr(), c.ttrMean()), windowEnd));
    }
    if ((measurements & QUEUE_TIME) != 0) {
      out.accept(new KpiPoint(MEASUREMENT_QUEUE_TIME, tags, durationFields(c.queueTime(), c.queueTimeMean()), windowEnd));
    }
    if ((measurements & SERVICE) != 0) {
      out.accept(new KpiPoint(MEASUREMENT_SERVICE, tags, serviceFields(c), windowEnd));
    }
    if ((measurements & FORWARD) != 0) {
      forwardRepeat(tags, windowEnd, c, repeatWindowMs, out);
    }
    // an empty window has no pair counts; its pairs that were not zero before are written as zero
    if ((measurements & PAIRS) != 0 && grouping == Grouping.OVERALL && (c.repeatPairs != null || pairs != ALL_PAIRS)) {
      Channel[] channels = Channel.values();
      for (Channel from : channels) {
        for (Channel to : channels) {
          int pair = from.ordinal() * channels.length + to.ordinal();
          if (!pairs.write(pair)) {
            continue;
          }
          long n = c.repeatPairs == null ? 0 : c.repeatPairs[pair];
          Map<String, String> pairTags = Map.of(TAG_WINDOW, window, TAG_CHANNEL, Grouping.tagValue(from.name()),
              TAG_TO_CHANNEL, Grouping.tagValue(to.name()));
          out.accept(new KpiPoint(MEASUREMENT_REPEAT_PAIRS, pairTags, Map.of(FIELD_N, n), windowEnd));
        }
      }
    }
  }

  private static Map<String, Object> serviceFields(ServiceCounts c) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(FIELD_OPENED, c.opened);
    f.put(FIELD_RESOLVED, c.resolved);
    f.put(FIELD_QUEUED, c.queueEntered);
    f.put(FIELD_ABANDONED, c.queueAbandoned);
    f.put(FIELD_ANSWERED, c.queueAnswered);
    f.put(FIELD_ANSWERED_IN_SL, c.queueAnsweredInServiceLevel);
    f.put(FIELD_CLOSED, c.closed);
    f.put(FIELD_CLOSED_STALE, c.closedStale);
    for (CloseReason r : CloseReason.values()) {
      f.put(closedField(r), c.closedByReason == null || r.ordinal() >= c.closedByReason.length ? 0L : c.closedByReason[r.ordinal()]);
    }
    f.put(FIELD_ANONYMOUS_CONTACTS, c.anonymousContacts);
    f.put(FIELD_FCR_PROVISIONAL_YES, c.fcrProvisionalYes);
    f.put(FIELD_REOPENED, c.reopened);
    f.put(FIELD_CONTACTS, c.contacts);
    f.put(FIELD_REPEATS, c.repeats);
    f.put(FIELD_REPEATS_SWITCHED, c.repeatsSwitched);
    f.put(FIELD_FCR_YES, c.fcrYes);
    f.put(FIELD_SELF_SERVED, c.selfService);
    f.put(FIELD_SLA_FRT_BREACHES, c.frtBreaches);
    f.put(FIELD_SLA_TTR_BREACHES, c.ttrBreaches);
    PointTags.rate(f, RATE_FCR, c.fcrYes, c.fcrFinal);
    PointTags.rate(f, RATE_FCR_PROVISIONAL, c.fcrProvisionalYes, c.fcrProvisional);
    PointTags.rate(f, RATE_REOPEN, c.reopenedFinal, c.resolvedFinal);
    PointTags.rate(f, RATE_ABANDON, c.queueAbandoned, c.queueLeft);
    PointTags.rate(f, RATE_SERVICE_LEVEL, c.queueAnsweredInServiceLevel, c.queueLeft);
    PointTags.rate(f, RATE_SELF_SERVICE, c.selfService, c.resolved);
    PointTags.rate(f, RATE_REPEAT, c.repeats, c.contacts);
    PointTags.rate(f, RATE_REPEAT_SWITCHED, c.repeatsSwitched, c.repeats);
    return f;
  }

  /** The provisional forward figure of this window's cohort, and the final one of the cohort a repeat window earlier. */
  private static void forwardRepeat(SortedTags tags, long windowEnd, ServiceCounts c, long repeatWindowMs,
      Consumer<KpiPoint> out) {
    SortedTags provisionalTags = tags.with(TAG_STATUS, STATUS_PROVISIONAL);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(FIELD_FOLLOWED, c.fwdFollowed);
    p.put(FIELD_OPEN_CONTACTS, Math.max(0, c.contacts - c.fwdFollowed - c.fwdExpired));
    PointTags.rate(p, RATE_REPEAT_FORWARD, c.fwdFollowed, c.contacts);
    out.accept(new KpiPoint(MEASUREMENT_REPEAT_FORWARD, provisionalTags, p, windowEnd));
    if (c.fwdFinal > 0) {
      SortedTags finalTags = tags.with(TAG_STATUS, STATUS_FINAL);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put(FIELD_FOLLOWED, c.fwdFinalFollowed);
      PointTags.rate(f, RATE_REPEAT_FORWARD, c.fwdFinalFollowed, c.fwdFinal);
      out.accept(new KpiPoint(MEASUREMENT_REPEAT_FORWARD, finalTags, f, windowEnd - repeatWindowMs));
    }
  }

  public static KpiPoint backlog(Grouping grouping, String value, long time, long open) {
    return new KpiPoint(MEASUREMENT_BACKLOG, tags(grouping, value, null), Map.of(FIELD_OPEN, open), time);
  }



  static Map<String, Object> durationFields(Histogram h, double meanMs) {
    Map<String, Object> f = new LinkedHashMap<>();
    long n = h.getTotalCount();
    f.put(FIELD_N, n);
    if (n > 0) {
      f.put(FIELD_MEAN_S, meanMs / 1000.0);
      f.put(FIELD_P50_S, h.getValueAtPercentile(50) / 1000.0);
      f.put(FIELD_P90_S, h.getValueAtPercentile(90) / 1000.0);
      f.put(FIELD_P99_S, h.getValueAtPercentile(99) / 1000.0);
      f.put(FIELD_MAX_S, h.getMaxValue() / 1000.0);
    }
    return f;
  }
}
