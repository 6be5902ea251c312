package io.cxmonitor.surveys;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.pipeline.WatermarkOperator;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Instant;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Chained to the source, before the shuffle to the {@link SurveyDeduplicator}: marks a response
 * whose minute its source subtask's watermark (checkpointed) has already closed as failed, of kind
 * {@code LATE}; the {@link SurveyPreAggregator} counts and dead-letters it. Decided here, the
 * lateness of a response depends only on the records before it in its subtask's input, not on
 * how far the other subtasks have read; and a response not late here is never late after the
 * shuffle (the watermark there is the minimum over the channels, and on this channel only the
 * watermarks before the response precede it).
 */
final class SurveyLatenessCheck extends WatermarkOperator<Decoded<SurveyResponse>, Decoded<SurveyResponse>> {
  private static final long serialVersionUID = 1L;

  SurveyLatenessCheck(long bucketMillis) {
    super(bucketMillis);
  }

  @Override
  public void processElement(StreamRecord<Decoded<SurveyResponse>> element) {
    Decoded<SurveyResponse> d = element.getValue();
    if (d.ok() && late(d.value.getEventTime().toEpochMilli())) {
      d.failureKind = DeadLetter.Kind.LATE;
      d.failureReason = SurveyPreAggregator.lateReason(d.value, watermark);
      d.value = null;
    }
    output.collect(element);
  }
}
