package io.cxmonitor.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * The schemas CLI's diagnosis, on records encoded by the real codec and on records whose header
 * was built the way a producer in another language gets it wrong.
 */
class MessageCheckTest {
  private static final String SURVEY = "SurveyResponse";
  private final WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();

  private static SurveyResponse survey() {
    return SurveyResponse.newBuilder()
        .setResponseId("r1").setCustomerId("c1").setEventTime(Instant.parse("2026-03-02T07:00:00Z"))
        .setChannel(Channel.ZALO_OA).setNps(9).setComment("nhanh").build();
  }

  @Test
  void theSpecificationLayoutIsAvrosOwnParsingCanonicalForm() {
    assertThat(Fingerprints.shipped()).hasSizeGreaterThanOrEqualTo(WireFormat.currentSchemas().size());
    for (Fingerprints.Shipped s : Fingerprints.shipped()) {
      assertThat(Fingerprints.canonicalForm(s.schema(), Fingerprints.Layout.SPECIFICATION))
          .as(s.label()).isEqualTo(SchemaNormalization.toParsingForm(s.schema()));
      assertThat(s.fingerprint()).isEqualTo(SchemaNormalization.parsingFingerprint64(s.schema()));
    }
    assertThat(Fingerprints.shipped()).filteredOn(Fingerprints.Shipped::current).hasSize(WireFormat.currentSchemas().size());
  }

  @Test
  void aRecordFromTheCodecIsGood() {
    MessageCheck.Verdict v = MessageCheck.check(codec.encode(survey()), SURVEY);
    assertThat(v.ok()).as(v.reason()).isTrue();
    assertThat(v.record().label()).isEqualTo("SurveyResponse v1");
    assertThat(v.json()).contains("\"response_id\": \"r1\"").contains("ZALO_OA");
    byte[] bytes = codec.encode(survey());
    assertThat(Fingerprints.headerHex(v.record().fingerprint()))
        .isEqualTo(java.util.HexFormat.ofDelimiter(" ").formatHex(bytes, 0, 10));
  }

  /** fastavro with Channel in named_schemas: the same body, the fingerprint of a form where Channel is only referenced. */
  @Test
  void aFingerprintOfTheCanonicalFormWithChannelReferencedIsExplained() throws Exception {
    Schema schema = SurveyResponse.getClassSchema();
    String inline = SchemaNormalization.toParsingForm(Channel.getClassSchema());
    String spec = SchemaNormalization.toParsingForm(schema);
    assertThat(spec).contains(inline);
    String referenced = spec.replace(inline, "\"io.cxmonitor.schemas.Channel\"");
    long wrong = SchemaNormalization.fingerprint64(referenced.getBytes(StandardCharsets.UTF_8));
    byte[] bytes = withFingerprint(codec.encode(survey()), wrong, ByteOrder.LITTLE_ENDIAN);

    assertThatThrownBy(() -> codec.decode(bytes, null)).hasMessageContaining("unknown schema fingerprint");
    MessageCheck.Verdict v = MessageCheck.check(bytes, SURVEY);
    assertThat(v.ok()).isFalse();
    assertThat(v.reason()).startsWith("unknown fingerprint")
        .contains("SurveyResponse v1's canonical form with the named types it uses (e.g. the Channel enum) referenced by name")
        .contains("fastavro")
        .contains("c3 01 " + hex(codec.encode(survey()), 2, 8));
    assertThat(Fingerprints.canonicalForm(schema, Fingerprints.Layout.REFERENCED)).isEqualTo(referenced);
  }

  @Test
  void aFingerprintWithoutNamespacesIsExplained() {
    String spec = SchemaNormalization.toParsingForm(SurveyResponse.getClassSchema());
    String bare = spec.replace("io.cxmonitor.schemas.", "");
    long wrong = SchemaNormalization.fingerprint64(bare.getBytes(StandardCharsets.UTF_8));
    MessageCheck.Verdict v = MessageCheck.check(withFingerprint(codec.encode(survey()), wrong, ByteOrder.LITTLE_ENDIAN), SURVEY);
    assertThat(v.reason()).contains("names stripped of their namespace");
  }

  @Test
  void aBigEndianFingerprintIsExplained() {
    long right = SchemaNormalization.parsingFingerprint64(SurveyResponse.getClassSchema());
    MessageCheck.Verdict v = MessageCheck.check(withFingerprint(codec.encode(survey()), right, ByteOrder.BIG_ENDIAN), SURVEY);
    assertThat(v.ok()).isFalse();
    assertThat(v.reason()).contains("SurveyResponse v1's fingerprint written big-endian");
  }

  @Test
  void aFingerprintOfAnotherSchemaIsUnknown() {
    MessageCheck.Verdict v = MessageCheck.check(withFingerprint(codec.encode(survey()), 42L, ByteOrder.LITTLE_ENDIAN), SURVEY);
    assertThat(v.reason()).startsWith("unknown fingerprint 2a 00 00 00 00 00 00 00: no shipped SurveyResponse version has it");
  }

  @Test
  void framingMistakesAreNamed() {
    assertThat(MessageCheck.check(null, SURVEY).reason()).startsWith("empty value (null)");
    assertThat(MessageCheck.check(new byte[0], SURVEY).reason()).isEqualTo("empty value (0 bytes)");
    assertThat(MessageCheck.check("{\"nps\":9}".getBytes(StandardCharsets.UTF_8), SURVEY).reason())
        .startsWith("wrong marker: the value starts with 7b 22").contains("JSON");
    byte[] confluent = {0, 0, 0, 0, 7, 2, 'r'};
    assertThat(MessageCheck.check(confluent, SURVEY).reason()).contains("Confluent Schema Registry framing").contains("schema id 7");
    assertThat(MessageCheck.check(Arrays.copyOf(codec.encode(survey()), 6), SURVEY).reason()).startsWith("truncated header: 6 bytes");
  }

  @Test
  void bodyMistakesAreNamed() {
    byte[] good = codec.encode(survey());
    MessageCheck.Verdict truncated = MessageCheck.check(Arrays.copyOf(good, good.length - 7), SURVEY); // cut before the comment
    assertThat(truncated.reason()).contains("truncated").contains("SurveyResponse.comment");
    byte[] trailing = Arrays.copyOf(good, good.length + 4);
    assertThat(MessageCheck.check(trailing, SURVEY).reason())
        .startsWith("4 trailing bytes after the SurveyResponse v1 record, which ends at byte " + good.length);
    assertThatThrownBy(() -> codec.decode(trailing, null))
        .hasMessageStartingWith("corrupt SurveyResponse body: 4 trailing bytes after the record");
  }

  @Test
  void aRecordOfAnotherTypeIsNamed() {
    InteractionEvent e = InteractionEvent.newBuilder().setEventId("e").setTicketId("t").setCustomerId("c")
        .setEventType(InteractionType.OPENED).setEventTime(Instant.EPOCH).setChannel(Channel.PHONE).build();
    byte[] bytes = WireFormat.interactions().encode(e);
    String current = "InteractionEvent v" + WireFormat.history("InteractionEvent").size();
    assertThat(MessageCheck.check(bytes, SURVEY).reason())
        .isEqualTo("a " + current + " record, not a SurveyResponse: a record of another type on this topic");
    assertThat(MessageCheck.check(bytes, null).ok()).isTrue();
    assertThatThrownBy(() -> codec.decode(bytes, null)).hasMessageContaining("it is the fingerprint of " + current);
  }

  /**
   * A producer whose Channel enum has a symbol this reader lacks: once its schema is known to the
   * decoder, the symbol is read as the enum's default (OTHER) and reported.
   */
  @Test
  void anUnknownEnumSymbolIsReadAsTheDefaultAndReported() throws Exception {
    Schema newer = new Schema.Parser().parse(SurveyResponse.getClassSchema().toString()
        .replace("\"STORE\",\"OTHER\"]", "\"STORE\",\"OTHER\",\"VIBER\"]"));
    assertThat(newer.getField("channel").schema().getEnumSymbols()).endsWith("VIBER");
    GenericRecord r = new GenericData.Record(newer);
    r.put("response_id", "r9");
    r.put("customer_id", "c9");
    r.put("event_time", 1_772_434_800_000L);
    r.put("channel", new GenericData.EnumSymbol(newer.getField("channel").schema(), "VIBER"));
    r.put("nps", 10);
    ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(r);
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);

    WireFormat.Codec<SurveyResponse> knowing = codec.alsoReading(List.of(newer.toString()));
    SurveyResponse decoded = knowing.decode(bytes, null);
    assertThat(decoded.getChannel()).isEqualTo(Channel.OTHER);
    assertThat(knowing.unknownSymbols()).containsExactly("SurveyResponse.channel = VIBER");
    assertThat(knowing.decode(codec.encode(survey()), null).getChannel()).isEqualTo(Channel.ZALO_OA);
    assertThat(knowing.unknownSymbols()).isEmpty();

    // The shipped jobs do not know that writer: its fingerprint is unknown, and no layout explains it.
    assertThatThrownBy(() -> codec.decode(bytes, null)).hasMessageContaining("unknown schema fingerprint");
    assertThat(MessageCheck.check(bytes, SURVEY).reason()).contains("no shipped SurveyResponse version has it");
  }

  @Test
  void onlyReadableWriterSchemasOfTheSameRecordAreAccepted() {
    String renamedField = SurveyResponse.getClassSchema().toString().replace("\"customer_id\"", "\"client_id\"");
    assertThatThrownBy(() -> codec.alsoReading(List.of(renamedField)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read writer schema");
    assertThatThrownBy(() -> codec.alsoReading(List.of(Channel.getClassSchema().toString())))
        .hasMessage("writer schema io.cxmonitor.schemas.Channel is not a io.cxmonitor.schemas.SurveyResponse");
  }

  @Test
  void anEnumIndexBeyondTheSymbolsIsMalformed() {
    byte[] good = codec.encode(survey());
    // body: response_id "r1" (3 bytes), customer_id "c1" (3), ticket_id null (1), event_time (6 bytes), channel
    int channelAt = 10 + 3 + 3 + 1 + 6;
    assertThat(good[channelAt]).isEqualTo((byte) (Channel.ZALO_OA.ordinal() * 2));
    byte[] bad = good.clone();
    bad[channelAt] = 40; // index 20
    assertThat(MessageCheck.check(bad, SURVEY).reason()).contains("SurveyResponse.channel has enum index 20 but Channel has 10 symbols");
    assertThatThrownBy(() -> codec.decode(bad, null)).hasMessageContaining("enum index 20");
  }

  private static byte[] withFingerprint(byte[] encoded, long fingerprint, ByteOrder order) {
    byte[] bytes = encoded.clone();
    ByteBuffer.wrap(bytes, 2, 8).order(order).putLong(fingerprint);
    return bytes;
  }

  private static String hex(byte[] b, int from, int n) {
    return java.util.HexFormat.ofDelimiter(" ").formatHex(b, from, from + n);
  }

}
