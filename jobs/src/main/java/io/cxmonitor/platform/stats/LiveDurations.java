package io.cxmonitor.platform.stats;

import org.HdrHistogram.Histogram;

/**
 * One duration kind's live side in an aggregate, beside its stored form (a byte array the aggregate
 * keeps as a field and passes in, {@link Durations#encode}):
 * the histogram once there is one, or the durations recorded while there is none, live or stored
 * (a pre-aggregated partial keeps its few values as they are, see {@link DurationValues}). Never
 * both: the values go into the histogram when it is made.
 */
public final class LiveDurations {
  private Histogram histogram;
  private DurationValues values;

  /** The durations recorded while there is no histogram (not to be changed); null once there is one. */
  public DurationValues values() {
    return values;
  }

  /** The histogram, made (from the values, or decoded from {@code encoded}) if there is none yet. */
  public Histogram histogram(byte[] encoded) {
    if (histogram == null) {
      histogram = values != null ? values.toHistogram() : Durations.decode(encoded);
      values = null;
    }
    return histogram;
  }

  /** The histogram when it holds values; null instead of an empty one (none is made). */
  public Histogram ifAny(byte[] encoded) {
    if (histogram == null && encoded == null && values == null) {
      return null;
    }
    Histogram h = histogram(encoded);
    return h.getTotalCount() == 0 ? null : h;
  }

  /** Replaces the live side: a histogram or values (at most one of them), e.g. read from the wire. */
  public void set(Histogram h, DurationValues v) {
    histogram = h;
    values = v;
  }

  /** Records a duration; returns its median-equivalent value (for the mean's running sum). */
  public long record(byte[] encoded, long ms) {
    long value = Math.max(0, ms);
    if (histogram == null && encoded == null) {
      values = values == null ? new DurationValues() : values;
      values.add(value);
      if (values.size() > DurationValues.MAX_VALUES) {
        histogram(null);
      }
    } else {
      histogram(encoded).recordValue(value);
    }
    return Durations.medianEquivalent(value);
  }

  /** Adds ({@code sign} 1) or subtracts (-1) the other aggregate's durations of this kind. */
  public void combine(byte[] encoded, LiveDurations o, byte[] oEncoded, int sign) {
    if (o.values != null && sign > 0) {
      if (histogram == null && encoded == null) {
        values = values == null ? new DurationValues() : values;
        values.addAll(o.values);
        if (values.size() > DurationValues.MAX_VALUES) {
          histogram(null);
        }
      } else {
        o.values.recordInto(histogram(encoded));
      }
    } else if (o.histogram != null || oEncoded != null || o.values != null) {
      if (sign > 0) {
        histogram(encoded).add(o.histogram(oEncoded));
      } else {
        histogram(encoded).subtract(o.histogram(oEncoded));
      }
    }
  }

  /** The stored form after this kind's live side is written into it (null when it holds nothing). */
  public byte[] seal(byte[] encoded) {
    if (histogram == null && values == null) {
      return encoded;
    }
    Histogram h = histogram(encoded);
    return h.getTotalCount() == 0 ? null : Durations.encode(h);
  }
}
