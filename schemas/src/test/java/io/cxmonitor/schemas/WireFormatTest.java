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

  /** 10 header bytes, then response_id's length prefix claiming 1.5 GB, then 3 bytes: 18 in all. */
  private byte[] eighteenBytesClaimingAHugeString() {
    byte[] bytes = Arrays.copyOf(codec.encode(survey()), 18);
    long zigzag = 1_500_000_000L << 1;
    int pos = 10;
    while ((zigzag & ~0x7fL) != 0) {
      bytes[pos++] = (byte) ((zigzag & 0x7f) | 0x80);
      zigzag >>>= 7;
    }
    bytes[pos++] = (byte) zigzag;
    assertThat(pos).isEqualTo(15);
    return bytes;
  }

  @Test
  void aLengthPrefixLargerThanTheRecordIsRefusedBeforeAllocating() {
    byte[] poison = eighteenBytesClaimingAHugeString();
    assertThat(poison).hasSize(18);
    assertThatThrownBy(() -> codec.decode(poison, null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessage("corrupt SurveyResponse body: SurveyResponse.response_id claims 1500000000 bytes where only 3 of "
            + "the record's 18 bytes are left: refused before allocating it");
  }

  @Test
  void aHugeLengthInsideAnOptionalFieldIsRefusedToo() throws Exception {
    SurveyResponse s = SurveyResponse.newBuilder(survey()).setComment("x").build();
    byte[] bytes = codec.encode(s);
    // the comment is last: union branch 1, length 1 (zig-zag 2), 'x'; claim 2^40 bytes instead
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 3, bytes.length)).containsExactly(2, 2, 'x');
    byte[] poison = Arrays.copyOf(bytes, bytes.length - 2 + 6);
    long zigzag = (1L << 40) << 1;
    for (int i = bytes.length - 2; i < poison.length; i++) {
      poison[i] = (byte) ((zigzag & 0x7f) | (i < poison.length - 1 ? 0x80 : 0));
      zigzag >>>= 7;
    }
    assertThatThrownBy(() -> codec.decode(poison, null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("SurveyResponse.comment claims 1099511627776 bytes");
  }

  @Test
  void recordsWhoseLengthsFitStillDecode() throws Exception {
    SurveyResponse big = SurveyResponse.newBuilder(survey()).setComment("é".repeat(100_000)).build();
    assertThat(codec.decode(codec.encode(big), null)).isEqualTo(big);
  }
}
