package io.cxmonitor.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Guards the wire contract: every shipped schema version stays readable by the current classes,
 * and the newest history file is exactly the schema the classes are generated from (so a change
 * to an .avsc without a new history version fails the build).
 */
class SchemaEvolutionTest {

  static List<String> records() {
    return List.copyOf(WireFormat.currentSchemas().keySet());
  }

  @ParameterizedTest
  @MethodSource("records")
  void newestHistoryVersionIsTheCurrentSchema(String record) {
    List<Schema> history = WireFormat.history(record);
    assertThat(history).as("history/%s/v1.avsc must exist", record).isNotEmpty();
    Schema current = WireFormat.currentSchemas().get(record);
    assertThat(history.get(history.size() - 1))
        .as("src/main/avro/%s.avsc changed: copy it to history/%s/v%d.avsc", record, record, history.size() + 1)
        .isEqualTo(current);
  }

  @ParameterizedTest
  @MethodSource("records")
  void currentSchemaReadsEveryPreviousVersion(String record) {
    Schema current = WireFormat.currentSchemas().get(record);
    for (Schema writer : WireFormat.history(record)) {
      var result = SchemaCompatibility.checkReaderWriterCompatibility(current, writer);
      assertThat(result.getType())
          .as("%s cannot read a previous version: %s", record, result.getResult().getIncompatibilities())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @ParameterizedTest
  @MethodSource("records")
  void bytesWrittenWithEveryShippedVersionDecodeWithTheCurrentClasses(String record) throws Exception {
    WireFormat.Codec<? extends SpecificRecord> codec = codecFor(record);
    for (Schema writer : WireFormat.history(record)) {
      GenericRecord old = (GenericRecord) sample(writer);
      ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(old);
      SpecificRecord decoded = codec.decode(toArray(bytes), null);
      for (Schema.Field field : writer.getFields()) {
        Schema.Field now = codec.schema().getField(field.name());
        if (now != null) {
          assertThat(String.valueOf(valueOf(decoded, now.pos())))
              .as("%s.%s", record, field.name())
              .isEqualTo(String.valueOf(normalise(old.get(field.name()))));
        }
      }
    }
  }

  /**
   * The promise of InteractionEvent v2 to readers on v1 (jobs not yet upgraded): they still read
   * v2 data; a QUEUED or CLOSED event reads as UNKNOWN (which they dead-letter as a type they do
   * not know) and close_reason is skipped.
   */
  @Test
  void aV1ReaderReadsInteractionEventsWrittenWithV2() throws Exception {
    List<Schema> history = WireFormat.history("InteractionEvent");
    Schema v1 = history.get(0);
    Schema v2 = history.get(1);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(v1, v2).getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    for (String type : List.of("QUEUED", "CLOSED", "OPENED")) {
      GenericData.Record written = (GenericData.Record) sample(v2);
      written.put("event_type", new GenericData.EnumSymbol(v2.getField("event_type").schema(), type));
      Schema reasonSchema = v2.getField("close_reason").schema().getTypes().get(1);
      written.put("close_reason", new GenericData.EnumSymbol(reasonSchema, "IVR_HANGUP"));
      ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(written);
      BinaryMessageDecoder<GenericRecord> v1Reader = new BinaryMessageDecoder<>(GenericData.get(), v1);
      v1Reader.addSchema(v2);
      GenericRecord read = v1Reader.decode(toArray(bytes));
      assertThat(read.get("event_type").toString()).as("v1 reads %s as", type)
          .isEqualTo(type.equals("OPENED") ? "OPENED" : "UNKNOWN");
      assertThat(read.get("ticket_id").toString()).isEqualTo(written.get("ticket_id").toString());
      assertThat(read.getSchema().getField("close_reason")).isNull();
    }
  }

  @Test
  void v1InteractionEventsReadWithTheCurrentClassesHaveNoCloseReason() throws Exception {
    Schema v1 = WireFormat.history("InteractionEvent").get(0);
    GenericRecord old = (GenericRecord) sample(v1);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    InteractionEvent read = WireFormat.interactions().decode(toArray(bytes), null);
    assertThat(read.getCloseReason()).isNull();
    assertThat(read.getEventType()).isEqualTo(InteractionType.OPENED);
  }

  @Test
  void theCheckRejectsAnIncompatibleChange() {
    Schema current = SurveyResponse.getClassSchema();
    String json = current.toString().replaceFirst(
        "\"fields\":\\[", "\"fields\":[{\"name\":\"survey_kind\",\"type\":\"string\"},");
    Schema breaking = new Schema.Parser().parse(json);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(breaking, current).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  private static WireFormat.Codec<? extends SpecificRecord> codecFor(String record) {
    return switch (record) {
      case "SurveyResponse" -> WireFormat.surveys();
      case "InteractionEvent" -> WireFormat.interactions();
      case "CustomerLifecycleEvent" -> WireFormat.lifecycle();
      case "SlaBreachAlert" -> WireFormat.slaAlerts();
      case "AtRiskEvent" -> WireFormat.atRisk();
      case "FollowUpAction" -> WireFormat.followUps();
      case "FollowUpDone" -> WireFormat.followUpsDone();
      default -> throw new IllegalArgumentException(record);
    };
  }

  private static Object valueOf(SpecificRecord record, int pos) {
    Object v = record.get(pos);
    return normalise(v);
  }

  private static Object normalise(Object v) {
    if (v instanceof java.time.Instant i) {
      return i.toEpochMilli();
    }
    return v == null ? null : GenericData.get().toString(v);
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  /** A value for every field of a schema: the non-null branch of unions, the first enum symbol. */
  private static Object sample(Schema schema) {
    return switch (schema.getType()) {
      case RECORD -> {
        GenericData.Record r = new GenericData.Record(schema);
        schema.getFields().forEach(f -> r.put(f.name(), sample(f.schema())));
        yield r;
      }
      case UNION -> sample(schema.getTypes().stream()
          .filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow());
      case ENUM -> new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(0));
      case ARRAY -> new GenericData.Array<>(schema, List.of(sample(schema.getElementType())));
      case STRING -> "s-" + schema.getFullName().hashCode();
      case INT -> 7;
      case LONG -> 1_700_000_000_123L;
      case BOOLEAN -> true;
      case DOUBLE -> 1.5d;
      case FLOAT -> 2.5f;
      case NULL -> null;
      default -> throw new IllegalStateException("no sample for " + schema);
    };
  }

}
