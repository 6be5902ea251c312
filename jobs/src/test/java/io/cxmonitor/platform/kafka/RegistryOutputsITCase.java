package io.cxmonitor.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SlaBreachAlert;
import io.cxmonitor.schemas.SlaKind;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.testkit.SchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The jobs' Avro outputs in Confluent framing: the schema registered under the topic's subject, which the registry checks. */
class RegistryOutputsITCase {
  private static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");

  private static SlaBreachAlert alert() {
    return SlaBreachAlert.newBuilder().setAlertId("tk-1/RESOLUTION").setTicketId("tk-1").setCustomerId("c-1")
        .setKind(SlaKind.RESOLUTION).setPriority(Priority.HIGH).setChannel(Channel.CHAT)
        .setOpenedAt(T0).setDueAt(T0.plusSeconds(3600)).setSlaMs(3_600_000L).build();
  }

  private static AvroRecordSerializer<SlaBreachAlert> serializer(String topic, SchemaRegistry registry) {
    return new AvroRecordSerializer<>(topic, WireFormat::slaAlerts, SlaBreachAlert::getTicketId,
        ValueFormat.confluent(SchemaRegistryClient.Config.of(registry.confluentUrl())));
  }

  @Test
  void alertsAreFramedWithTheIdOfTheSchemaRegisteredUnderTheTopicsSubject() throws Exception {
    try (SchemaRegistry registry = SchemaRegistry.start()) {
      AvroRecordSerializer<SlaBreachAlert> serializer = serializer("cx.sla-alerts", registry);
      serializer.open(null, null);
      ProducerRecord<byte[], byte[]> r = serializer.serialize(alert(), null, null);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("tk-1");

      int id = ConfluentFraming.schemaId(r.value());
      // what a consumer does: the writer schema from the registry by the record's id, then the body
      Schema writer = SchemaRegistryClient.Config.of(registry.confluentUrl()).connect().writerSchema(id);
      assertThat(writer).isEqualTo(SlaBreachAlert.getClassSchema());
      assertThat(WireFormat.slaAlerts().decodeBody(r.value(), ConfluentFraming.HEADER, writer, "id " + id, null))
          .isEqualTo(alert());
      assertThat(registry.register("cx.sla-alerts-value", SlaBreachAlert.getClassSchema().toString()))
          .as("registered under the topic's subject").isEqualTo(id);
    }
  }

  @Test
  void aSchemaTheSubjectsCompatibilityRuleRefusesFailsTheWriterWithTheRegistrysReason() throws Exception {
    Schema current = SlaBreachAlert.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(new Schema.Field("escalation_level", Schema.create(Schema.Type.INT)));
    Schema consumersSchema = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
    try (SchemaRegistry registry = SchemaRegistry.start()) {
      // the subject's consumers need a field this job does not write, and FORWARD protects them
      registry.register("cx.sla-alerts-value", consumersSchema.toString());
      registry.setCompatibility("cx.sla-alerts-value", "FORWARD");
      AvroRecordSerializer<SlaBreachAlert> serializer = serializer("cx.sla-alerts", registry);
      assertThatThrownBy(() -> serializer.open(null, null))
          .isInstanceOf(SchemaRegistryClient.SchemaRefusedException.class)
          .hasMessageContaining("refuses io.cxmonitor.schemas.SlaBreachAlert under subject cx.sla-alerts-value (HTTP 409)");
      assertThatThrownBy(() -> serializer.serialize(alert(), null, null)).isInstanceOf(IllegalStateException.class);
    }
  }
}
