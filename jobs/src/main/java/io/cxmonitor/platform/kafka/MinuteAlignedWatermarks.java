package io.cxmonitor.platform.kafka;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks (watermark = max event time − bound − 1) that are emitted
 * periodically <em>and</em> immediately when they cross a minute boundary. The second part makes
 * lateness deterministic: whether an event is late for its minute depends only on the events
 * before it in the partition, not on when the periodic timer happened to fire. Invalid records
 * (no value) do not move the watermark.
 */
public final class MinuteAlignedWatermarks<T> implements WatermarkGenerator<Decoded<T>> {
  private final long boundMillis;
  private final long bucketMillis;
  private long maxTimestamp;
  private long lastEmitted = Long.MIN_VALUE;

  /** @param bucketMillis the windows' time resolution (one minute by default) */
  public MinuteAlignedWatermarks(long boundMillis, long bucketMillis) {
    if (boundMillis < 0) {
      throw new IllegalArgumentException("out-of-orderness bound must be >= 0, got " + boundMillis);
    }
    this.boundMillis = boundMillis;
    this.bucketMillis = bucketMillis;
    this.maxTimestamp = Long.MIN_VALUE + boundMillis + 1;
  }

  @Override
  public void onEvent(Decoded<T> event, long eventTimestamp, WatermarkOutput output) {
    if (!event.ok()) {
      return;
    }
    if (eventTimestamp > maxTimestamp) {
      maxTimestamp = eventTimestamp;
      long candidate = candidate();
      if (lastEmitted == Long.MIN_VALUE || Math.floorDiv(candidate + 1, bucketMillis) > Math.floorDiv(lastEmitted + 1, bucketMillis)) {
        emit(candidate, output);
      }
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    emit(candidate(), output);
  }

  private long candidate() {
    return maxTimestamp - boundMillis - 1;
  }

  private void emit(long watermark, WatermarkOutput output) {
    if (watermark > lastEmitted) {
      lastEmitted = watermark;
      output.emitWatermark(new Watermark(watermark));
    }
  }
}
