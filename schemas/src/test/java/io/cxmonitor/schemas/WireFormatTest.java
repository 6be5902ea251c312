package io.cxmonitor.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  private final WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();

  private static SurveyResponse survey() {
    return SurveyResponse.newBuilder()
        .setResponseId("r1").setCustomerId("c1").setEventTime(Instant.ofEpochMilli(1_000))
        .setChannel(Channel.ZALO_OA).setNps(9).setCsat(5).setComment("fast").build();
  }

  @Test
  void roundTripsWithTheSingleObjectHeader() throws Exception {
    byte[] bytes = codec.encode(survey());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(codec.decode(bytes, null)).isEqualTo(survey());
  }

  @Test
  void plainJsonIsRejectedWithAReason() {
    assertThatThrownBy(() -> codec.decode("{\"nps\": 9}".getBytes(), null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("not Avro single-object encoding");
  }

  @Test
  void anotherRecordTypeIsAnUnknownFingerprint() {
    InteractionEvent other = InteractionEvent.newBuilder()
        .setEventId("e").setTicketId("t").setCustomerId("c").setEventType(InteractionType.OPENED)
        .setEventTime(Instant.EPOCH).setChannel(Channel.PHONE).build();
    byte[] bytes = WireFormat.interactions().encode(other);
    assertThatThrownBy(() -> codec.decode(bytes, null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("unknown schema fingerprint");
  }

  @Test
  void truncatedBodyIsReportedAsCorrupt() {
    byte[] bytes = codec.encode(survey());
    byte[] truncated = Arrays.copyOf(bytes, 14);
    assertThatThrownBy(() -> codec.decode(truncated, null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("corrupt SurveyResponse body");
  }

  @Test
  void nullValueIsReported() {
    assertThatThrownBy(() -> codec.decode(null, null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("null");
  }
}
