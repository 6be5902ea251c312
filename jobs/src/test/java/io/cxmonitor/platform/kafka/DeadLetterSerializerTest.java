package io.cxmonitor.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {
  private static final int LIMIT = 1_000;

  private static DeadLetter letter(byte[] key, byte[] value, String reason) {
    RawOrigin origin = new RawOrigin();
    origin.topic = "cx.surveys";
    origin.partition = 3;
    origin.offset = 42;
    origin.timestamp = 1_700_000_000_000L;
    origin.rawKey = key;
    origin.rawValue = value;
    return new DeadLetter(DeadLetter.Kind.UNDECODABLE, reason, "surveys", origin);
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int n, int fill) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) fill);
    return b;
  }

  @Test
  void aRecordWithinTheLimitIsCopiedWholeWithoutTheTruncationFlag() {
    byte[] key = bytes(100, 'k');
    byte[] value = bytes(LIMIT - 100, 'v');
    ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq", LIMIT).serialize(letter(key, value, "bad"), null, null);
    assertThat(r.key()).isEqualTo(key);
    assertThat(r.value()).isEqualTo(value);
    assertThat(header(r, DeadLetter.HEADER_TRUNCATED)).isNull();
    assertThat(header(r, DeadLetter.HEADER_REASON)).isEqualTo("bad");
    assertThat(header(r, DeadLetter.HEADER_OFFSET)).isEqualTo("42");
  }

  @Test
  void aLargerValueIsCutToTheLimitAndFlaggedWithTheOriginalSizes() {
    byte[] key = bytes(10, 'k');
    byte[] value = bytes(1_048_400, 'v');
    ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq", LIMIT).serialize(letter(key, value, "bad"), null, null);
    assertThat(r.key()).isEqualTo(key);
    assertThat(r.value()).isEqualTo(Arrays.copyOf(value, LIMIT - 10));
    assertThat(header(r, DeadLetter.HEADER_TRUNCATED)).isEqualTo("true");
    assertThat(header(r, DeadLetter.HEADER_ORIGINAL_VALUE_SIZE)).isEqualTo("1048400");
    assertThat(header(r, DeadLetter.HEADER_ORIGINAL_KEY_SIZE)).isEqualTo("10");
    assertThat(header(r, DeadLetter.HEADER_TOPIC)).isEqualTo("cx.surveys");
  }

  @Test
  void aHugeKeyIsCutToHalfTheLimitAndTheValueGetsTheRest() {
    ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq", LIMIT)
        .serialize(letter(bytes(5_000, 'k'), bytes(5_000, 'v'), "bad"), null, null);
    assertThat(r.key()).hasSize(LIMIT / 2);
    assertThat(r.value()).hasSize(LIMIT / 2);
    assertThat(header(r, DeadLetter.HEADER_ORIGINAL_KEY_SIZE)).isEqualTo("5000");
  }

  @Test
  void aNullValueStaysNull() {
    ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq", LIMIT)
        .serialize(letter(bytes(2_000, 'k'), null, "empty record value (null)"), null, null);
    assertThat(r.value()).isNull();
    assertThat(r.key()).hasSize(LIMIT / 2);
    assertThat(header(r, DeadLetter.HEADER_ORIGINAL_VALUE_SIZE)).isEqualTo("0");
  }

  @Test
  void aReasonQuotingAHugeIdIsShortened() {
    String reason = "nps = 11 is outside 0..10 (response " + "x".repeat(500_000) + ")";
    ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq", LIMIT).serialize(letter(null, bytes(10, 'v'), reason), null, null);
    assertThat(header(r, DeadLetter.HEADER_REASON))
        .startsWith("nps = 11 is outside 0..10 (response xxx")
        .endsWith("... (" + reason.length() + " characters)")
        .hasSizeLessThan(1_100);
  }
}
