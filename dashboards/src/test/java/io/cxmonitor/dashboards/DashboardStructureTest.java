package io.cxmonitor.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Static checks of the Grafana files: valid, unique uids, pinned datasource, defined variables. */
class DashboardStructureTest {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");
  private static final Set<String> GRAFANA_BUILTINS = Set.of("timeFilter", "__interval", "__interval_ms", "__range",
      "__from", "__to", "col", "tag_channel", "tag_region", "tag_team", "tag_product", "tag_subtask", "__rate_interval");

  @Test
  void provisioningFilesAreValidYamlWithApiVersion1() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (Stream<Path> files = Files.walk(DashboardFiles.PROVISIONING)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        JsonNode doc = yaml.readTree(f.toFile());
        assertThat(doc.path("apiVersion").asInt()).as("%s apiVersion", f).isEqualTo(1);
      }
    }
    JsonNode ds = yaml.readTree(DashboardFiles.PROVISIONING.resolve("datasources/cx-influxdb.yaml").toFile());
    JsonNode source = ds.path("datasources").get(0);
    assertThat(source.path("uid").asText()).isEqualTo(DashboardFiles.DATASOURCE_UID);
    assertThat(source.path("url").asText()).isEqualTo("${CX_INFLUX_URL}");
    assertThat(source.path("jsonData").path("dbName").asText()).isEqualTo("${CX_INFLUX_DB}");
    assertThat(source.path("secureJsonData").path("password").asText()).isEqualTo("${CX_INFLUX_PASSWORD}");
  }

  @Test
  void contactPointsTakeSecretsFromTheEnvironmentAndPoliciesRouteToThem() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode points = yaml.readTree(DashboardFiles.PROVISIONING.resolve("alerting/contact-points.yaml").toFile());
    Set<String> names = new HashSet<>();
    for (JsonNode cp : points.path("contactPoints")) {
      names.add(cp.path("name").asText());
      for (JsonNode r : cp.path("receivers")) {
        for (String secret : List.of("url", "addresses", "integrationKey", "token")) {
          if (r.path("settings").has(secret)) {
            assertThat(r.path("settings").path(secret).asText()).as("%s %s", cp.path("name"), secret).matches("\\$\\{CX_[A-Z_]+}");
          }
        }
      }
    }
    JsonNode policies = yaml.readTree(DashboardFiles.PROVISIONING.resolve("alerting/notification-policies.yaml").toFile());
    List<String> receivers = policies.findValuesAsText("receiver");
    assertThat(receivers).isNotEmpty();
    assertThat(names).containsAll(receivers);
    assertThat(policies.toString()).contains("severity").contains("owner");
  }

  @Test
  void dashboardsHaveUniqueUidsAndPanelIdsAndUseThePinnedDatasource() {
    Set<String> uids = new HashSet<>();
    assertThat(DashboardFiles.dashboards()).isNotEmpty();
    for (Path file : DashboardFiles.dashboards()) {
      JsonNode d = DashboardFiles.read(file);
      assertThat(uids.add(d.path("uid").asText())).as("duplicate dashboard uid in %s", file).isTrue();
      Set<Integer> ids = new HashSet<>();
      for (JsonNode p : DashboardFiles.panels(d)) {
        assertThat(ids.add(p.path("id").asInt())).as("duplicate panel id %s in %s", p.path("id"), file).isTrue();
        if (p.path("type").asText().equals("row")) {
          continue;
        }
        assertThat(p.path("datasource").path("uid").asText()).as("%s datasource", p.path("title"))
            .isEqualTo(DashboardFiles.DATASOURCE_UID);
        assertThat(p.path("targets")).as("%s has queries", p.path("title")).isNotEmpty();
        for (JsonNode t : p.path("targets")) {
          assertThat(t.path("datasource").path("uid").asText()).isEqualTo(DashboardFiles.DATASOURCE_UID);
          assertThat(t.path("rawQuery").asBoolean()).as("%s uses a raw InfluxQL query", p.path("title")).isTrue();
        }
      }
    }
  }

  @Test
  void everyVariableUsedIsDefined() {
    for (Path file : DashboardFiles.dashboards()) {
      JsonNode d = DashboardFiles.read(file);
      Set<String> defined = new HashSet<>();
      d.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
      for (DashboardFiles.PanelQuery q : DashboardFiles.queries()) {
        if (!q.dashboard().equals(d.path("uid").asText())) {
          continue;
        }
        Matcher m = VARIABLE.matcher(q.query());
        while (m.find()) {
          assertThat(defined.contains(m.group(1)) || GRAFANA_BUILTINS.contains(m.group(1)))
              .as("%s uses undefined variable $%s", q, m.group(1)).isTrue();
        }
      }
    }
  }
}
