package io.cxmonitor.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** infra/docker-compose.yml cannot run here (no Docker engine): check what can be checked. */
class ComposeFileTest {
  private static final Path COMPOSE = DashboardFiles.ROOT.resolve("../infra/docker-compose.yml");

  @Test
  void composeRunsTheStackWithOurProvisioningAndRealMainClasses() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
    JsonNode services = doc.path("services");
    for (String s : new String[] {"kafka", "influxdb", "grafana", "generator", "survey-job", "service-job", "churn-job"}) {
      assertThat(services.has(s)).as("service %s", s).isTrue();
    }
    for (JsonNode volume : services.path("grafana").path("volumes")) {
      String host = volume.asText().split(":")[0];
      assertThat(Files.isDirectory(COMPOSE.getParent().resolve(host))).as("mounted %s exists", host).isTrue();
    }
    assertThat(services.path("grafana").path("environment").path("CX_DASHBOARDS_DIR").asText())
        .isEqualTo("/var/lib/grafana/dashboards/cx-monitor");
    for (String job : new String[] {"generator", "survey-job", "service-job", "churn-job"}) {
      String mainClass = services.path(job).path("command").get(3).asText();
      assertThat(Class.forName(mainClass)).as("%s main class", job).isNotNull();
    }
  }
}
