package io.cxmonitor.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class ConfluentFramingTest {
  private static final int ID = 7;
  private final WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
  private final Schema current = SurveyResponse.getClassSchema();

  private static SurveyResponse survey() {
    return SurveyResponse.newBuilder()
        .setResponseId("r1").setCustomerId("c1").setEventTime(Instant.ofEpochMilli(1_000))
        .setChannel(Channel.ZALO_OA).setNps(9).setCsat(5).setComment("fast").build();
  }

  private byte[] framed(SurveyResponse s) {
    return ConfluentFraming.frame(ID, codec.encodeBody(s));
  }

  @Test
  void headerIsTheMagicByteAndTheIdBigEndian() throws Exception {
    byte[] bytes = ConfluentFraming.frame(0x01020304, new byte[] {42});
    assertThat(bytes).containsExactly(0x00, 0x01, 0x02, 0x03, 0x04, 42);
    assertThat(ConfluentFraming.schemaId(bytes)).isEqualTo(0x01020304);
  }

  @Test
  void roundTripsWithTheCurrentSchema() throws Exception {
    byte[] bytes = framed(survey());
    assertThat(ConfluentFraming.schemaId(bytes)).isEqualTo(ID);
    assertThat(codec.decodeBody(bytes, ConfluentFraming.HEADER, current, "schema id 7", null)).isEqualTo(survey());
  }

  @Test
  void readsAWriterWithAnAddedOptionalField() throws Exception {
    Schema v2 = withField(current, new Schema.Field("language",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), null, Schema.Field.NULL_DEFAULT_VALUE));
    GenericData.Record r = new GenericData.Record(v2);
    for (Schema.Field f : current.getFields()) {
      r.put(f.name(), survey().get(f.pos()));
    }
    r.put("language", "vi");
    byte[] bytes = ConfluentFraming.frame(ID, write(v2, r));
    assertThat(codec.decodeBody(bytes, ConfluentFraming.HEADER, v2, "schema id 7", null)).isEqualTo(survey());
  }

  @Test
  void anUnreadableWriterSchemaIsRefusedWithTheReason() {
    // the writer lacks customer_id, which the reader needs and has no default for
    Schema noCustomer = Schema.createRecord(current.getName(), null, current.getNamespace(), false,
        copy(current.getFields().stream().filter(f -> !f.name().equals("customer_id")).toList()));
    assertThatThrownBy(() -> codec.decodeBody(framed(survey()), ConfluentFraming.HEADER, noCustomer, "schema id 7", null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("schema id 7 cannot be read as the current SurveyResponse").hasMessageContaining("customer_id");
  }

  @Test
  void aWriterOfAnotherRecordTypeIsNamed() {
    assertThatThrownBy(() -> codec.decodeBody(framed(survey()), ConfluentFraming.HEADER,
        InteractionEvent.getClassSchema(), "schema id 7", null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("schema id 7 is io.cxmonitor.schemas.InteractionEvent, not io.cxmonitor.schemas.SurveyResponse");
  }

  @Test
  void aWrongMagicByteIsRefused() {
    byte[] bytes = framed(survey());
    bytes[0] = 0x01;
    assertThatThrownBy(() -> ConfluentFraming.schemaId(bytes))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("the first byte is 0x01, not the magic byte 0x00");
  }

  @Test
  void singleObjectEncodingOnAConfluentTopicIsRecognised() {
    assertThatThrownBy(() -> ConfluentFraming.schemaId(codec.encode(survey())))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("0xC3").hasMessageContaining("single-object");
  }

  @Test
  void aShortHeaderIsRefused() {
    assertThatThrownBy(() -> ConfluentFraming.schemaId(new byte[] {0, 0, 1}))
        .isInstanceOf(WireFormat.DecodeException.class).hasMessageContaining("cut short: 3 bytes");
    assertThatThrownBy(() -> ConfluentFraming.schemaId(new byte[0]))
        .isInstanceOf(WireFormat.DecodeException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> ConfluentFraming.schemaId(null))
        .isInstanceOf(WireFormat.DecodeException.class).hasMessageContaining("null");
  }

  @Test
  void aTruncatedBodyIsCorrupt() {
    byte[] bytes = Arrays.copyOf(framed(survey()), ConfluentFraming.HEADER + 4);
    assertThatThrownBy(() -> codec.decodeBody(bytes, ConfluentFraming.HEADER, current, "schema id 7", null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("corrupt SurveyResponse body").hasMessageContaining("customer_id");
  }

  @Test
  void trailingBytesAreCorrupt() {
    byte[] body = codec.encodeBody(survey());
    byte[] bytes = ConfluentFraming.frame(ID, Arrays.copyOf(body, body.length + 3));
    assertThatThrownBy(() -> codec.decodeBody(bytes, ConfluentFraming.HEADER, current, "schema id 7", null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("3 trailing bytes");
  }

  @Test
  void aHugeStringLengthIsRefusedBeforeAllocating() {
    // response_id claims 1.5 GB in a 10-byte body
    byte[] body = ByteBuffer.allocate(10).put(zigZag(1_500_000_000L)).array();
    byte[] bytes = ConfluentFraming.frame(ID, body);
    assertThatThrownBy(() -> codec.decodeBody(bytes, ConfluentFraming.HEADER, current, "schema id 7", null))
        .isInstanceOf(WireFormat.DecodeException.class)
        .hasMessageContaining("SurveyResponse.response_id claims 1500000000 bytes");
  }

  private static byte[] zigZag(long n) {
    long v = (n << 1) ^ (n >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  private static Schema withField(Schema s, Schema.Field extra) {
    List<Schema.Field> fields = copy(s.getFields());
    fields.add(extra);
    return Schema.createRecord(s.getName(), null, s.getNamespace(), false, fields);
  }

  private static List<Schema.Field> copy(List<Schema.Field> fields) {
    List<Schema.Field> out = new ArrayList<>();
    fields.forEach(f -> out.add(new Schema.Field(f, f.schema())));
    return out;
  }

  private static byte[] write(Schema writer, GenericData.Record r) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<GenericData.Record>(writer, SpecificData.getForClass(SurveyResponse.class)).write(r, e);
    e.flush();
    return out.toByteArray();
  }
}
