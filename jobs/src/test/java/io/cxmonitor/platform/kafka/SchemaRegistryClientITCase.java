package io.cxmonitor.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.testkit.SchemaRegistry;
import java.time.Duration;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The registry client against a real registry that goes away and comes back. */
class SchemaRegistryClientITCase {
  @Test
  void cachedIdsKeepWorkingWhileTheRegistryIsDownAndNewOnesWaitForIt() throws Exception {
    Schema current = SurveyResponse.getClassSchema();
    Schema other = Schema.createRecord("Other", null, "t", false,
        java.util.List.of(new Schema.Field("x", Schema.create(Schema.Type.INT))));
    try (SchemaRegistry registry = SchemaRegistry.start()) {
      int surveys = registry.register("s-value", current.toString());
      int others = registry.register("o-value", other.toString());
      SchemaRegistryClient client = SchemaRegistryClient.Config.of(registry.confluentUrl())
          .withRetryFor(Duration.ofSeconds(1)).connect();
      assertThat(client.writerSchema(surveys)).isEqualTo(current);
      assertThatThrownBy(() -> client.writerSchema(others + 1000))
          .isInstanceOf(SchemaRegistryClient.UnusableSchemaException.class)
          .hasMessageStartingWith("unknown schema id " + (others + 1000) + ": ");

      registry.stop();
      assertThat(client.writerSchema(surveys)).as("cached").isEqualTo(current);
      assertThatThrownBy(() -> client.writerSchema(others))
          .isInstanceOf(SchemaRegistryClient.RegistryUnavailableException.class)
          .hasMessageContaining("schema id " + others).hasMessageContaining("attempts");

      registry.restart(); // in-memory: register again, in the same order, for the same ids
      assertThat(registry.register("s-value", current.toString())).isEqualTo(surveys);
      assertThat(registry.register("o-value", other.toString())).isEqualTo(others);
      assertThat(client.writerSchema(others)).isEqualTo(other);
    }
  }
}
