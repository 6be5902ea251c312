package io.cxmonitor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SchemaRegistryITCase {
  private static final String V1 = "{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"t\",\"fields\":["
      + "{\"name\":\"sensor\",\"type\":\"string\"},{\"name\":\"value\",\"type\":\"int\"}]}";
  /** V1 plus an optional field: BACKWARD compatible. */
  private static final String V2 = "{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"t\",\"fields\":["
      + "{\"name\":\"sensor\",\"type\":\"string\"},{\"name\":\"value\",\"type\":\"int\"},"
      + "{\"name\":\"unit\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
  /** V1 with a new required field in place of value: a V3 reader cannot read V2 data. */
  private static final String V3 = "{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"t\",\"fields\":["
      + "{\"name\":\"sensor\",\"type\":\"string\"},{\"name\":\"level\",\"type\":\"int\"}]}";

  @Test
  void servesTheConfluentApiOnLoopbackAndChecksCompatibility() throws Exception {
    Path dir;
    try (SchemaRegistry registry = SchemaRegistry.start()) {
      dir = registry.directory();
      assertThat(registry.confluentUrl()).isEqualTo("http://127.0.0.1:" + registry.port() + "/apis/ccompat/v7");
      if (ListeningSockets.available()) {
        assertThat(ListeningSockets.of(registry.processHandle())).isNotEmpty()
            .allSatisfy(l -> assertThat(l.loopback()).as("%s", l).isTrue());
      }

      int v1 = registry.register("readings-value", V1);
      assertThat(registry.register("readings-value", V1)).as("the same schema again").isEqualTo(v1);
      registry.setCompatibility("readings-value", "BACKWARD");
      int v2 = registry.register("readings-value", V2);
      assertThat(v2).isNotEqualTo(v1);
      assertThat(registry.schemaById(v2)).contains("unit");
      assertThat(registry.schemaById(v1)).doesNotContain("unit");

      assertThatThrownBy(() -> registry.register("readings-value", V3))
          .isInstanceOfSatisfying(SchemaRegistry.Refused.class, e -> assertThat(e.status()).isEqualTo(409));
      assertThatThrownBy(() -> registry.schemaById(Math.max(v1, v2) + 1000))
          .isInstanceOfSatisfying(SchemaRegistry.Refused.class, e -> assertThat(e.status()).isEqualTo(404));
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void stopsAndRestartsOnTheSamePortWithItsSchemas() throws Exception {
    try (SchemaRegistry registry = SchemaRegistry.start()) {
      int id = registry.register("r-value", V1);
      registry.stop();
      assertThat(registry.isRunning()).isFalse();
      HttpClient http = HttpClient.newHttpClient();
      assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(registry.confluentUrl() + "/subjects")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
      registry.restart();
      assertThat(registry.isRunning()).isTrue();
      assertThat(registry.schemaById(id)).as("kept across the restart").contains("Reading").doesNotContain("unit");
      assertThat(registry.register("r-value", V1)).as("the same schema keeps its id").isEqualTo(id);
      assertThat(registry.register("r-value", V2)).as("a new version gets a new id").isNotEqualTo(id);
    }
  }

  @Test
  void saysWhereTheRegistryIsMissing() {
    assertThatThrownBy(() -> SchemaRegistry.findRunnerJar(null, " "))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(SchemaRegistry.HOME_PROPERTY);
  }

  @Test
  void quotesJson() {
    assertThat(SchemaRegistry.jsonString("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
  }
}
