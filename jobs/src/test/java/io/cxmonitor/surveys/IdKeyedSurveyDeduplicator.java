package io.cxmonitor.surveys;

import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.schemas.SurveyResponse;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The deduplicator as it shipped until commit 6a56f07, keyed by response id with a timer per id, kept
 * unchanged so tests can take its savepoints and restore them into today's {@link SurveyDeduplicator}.
 */
final class IdKeyedSurveyDeduplicator extends KeyedProcessFunction<String, Decoded<SurveyResponse>, Decoded<SurveyResponse>> {
  private static final long serialVersionUID = 1L;

  /**
   * Response id for a usable record; the Kafka partition and offset (unique in the job's one input
   * topic, so never a duplicate) otherwise. Not the topic name: the subtask that counts a bad or
   * late record must not depend on what the topic is called (the crash test compares per-subtask
   * counters of runs over copies of the input in differently named topics).
   */
  static final KeySelector<Decoded<SurveyResponse>, String> KEY =
      d -> d.ok() ? d.value.getResponseId() : "\u0000" + d.partition + '/' + d.offset;

  private final long bucketMillis;
  private transient ValueState<Boolean> seen;

  IdKeyedSurveyDeduplicator(long bucketMillis) {
    this.bucketMillis = bucketMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    seen = getRuntimeContext().getState(new ValueStateDescriptor<>("response-seen", Types.BOOLEAN));
  }

  @Override
  public void processElement(Decoded<SurveyResponse> d, Context ctx, Collector<Decoded<SurveyResponse>> out) throws Exception {
    if (d.ok()) {
      long bucketEnd = (Math.floorDiv(d.value.getEventTime().toEpochMilli(), bucketMillis) + 1) * bucketMillis - 1;
      if (bucketEnd > ctx.timerService().currentWatermark()) {
        if (seen.value() != null) {
          d.duplicate = true;
        } else {
          seen.update(Boolean.TRUE);
          ctx.timerService().registerEventTimeTimer(bucketEnd);
        }
      }
    }
    out.collect(d);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decoded<SurveyResponse>> out) {
    seen.clear();
  }
}
