package io.cxmonitor.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo, as its own process, on existing secured servers — a Kafka broker that takes only
 * SASL/PLAIN and an influxd that serves only HTTPS and demands a user — given their settings with
 * the passwords in files: its three jobs run, the generator publishes, the live view reads KPIs
 * back over HTTPS, and neither its terminal nor its log file holds a password.
 */
class DemoOnSecuredServersITCase {
  @TempDir
  Path dir;

  @Test
  void demoRunsOnSaslKafkaAndHttpsInfluxWithPasswordsFromFiles() throws Exception {
    String kafkaPassword = "kafka-demo-pw-" + UUID.randomUUID();
    String influxPassword = "influx-demo-pw-" + UUID.randomUUID();
    try (KafkaBroker kafka = KafkaBroker.startWithSaslPlain("cx", kafkaPassword);
        InfluxServer influx = InfluxServer.start(new InfluxServer.Security("admin", influxPassword, true))) {
      kafka.createTopics(2, Topics.ALL.toArray(String[]::new));
      Path kafkaSecrets = Files.writeString(dir.resolve("kafka-secrets.properties"), "password=" + kafkaPassword + "\n");
      Path kafkaConfig = Files.writeString(dir.resolve("kafka.properties"), String.join("\n",
          "security.protocol=SASL_PLAINTEXT", "sasl.mechanism=PLAIN",
          "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"cx\" "
              + "password=\"${file:" + kafkaSecrets + ":password}\";", ""));
      Path influxPasswordFile = Files.writeString(dir.resolve("influx-password"), influxPassword + "\n");
      Path tmp = Files.createDirectories(dir.resolve("tmp"));
      Path terminal = dir.resolve("terminal.txt");

      try (DemoProcess demo = DemoProcess.start(tmp, terminal, List.of(
          "--kafka", kafka.bootstrapServers(), "--kafka-config", kafkaConfig.toString(),
          "--influx-url", influx.url(), "--influx-user", "admin", "--influx-password-file", influxPasswordFile.toString(),
          "--influx-ca-file", influx.caFile().toString(), "--flink-ui-port", "0",
          "--rate", "600", "--backfill", "PT30M", "--refresh", "PT2S"))) {
        demo.awaitJobsAndNps(); // the NPS read back over HTTPS as the user
      }
      String screen = Files.readString(terminal);
      String log = Files.readString(tmp.resolve("cx-demo.log"));
      assertThat(log).as("the demo's log").contains("InfluxDB sink subtask");
      for (String secret : List.of(kafkaPassword, influxPassword)) {
        assertThat(screen).doesNotContain(secret);
        assertThat(log).doesNotContain(secret);
      }
    }
  }
}
