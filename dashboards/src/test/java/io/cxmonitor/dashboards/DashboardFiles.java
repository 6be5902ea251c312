package io.cxmonitor.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the dashboard JSON files and their panel queries. */
final class DashboardFiles {
  static final Path ROOT = Path.of(System.getProperty("cx.dashboards.dir", "."));
  static final Path JSON_DIR = ROOT.resolve("json");
  static final Path PROVISIONING = ROOT.resolve("provisioning");
  static final String DATASOURCE_UID = "cx-influxdb";

  record PanelQuery(String dashboard, String panel, String refId, String query) {
    @Override
    public String toString() {
      return dashboard + " / " + panel + " / " + refId;
    }
  }

  private DashboardFiles() {}

  static List<Path> dashboards() {
    try (Stream<Path> files = Files.list(JSON_DIR)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("invalid JSON in " + file, e);
    }
  }

  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      out.add(p);
      p.path("panels").forEach(out::add); // collapsed rows
    }
    return out;
  }

  static List<PanelQuery> queries() {
    List<PanelQuery> out = new ArrayList<>();
    for (Path file : dashboards()) {
      JsonNode d = read(file);
      for (JsonNode p : panels(d)) {
        for (JsonNode t : p.path("targets")) {
          out.add(new PanelQuery(d.path("uid").asText(), p.path("title").asText(), t.path("refId").asText(),
              t.path("query").asText()));
        }
      }
    }
    return out;
  }
}
