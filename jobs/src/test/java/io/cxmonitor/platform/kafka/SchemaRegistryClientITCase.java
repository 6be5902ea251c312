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

      registry.restart(); // back with its schemas
      assertThat(client.writerSchema(others)).isEqualTo(other);
    }
  }

  /** A sink's parallel writers all register its schema as they open; Apicurio answers 409 to all but one of them. */
  @Test
  void writersRegisteringTheSameSchemaAtOnceAllGetItsId() throws Exception {
    Schema current = SurveyResponse.getClassSchema();
    try (SchemaRegistry registry = SchemaRegistry.start()) {
      SchemaRegistryClient.Config config = SchemaRegistryClient.Config.of(registry.confluentUrl());
      java.util.List<java.util.concurrent.Callable<Integer>> writers = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        writers.add(() -> config.connect().register("parallel-value", current));
      }
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers.size());
      java.util.Set<Integer> ids = new java.util.HashSet<>();
      try {
        for (java.util.concurrent.Future<Integer> f : pool.invokeAll(writers)) {
          ids.add(f.get());
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(ids).containsExactly(registry.register("parallel-value", current.toString()));
    }
  }
}
