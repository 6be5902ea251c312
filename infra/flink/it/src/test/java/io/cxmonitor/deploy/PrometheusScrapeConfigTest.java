package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxmonitor.flink.metrics.BoundPrometheusReporterFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * infra/flink/config.yaml turns on the loopback-bound Prometheus reporter, and
 * infra/prometheus/prometheus.yml scrapes the ports the cluster really uses: the JobManager's
 * default of start-cluster.sh and ports of the TaskManagers' range.
 */
class PrometheusScrapeConfigTest {
  private static final Path FLINK_DIR = Path.of(System.getProperty("cx.flink.dir", ".."));
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theClusterReportsThroughTheLoopbackBoundReporter() throws Exception {
    JsonNode prom = YAML.readTree(FLINK_DIR.resolve("config.yaml").toFile()).at("/metrics/reporter/prom");
    assertThat(prom.at("/factory/class").asText()).isEqualTo(BoundPrometheusReporterFactory.class.getName());
    assertThat(prom.at("/host").asText()).isEqualTo("127.0.0.1");
  }

  @Test
  void prometheusScrapesTheJobManagerAndTaskManagerPorts() throws Exception {
    Matcher jmDefault = Pattern.compile("\\bmetrics_port=(\\d+)").matcher(Files.readString(FLINK_DIR.resolve("start-cluster.sh")));
    assertThat(jmDefault.find()).as("metrics_port default in start-cluster.sh").isTrue();
    String[] range = YAML.readTree(FLINK_DIR.resolve("config.yaml").toFile()).at("/metrics/reporter/prom/port").asText().split("-");
    int low = Integer.parseInt(range[0].trim());
    int high = Integer.parseInt(range[range.length - 1].trim());

    JsonNode scrape = YAML.readTree(FLINK_DIR.resolve("../prometheus/prometheus.yml").toFile()).get("scrape_configs");
    assertThat(targets(scrape, "flink-jobmanager")).containsExactly("127.0.0.1:" + jmDefault.group(1));
    List<String> taskManagers = targets(scrape, "flink-taskmanager");
    assertThat(taskManagers).isNotEmpty().allSatisfy(t -> {
      assertThat(t).startsWith("127.0.0.1:");
      assertThat(Integer.parseInt(t.substring(t.indexOf(':') + 1))).isBetween(low, high);
    });
  }

  private static List<String> targets(JsonNode scrapeConfigs, String job) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : scrapeConfigs) {
      if (c.get("job_name").asText().equals(job)) {
        c.get("static_configs").forEach(s -> s.get("targets").forEach(t -> out.add(t.asText())));
      }
    }
    return out;
  }
}
