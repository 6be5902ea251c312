package io.cxmonitor.metrics;

import io.cxmonitor.platform.windows.Rollable;

import java.util.Arrays;

/**
 * Exact answer histograms of one group of survey responses: how many answered each point of the
 * NPS (0–10), CSAT (1–5) and CES (1–7) scales. Histograms merge and subtract exactly, so rolling
 * windows are maintained by adding the minute that enters and subtracting the one that leaves.
 *
 * <p>A mutable Flink POJO (public no-arg constructor, public fields) on purpose: it is the
 * partial aggregate shipped between operators and kept in state.
 */
public final class SurveyCounts implements Rollable<SurveyCounts> {
  public static final int NPS_POINTS = 11;
  public static final int CSAT_POINTS = 5;
  public static final int CES_POINTS = 7;

  /** nps[k] = responses with NPS k (0..10). */
  public long[] nps = new long[NPS_POINTS];
  /** csat[k-1] = responses with CSAT k (1..5). */
  public long[] csat = new long[CSAT_POINTS];
  /** ces[k-1] = responses with CES k (1..7). */
  public long[] ces = new long[CES_POINTS];

  public SurveyCounts() {}

  public static SurveyCounts copyOf(SurveyCounts other) {
    SurveyCounts c = new SurveyCounts();
    c.add(other);
    return c;
  }

  /** Adds one response; null scores are simply not answered. Scores must be in range. */
  public void addResponse(Integer npsScore, Integer csatScore, Integer cesScore) {
    if (npsScore != null) {
      nps[npsScore]++;
    }
    if (csatScore != null) {
      csat[csatScore - 1]++;
    }
    if (cesScore != null) {
      ces[cesScore - 1]++;
    }
  }

  @Override
  public void add(SurveyCounts other) {
    addScaled(other, 1);
  }

  @Override
  public void subtract(SurveyCounts other) {
    addScaled(other, -1);
  }

  private void addScaled(SurveyCounts other, int sign) {
    for (int i = 0; i < NPS_POINTS; i++) {
      nps[i] += sign * other.nps[i];
    }
    for (int i = 0; i < CSAT_POINTS; i++) {
      csat[i] += sign * other.csat[i];
    }
    for (int i = 0; i < CES_POINTS; i++) {
      ces[i] += sign * other.ces[i];
    }
  }

  public long npsN() {
    return sum(nps);
  }

  public long csatN() {
    return sum(csat);
  }

  public long cesN() {
    return sum(ces);
  }

  @Override
  public boolean isEmpty() {
    return npsN() == 0 && csatN() == 0 && cesN() == 0;
  }

  private static long sum(long[] a) {
    long s = 0;
    for (long v : a) {
      s += v;
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SurveyCounts c
        && Arrays.equals(nps, c.nps) && Arrays.equals(csat, c.csat) && Arrays.equals(ces, c.ces);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(nps) + Arrays.hashCode(csat)) + Arrays.hashCode(ces);
  }

  @Override
  public String toString() {
    return "SurveyCounts{nps=" + Arrays.toString(nps) + ", csat=" + Arrays.toString(csat)
        + ", ces=" + Arrays.toString(ces) + '}';
  }
}
