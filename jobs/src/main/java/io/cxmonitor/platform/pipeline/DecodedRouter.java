package io.cxmonitor.platform.pipeline;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Chained to a source: passes decoded, valid records on and sends undecodable and invalid ones
 * to the dead-letter side output, counting both (checkpointed, reported as {@code cx_pipeline}).
 */
public final class DecodedRouter<T> extends CountingOperator<Decoded<T>, T> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("router-dead-letters", TypeInformation.of(DeadLetter.class));

  public DecodedRouter(String job, long statsIntervalMillis) {
    super(job, 60_000L, statsIntervalMillis);
  }

  @Override
  public void processElement(StreamRecord<Decoded<T>> element) {
    Decoded<T> d = element.getValue();
    if (d.ok()) {
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
}
