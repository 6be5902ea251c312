package io.cxmonitor.surveys;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.inputs.TestInputs;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.testing.DecodedRecords;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The deduplicator's state: kept from an id's first copy until the watermark closes its minute, then cleared. */
class SurveyDeduplicatorTest {
  private static final long MINUTE = 60_000L;
  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private final DecodedRecords<SurveyResponse> in = TestInputs.surveys("surveys");

  private static SurveyResponse survey(String id, Instant at) {
    return SurveyResponse.newBuilder().setResponseId(id).setCustomerId("c").setEventTime(at).setChannel(Channel.SMS).setNps(5).build();
  }

  @Test
  void remembersAnIdUntilItsMinuteClosesThenForgetsIt() throws Exception {
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SurveyDeduplicator(MINUTE)),
        SurveyDeduplicator.KEY, Types.STRING)) {
      h.open();
      Instant t = T0.plusSeconds(15);
      Instant minuteEnd = T0.plusSeconds(60);
      h.processElement(new StreamRecord<>(in.good(survey("a", t)), t.toEpochMilli()));
      h.processElement(new StreamRecord<>(in.good(survey("a", t)), t.toEpochMilli()));
      h.processElement(new StreamRecord<>(in.good(survey("b", t)), t.toEpochMilli()));
      SurveyResponse outOfRange = SurveyResponse.newBuilder(survey("a", t)).setNps(11).build();
      h.processElement(new StreamRecord<>(in.invalid(outOfRange), t.toEpochMilli()));
      assertThat(duplicateFlags(h)).containsExactly(false, true, false, false);
      assertThat(h.numKeyedStateEntries()).isEqualTo(2);
      assertThat(h.numEventTimeTimers()).isEqualTo(2);

      h.processWatermark(minuteEnd.toEpochMilli() - 2);
      assertThat(h.numKeyedStateEntries()).isEqualTo(2);
      h.processWatermark(minuteEnd.toEpochMilli() - 1);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();

      // After its minute closed a copy is late: passed on unmarked (dead-lettered downstream), nothing kept.
      h.getOutput().clear();
      h.processElement(new StreamRecord<>(in.good(survey("a", t)), t.toEpochMilli()));
      assertThat(duplicateFlags(h)).containsExactly(false);
      assertThat(h.numKeyedStateEntries()).isZero();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Boolean> duplicateFlags(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h) {
    return h.getOutput().stream().filter(o -> o instanceof StreamRecord)
        .map(o -> ((StreamRecord<Decoded<SurveyResponse>>) o).getValue().duplicate).toList();
  }
}
