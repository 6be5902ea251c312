package io.cxmonitor.platform.stats;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Durations (ms) in an HdrHistogram with 2 significant digits: every recorded value is kept
 * within 1 % of its true value, so every percentile read back is within 1 % of the exact
 * nearest-rank percentile of the recorded values. Histograms add and subtract exactly, which is
 * what lets rolling windows stay constant-cost. Serialised in HdrHistogram's compressed form,
 * which for a sparse minute is tens of bytes.
 */
public final class Durations {
  /** Significant value digits: relative error of any percentile ≤ 10^-2. */
  public static final int SIGNIFICANT_DIGITS = 2;

  /**
   * A histogram never recorded into: the bucket arithmetic of this precision, which does not depend
   * on a histogram's range, read only.
   */
  private static final Histogram SHAPE = newHistogram();

  private Durations() {}

  /** {@link Histogram#medianEquivalentValue} of {@code value} in a histogram of this precision. */
  public static long medianEquivalent(long value) {
    return SHAPE.medianEquivalentValue(value);
  }

  public static Histogram newHistogram() {
    Histogram h = new Histogram(SIGNIFICANT_DIGITS);
    h.setAutoResize(true);
    return h;
  }

  public static byte[] encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int size = h.encodeIntoCompressedByteBuffer(buffer);
    byte[] out = new byte[size];
    buffer.flip();
    buffer.get(out);
    return out;
  }

  public static Histogram decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return newHistogram();
    }
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
      h.setAutoResize(true);
      return h;
    } catch (DataFormatException e) {
      throw new IllegalStateException("corrupt duration histogram in state", e);
    }
  }
}
