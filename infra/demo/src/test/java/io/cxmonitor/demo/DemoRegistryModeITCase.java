package io.cxmonitor.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.testkit.BasicAuthProxy;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.testkit.SchemaRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo, as its own process, in registry mode ({@code --schema-registry URL}) against an
 * existing Kafka, influxd and a real Apicurio Registry that requires basic authentication (behind
 * the testkit's {@link BasicAuthProxy}: Apicurio 2.6 cannot require it by itself): the generator
 * writes Confluent framing with its schemas registered under {@code <topic>-value}, the three jobs
 * read it and register their outputs' schemas, the live view shows KPIs, and the registry password
 * is in neither the terminal nor the log.
 */
class DemoRegistryModeITCase {
  @TempDir
  Path dir;

  @Test
  void demoRunsInRegistryModeAgainstARegistryThatRequiresCredentials() throws Exception {
    String password = "registry-demo-pw-" + UUID.randomUUID();
    try (KafkaBroker kafka = KafkaBroker.start(); InfluxServer influx = InfluxServer.start();
        SchemaRegistry registry = SchemaRegistry.start();
        BasicAuthProxy proxy = BasicAuthProxy.start(registry.confluentUrl(), "cx-demo", password)) {
      kafka.createTopics(2, Topics.ALL.toArray(String[]::new));
      Path credentials = Files.writeString(dir.resolve("registry.cred"), "cx-demo:" + password + "\n");
      Path tmp = Files.createDirectories(dir.resolve("tmp"));
      Path terminal = dir.resolve("terminal.txt");
      try (DemoProcess demo = DemoProcess.start(tmp, terminal, List.of(
          "--kafka", kafka.bootstrapServers(), "--influx-url", influx.url(), "--flink-ui-port", "0",
          "--schema-registry", proxy.through(registry.confluentUrl()),
          "--schema-registry-credentials-file", credentials.toString(),
          "--rate", "600", "--backfill", "PT30M", "--refresh", "PT2S"))) {
        demo.awaitJobsAndNps();
      }
      String subjects = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registry.confluentUrl()
          + "/subjects")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
      // the generator's inputs and the jobs' outputs, each under its topic's subject
      for (String topic : List.of(Topics.SURVEYS, Topics.INTERACTIONS, Topics.LIFECYCLE, Topics.ALERTS, Topics.AT_RISK,
          Topics.FOLLOW_UPS)) {
        assertThat(subjects).contains("\"" + topic + "-value\"");
      }
      List<ConsumerRecord<byte[], byte[]>> surveys = kafka.readAll(Topics.SURVEYS);
      assertThat(surveys).isNotEmpty()
          .noneMatch(r -> r.value().length > 1 && r.value()[0] == (byte) 0xC3 && r.value()[1] == 0x01);
      // How many surveys the demo has made by the first NPS depends on the hour (the generator's daily
      // profile): at 23:30 UTC it was 43. What counts is that they are in Confluent framing.
      long confluent = surveys.stream().filter(r -> r.value().length > 5 && r.value()[0] == 0).count();
      assertThat(confluent).as("surveys in Confluent framing, of %d", surveys.size())
          .isPositive().isGreaterThanOrEqualTo(surveys.size() * 9L / 10);
      String screen = Files.readString(terminal);
      String log = Files.readString(tmp.resolve("cx-demo.log"));
      assertThat(screen).contains("Confluent framing with the schema registry " + proxy.through(registry.confluentUrl()));
      assertThat(screen).doesNotContain(password);
      assertThat(log).doesNotContain(password);
    }
  }
}
