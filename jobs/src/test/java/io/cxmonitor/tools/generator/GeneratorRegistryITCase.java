package io.cxmonitor.tools.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.SchemaRegistryClient;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.testkit.SchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The generator in registry mode: each topic's schema registered under its subject, every record framed with its id. */
class GeneratorRegistryITCase {
  private static final Map<String, WireFormat.Codec<?>> CODECS = Map.of(
      Topics.SURVEYS, WireFormat.surveys(),
      Topics.INTERACTIONS, WireFormat.interactions(),
      Topics.LIFECYCLE, WireFormat.lifecycle(),
      Topics.FOLLOW_UPS_DONE, WireFormat.followUpsDone());

  @Test
  void writesConfluentFramingWithTheSchemasRegisteredPerTopic() throws Exception {
    try (SchemaRegistry registry = SchemaRegistry.start(); KafkaBroker kafka = KafkaBroker.start()) {
      Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
      int exit = new CommandLine(new GeneratorCli()).execute("--bootstrap-servers", kafka.bootstrapServers(),
          "--create-topics", "1", "--start", start.toString(), "--duration", "PT2H", "--rate", "60", "--speed", "0",
          "--progress-every", "PT1H", "--value-format", "confluent", "--schema-registry", registry.confluentUrl());
      assertThat(exit).as("generator exit code").isZero();

      SchemaRegistryClient client = SchemaRegistryClient.Config.of(registry.confluentUrl()).connect();
      for (Map.Entry<String, WireFormat.Codec<?>> e : CODECS.entrySet()) {
        String topic = e.getKey();
        WireFormat.Codec<?> codec = e.getValue();
        int id = registry.register(topic + "-value", codec.schema().toString()); // already there: its id
        List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(topic);
        assertThat(records).as(topic).isNotEmpty();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          assertThat(ConfluentFraming.schemaId(r.value())).as(topic).isEqualTo(id);
          Schema writer = client.writerSchema(id);
          assertThat(writer).isEqualTo(codec.schema());
          Object value = codec.decodeBody(r.value(), ConfluentFraming.HEADER, writer, "id " + id, null);
          assertThat(value).isInstanceOfAny(SurveyResponse.class, InteractionEvent.class,
              CustomerLifecycleEvent.class, FollowUpDone.class);
        }
      }
    }
  }
}
