package io.cxmonitor.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.kafka.DecodingDeserializer;
import io.cxmonitor.platform.kafka.SchemaRegistryClient;
import io.cxmonitor.platform.kafka.ValueFormat;
import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.testkit.SchemaRegistry;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Every input record type round-trips through Confluent framing with its schema registered in a
 * real registry: what a producer writes is what the job's deserializer hands on.
 */
class ConfluentInputsITCase {
  private static final DecodingDeserializer.CodecFactory<SurveyResponse> SURVEYS = WireFormat::surveys;
  private static final DecodingDeserializer.CodecFactory<InteractionEvent> INTERACTIONS = WireFormat::interactions;
  private static final DecodingDeserializer.CodecFactory<CustomerLifecycleEvent> LIFECYCLE = WireFormat::lifecycle;
  private static final DecodingDeserializer.CodecFactory<FollowUpDone> DONE = WireFormat::followUpsDone;
  private static final Map<Class<?>, DecodingDeserializer.CodecFactory<?>> CODECS = Map.of(
      SurveyResponse.class, SURVEYS, InteractionEvent.class, INTERACTIONS,
      CustomerLifecycleEvent.class, LIFECYCLE, FollowUpDone.class, DONE);

  @Test
  void everyInputTypeRoundTrips() throws Exception {
    Map<Class<?>, List<SpecificRecord>> samples = new LinkedHashMap<>();
    CxSimulation sim = new CxSimulation(SimulationConfig.defaults(5, Instant.parse("2026-03-02T07:00:00Z"),
        Duration.ofHours(6)).withRate(60));
    while (sim.hasNext()) {
      GeneratedRecord r = sim.next();
      if (CODECS.containsKey(r.record().getClass())) {
        List<SpecificRecord> list = samples.computeIfAbsent(r.record().getClass(), k -> new ArrayList<>());
        if (list.size() < 50) {
          list.add(r.record());
        }
      }
    }
    assertThat(samples.keySet()).as("the simulation emits every input type").containsExactlyInAnyOrderElementsOf(CODECS.keySet());

    try (SchemaRegistry registry = SchemaRegistry.start()) {
      ValueFormat format = ValueFormat.confluent(SchemaRegistryClient.Config.of(registry.confluentUrl()));
      for (Map.Entry<Class<?>, List<SpecificRecord>> e : samples.entrySet()) {
        roundTrip(registry, format, CODECS.get(e.getKey()), e.getValue());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> void roundTrip(SchemaRegistry registry, ValueFormat format,
      DecodingDeserializer.CodecFactory<?> factory, List<SpecificRecord> records) throws Exception {
    DecodingDeserializer.CodecFactory<T> codecs = (DecodingDeserializer.CodecFactory<T>) factory;
    WireFormat.Codec<T> codec = codecs.get();
    int id = registry.register(codec.schema().getName() + "-value", codec.schema().toString());
    DecodingDeserializer<T> deserializer = new DecodingDeserializer<>(codecs, format, (r, now) -> null,
        TypeInformation.of((Class<Decoded<T>>) (Class<?>) Decoded.class));
    List<Decoded<T>> out = new ArrayList<>();
    long offset = 0;
    for (SpecificRecord r : records) {
      deserializer.deserialize(new ConsumerRecord<>("t", 0, offset++, null,
          ConfluentFraming.frame(id, codec.encodeBody((T) r))), new ListCollector<>(out));
    }
    assertThat(out).as(codec.schema().getName()).allSatisfy(d -> assertThat(d.failureReason).isNull());
    assertThat(out.stream().map(d -> (SpecificRecord) d.value).toList()).as(codec.schema().getName())
        .containsExactlyElementsOf(records);
  }
}
