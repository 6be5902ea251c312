package io.cxmonitor.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxmonitor.platform.cli.ValueFormatOptions;
import io.cxmonitor.platform.kafka.ValueFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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

  @Test
  void theRegistryRunsOnLoopbackInItsProfile() throws Exception {
    JsonNode registry = compose().path("services").path("registry");
    assertThat(registry.path("image").asText()).isEqualTo("apicurio/apicurio-registry-mem:2.6.13.Final");
    assertThat(registry.path("profiles").toString()).contains("\"registry\"");
    assertThat(registry.path("ports")).isNotEmpty()
        .allSatisfy(p -> assertThat(p.asText()).as("published port").startsWith("127.0.0.1:"));
    // the jobs wait for it when the profile is on, and start without it when it is off
    JsonNode dependsOn = compose().path("x-java").path("depends_on");
    assertThat(dependsOn.path("registry").path("required").asBoolean(true)).isFalse();
    assertThat(dependsOn.has("kafka") && dependsOn.has("influxdb")).isTrue();
  }

  /**
   * The generator's and the jobs' commands, with Compose's ${VAR:-default} filled in as without and
   * with CX_VALUE_FORMAT=confluent, are accepted by their own picocli options: single-object
   * everywhere by default, Confluent framing against the compose registry's Confluent API when set.
   */
  @Test
  void theJobsAndTheGeneratorRunInRegistryModeWhenCxValueFormatIsConfluent() throws Exception {
    JsonNode services = compose().path("services");
    String registryApi = "http://registry:8080/apis/ccompat/v7";
    for (String service : new String[] {"generator", "survey-job", "service-job", "churn-job"}) {
      for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("CX_VALUE_FORMAT", "confluent"),
          Map.of("CX_VALUE_FORMAT", "cx.surveys=confluent,cx.interactions=confluent"))) {
        List<String> command = new ArrayList<>();
        services.path(service).path("command").forEach(c -> command.add(interpolate(c.asText(), env)));
        String mainClass = command.get(3);
        String[] args = command.subList(4, command.size()).toArray(String[]::new);
        Object job = Class.forName(mainClass).getDeclaredConstructor().newInstance();
        CommandLine cmd = new CommandLine(job);
        cmd.parseArgs(args);
        ValueFormatOptions values = valueFormatOptions(cmd.getCommandSpec());
        values.validate(cmd);
        ValueFormat format = values.valueFormat();
        String what = service + " with " + env;
        switch (env.getOrDefault("CX_VALUE_FORMAT", "single-object")) {
          case "single-object" -> assertThat(format).as(what).isEqualTo(ValueFormat.SINGLE_OBJECT);
          case "confluent" -> {
            assertThat(format.kind()).as(what).isEqualTo(ValueFormat.Kind.CONFLUENT);
            assertThat(format.registry().url()).as(what).isEqualTo(registryApi);
          }
          default -> {
            assertThat(format.kindOf("cx.surveys")).as(what).isEqualTo(ValueFormat.Kind.CONFLUENT);
            assertThat(format.kindOf("cx.lifecycle")).as(what).isEqualTo(ValueFormat.Kind.SINGLE_OBJECT);
          }
        }
      }
    }
  }

  private static JsonNode compose() throws Exception {
    return new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
  }

  /** Compose's ${VAR:-default} and ${VAR}, from {@code env}. */
  private static String interpolate(String s, Map<String, String> env) {
    Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::-([^}]*))?}").matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v != null && !v.isEmpty() ? v
          : m.group(2) == null ? "" : m.group(2)));
    }
    return m.appendTail(out).toString();
  }

  /** The --value-format options of a command, wherever its mixins put them. */
  private static ValueFormatOptions valueFormatOptions(CommandLine.Model.CommandSpec spec) {
    if (spec.userObject() instanceof ValueFormatOptions v) {
      return v;
    }
    for (CommandLine.Model.CommandSpec mixin : spec.mixins().values()) {
      ValueFormatOptions v = valueFormatOptions(mixin);
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
