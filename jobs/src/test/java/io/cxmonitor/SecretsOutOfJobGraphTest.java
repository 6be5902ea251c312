package io.cxmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.platform.testing.LogCapture;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.InstantiationUtil;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each job's graph, built with an InfluxDB password, a Kafka SASL password and a schema registry
 * password set the documented way (files outside the repository), holds none of them — not in any operator as Flink
 * serializes it, not in the serialized JobGraph — but does hold the references to them, and
 * every Kafka source and sink of the job carries the client properties. Nothing logged while
 * building the graph contains a password.
 */
class SecretsOutOfJobGraphTest {
  private static final String KAFKA_CLASSES = "org.apache.flink.connector.kafka.";

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"surveys", "service", "churn"})
  void passwordsAreReadWhereTheyAreUsedNotCarriedInTheGraph(String job) throws Exception {
    String influxPassword = "influx-pw-" + UUID.randomUUID();
    String kafkaPassword = "kafka-pw-" + UUID.randomUUID();
    String registryPassword = "registry-pw-" + UUID.randomUUID();
    Path registryCredentials = Files.writeString(dir.resolve("registry.cred"), "cx:" + registryPassword + "\n");
    Path influxPasswordFile = Files.writeString(dir.resolve("influx-password"), influxPassword + "\n");
    Path kafkaSecrets = Files.writeString(dir.resolve("kafka-secrets.properties"), "password=" + kafkaPassword + "\n");
    String kafkaReference = "${file:" + kafkaSecrets + ":password}";
    Path kafkaConfig = Files.writeString(dir.resolve("kafka.properties"), String.join("\n",
        "security.protocol=SASL_PLAINTEXT",
        "sasl.mechanism=PLAIN",
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"cx\" password=\""
            + kafkaReference + "\";", ""));
    String[] args = {"--bootstrap-servers", "127.0.0.1:9", "--influx-url", "http://127.0.0.1:9",
        "--influx-user", "cx", "--influx-password-file", influxPasswordFile.toString(),
        "--kafka-config", kafkaConfig.toString(), "--value-format", "confluent",
        "--schema-registry", "http://127.0.0.1:9", "--schema-registry-credentials-file", registryCredentials.toString()};

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamGraph streamGraph;
    byte[] jobGraph;
    List<byte[]> kafkaOperators = new ArrayList<>();
    try (LogCapture log = LogCapture.atLevel(Level.DEBUG)) {
      build(job, args, env);
      streamGraph = env.getStreamGraph();
      for (StreamNode node : streamGraph.getStreamNodes()) {
        byte[] operator = InstantiationUtil.serializeObject(node.getOperatorFactory());
        assertThat(contains(operator, influxPassword)).as("InfluxDB password in %s", node.getOperatorName()).isFalse();
        assertThat(contains(operator, kafkaPassword)).as("Kafka password in %s", node.getOperatorName()).isFalse();
        assertThat(contains(operator, registryPassword)).as("registry password in %s", node.getOperatorName()).isFalse();
        if (contains(operator, KAFKA_CLASSES)) {
          kafkaOperators.add(operator);
          assertThat(contains(operator, kafkaReference)).as("client properties of %s", node.getOperatorName()).isTrue();
        }
      }
      JobGraph graph = streamGraph.getJobGraph();
      jobGraph = InstantiationUtil.serializeObject(graph);
      assertThat(log.linesContaining(influxPassword)).isEmpty();
      assertThat(log.linesContaining(kafkaPassword)).isEmpty();
      assertThat(log.linesContaining(registryPassword)).isEmpty();
    }
    assertThat(contains(jobGraph, influxPassword)).as("InfluxDB password in the JobGraph").isFalse();
    assertThat(contains(jobGraph, kafkaPassword)).as("Kafka password in the JobGraph").isFalse();
    assertThat(contains(jobGraph, registryPassword)).as("schema registry password in the JobGraph").isFalse();
    // The search does find what the graph carries: the references to both passwords.
    assertThat(contains(jobGraph, influxPasswordFile.toString())).as("InfluxDB password file named").isTrue();
    assertThat(contains(jobGraph, kafkaReference)).as("Kafka password reference").isTrue();
    assertThat(contains(jobGraph, registryCredentials.toString())).as("registry credentials file named").isTrue();
    int sourcesAndSinks = switch (job) {
      case "surveys" -> 2; // survey source, dead letters
      case "service" -> 3; // interaction source, alerts, dead letters
      default -> 7; // four sources, at-risk events, follow-ups, dead letters
    };
    assertThat(kafkaOperators).as("Kafka sources and sinks").hasSizeGreaterThanOrEqualTo(sourcesAndSinks);
  }

  private static void build(String job, String[] args, StreamExecutionEnvironment env) {
    BiConsumer<String[], StreamExecutionEnvironment> configure = switch (job) {
      case "surveys" -> (a, e) -> SurveyKpiJob.fromArgs(a).configure(e);
      case "service" -> (a, e) -> ServiceKpiJob.fromArgs(a).configure(e);
      default -> (a, e) -> ChurnKpiJob.fromArgs(a).configure(e);
    };
    configure.accept(args, env);
  }

  private static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
