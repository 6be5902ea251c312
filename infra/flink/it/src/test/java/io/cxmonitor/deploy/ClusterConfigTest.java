package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** infra/flink/config.yaml keeps the cluster on loopback and gives its JVMs what the tests' JVMs get. */
class ClusterConfigTest {
  private static final Path CONFIG = Path.of(System.getProperty("cx.flink.dir", "..")).resolve("config.yaml");

  @Test
  void everyAddressIsLoopback() throws Exception {
    Map<String, String> conf = flat();
    for (String key : new String[] {"jobmanager.bind-host", "jobmanager.rpc.address", "taskmanager.bind-host",
        "taskmanager.host", "rest.bind-address", "rest.address"}) {
      assertThat(conf).as(key).containsEntry(key, "127.0.0.1");
    }
    assertThat(conf).containsEntry("web.submit.enable", "false");
  }

  @Test
  void clusterJvmsOpenWhatTheTestJvmsOpen() throws Exception {
    String testJvmOptions = System.getProperty("cx.addOpens");
    assertThat(testJvmOptions).as("cx.addOpens from pom.xml").isNotBlank();
    assertThat(Arrays.asList(flat().get("env.java.opts.all").split("\\s+")))
        .containsAll(Arrays.asList(testJvmOptions.trim().split("\\s+")));
  }

  /** The YAML's nested keys joined with dots, as Flink reads them. */
  static Map<String, String> flat() throws Exception {
    Map<String, String> out = new TreeMap<>();
    flatten("", new ObjectMapper(new YAMLFactory()).readValue(CONFIG.toFile(), Map.class), out);
    return out;
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, out);
      } else {
        out.put(key, String.valueOf(e.getValue()));
      }
    }
  }
}
