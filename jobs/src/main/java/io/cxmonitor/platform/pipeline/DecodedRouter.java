package io.cxmonitor.platform.pipeline;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Chained to a source: passes decoded, valid records on and sends undecodable and invalid ones
 * to the dead-letter side output, counting both (checkpointed, reported as {@code cx_pipeline}).
 *
 * <p>Given an event time ({@link #withLateness}), it also decides lateness, here, before any
 * shuffle, against its own subtask's checkpointed watermark: a record whose bucket that watermark
 * has closed is dead-lettered as {@code LATE} and counted ({@code late_total}); and it forwards
 * only whole buckets of watermark (the end of the last closed bucket). A record it passes on is
 * then never behind the watermark of any operator after the shuffle (that watermark is the
 * minimum over the channels, and on this channel only the watermarks forwarded before the record
 * precede it), and every event-time timer downstream fires at a bucket end, when every record of
 * the buckets before it has arrived: downstream results do not depend on how far other subtasks
 * have read, so not on timing, restarts included.
 */
public final class DecodedRouter<T> extends CountingOperator<Decoded<T>, T> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("router-dead-letters", TypeInformation.of(DeadLetter.class));

  /** The event time of a valid record, in epoch milliseconds. */
  @FunctionalInterface
  public interface EventTime<T> extends Serializable {
    long of(T value);
  }

  /** Null: no lateness decision, watermarks forwarded as they come. */
  private final EventTime<T> eventTime;

  /** Routes without deciding lateness. */
  public DecodedRouter(String job, long statsIntervalMillis) {
    this(job, 60_000L, statsIntervalMillis, null);
  }

  private DecodedRouter(String job, long bucketMillis, long statsIntervalMillis, EventTime<T> eventTime) {
    super(job, bucketMillis, statsIntervalMillis);
    this.eventTime = eventTime;
  }

  /** Routes and also dead-letters late records (see the class comment). */
  public static <T> DecodedRouter<T> withLateness(String job, long bucketMillis, long statsIntervalMillis, EventTime<T> eventTime) {
    return new DecodedRouter<>(job, bucketMillis, statsIntervalMillis, eventTime);
  }

  @Override
  protected boolean lateIsDeadLettered() {
    return eventTime != null;
  }

  @Override
  public void processElement(StreamRecord<Decoded<T>> element) {
    Decoded<T> d = element.getValue();
    if (d.ok()) {
      long t = eventTime == null ? 0 : eventTime.of(d.value);
      if (eventTime != null && late(t)) {
        counters.late++;
        output.collect(DEAD_LETTERS, new StreamRecord<>(d.toDeadLetter(DeadLetter.Kind.LATE,
            "late: event_time " + Instant.ofEpochMilli(t) + " is in a " + Duration.ofMillis(bucketMillis)
                + " bucket already closed by watermark " + Instant.ofEpochMilli(watermark) + " of its source subtask", job)));
        return;
      }
      counters.events++;
      output.collect(element.replace(d.value));
    } else {
      if (d.failureKind == DeadLetter.Kind.UNDECODABLE) {
        counters.undecodable++;
      } else {
        counters.invalid++;
      }
      output.collect(DEAD_LETTERS, new StreamRecord<>(d.toDeadLetter(d.failureKind, d.failureReason, job)));
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    long w = mark.getTimestamp();
    if (eventTime == null || w == Long.MAX_VALUE || w < Long.MIN_VALUE + bucketMillis) {
      super.processWatermark(mark);
    } else {
      // the end of the last bucket this watermark closes (lateness is the same either way)
      super.processWatermark(new Watermark(w - Math.floorMod(w + 1, bucketMillis)));
    }
  }
}
