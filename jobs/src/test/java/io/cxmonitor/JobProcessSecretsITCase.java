package io.cxmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.KafkaPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The survey job as an operator starts it — {@code java -cp ... SurveyKpiJob} in its own process —
 * with both passwords in environment variables only: the InfluxDB one read by the sink
 * ({@value JobOptions#PASSWORD_ENV}), the Kafka one through {@code ${env:...}} in the SASL JAAS
 * setting. The job authenticates to both servers and writes its KPIs, and neither its command
 * line nor anything it logs at INFO (every logger, Flink's and Kafka's included) holds a password.
 */
class JobProcessSecretsITCase {
  private static final String KAFKA_PASSWORD_ENV = "CX_KAFKA_PASSWORD";

  @TempDir
  Path dir;

  @Test
  void passwordsFromTheEnvironmentAreUsedAndNeverShown() throws Exception {
    String kafkaPassword = "kafka-env-pw-" + UUID.randomUUID();
    String influxPassword = "influx-env-pw-" + UUID.randomUUID();
    try (KafkaBroker kafka = KafkaBroker.startWithSaslPlain("cx", kafkaPassword);
        InfluxServer influx = InfluxServer.start(new InfluxServer.Security("admin", "admin-" + UUID.randomUUID(), false))) {
      kafka.createTopics(1, Topics.SURVEYS, Topics.DEAD_LETTER);
      influx.createDatabase("cx_env");
      influx.query(null, "CREATE USER \"writer\" WITH PASSWORD '" + influxPassword + "'");
      influx.query(null, "GRANT WRITE ON \"cx_env\" TO \"writer\"");
      Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));
      int published = 40;
      try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers(), kafka.adminProps())) {
        for (int i = 0; i < published; i++) {
          publisher.sendRaw(Topics.SURVEYS, "c" + i, publisher.encode(SurveyResponse.newBuilder().setResponseId("r" + i)
              .setCustomerId("c" + i).setChannel(Channel.CHAT).setEventTime(t0.plusSeconds(20L * i)).setNps(i % 11)
              .build()));
        }
        publisher.flush();
        assertThat(publisher.failed()).isZero();
      }

      Path log4j = Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
          "rootLogger.level = INFO", "rootLogger.appenderRef.console.ref = console",
          "appender.console.type = Console", "appender.console.name = console",
          "appender.console.layout.type = PatternLayout", "appender.console.layout.pattern = %-5p %c - %m%n", ""));
      Path log = dir.resolve("job.log");
      List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-Dlog4j2.configurationFile=" + log4j.toUri(),
          "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
          SurveyKpiJob.class.getName(),
          "--bootstrap-servers", kafka.bootstrapServers(),
          "--kafka-property", "security.protocol=SASL_PLAINTEXT", "--kafka-property", "sasl.mechanism=PLAIN",
          "--kafka-property", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
              + "username=\"cx\" password=\"${env:" + KAFKA_PASSWORD_ENV + "}\";",
          "--influx-url", influx.url(), "--influx-db", "cx_env", "--influx-user", "writer", "--no-influx-create-db",
          "--group-id", "env-it", "--start-from", "EARLIEST", "--bounded", "--checkpoint-interval", "PT2S",
          "--parallelism", "1"));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().remove("CX_INFLUX_PASSWORD_FILE");
      pb.environment().put(JobOptions.PASSWORD_ENV, influxPassword);
      pb.environment().put(KAFKA_PASSWORD_ENV, kafkaPassword);
      Process job = pb.start();
      String commandLine = String.join(" ", job.info().arguments().orElse(new String[0]));
      boolean exited = job.waitFor(5, TimeUnit.MINUTES);
      if (!exited) {
        job.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log);
      assertThat(exited).as("bounded job ended; its log:%n%s", tail(output)).isTrue();
      assertThat(job.exitValue()).as("exit code; log:%n%s", tail(output)).isZero();

      assertThat(commandLine).doesNotContain(kafkaPassword).doesNotContain(influxPassword);
      assertThat(output).as("the job logged at INFO").contains("password from env " + JobOptions.PASSWORD_ENV)
          .doesNotContain(kafkaPassword).doesNotContain(influxPassword);
      String sum = influx.query("cx_env", "SELECT sum(n) FROM cx_nps WHERE \"window\" = '1m' AND channel = 'all' "
          + "AND region = 'all' AND team = 'all' AND product = 'all'");
      assertThat(sum).as("every published response counted once").contains("[0," + published + "]");
    }
  }

  private static String tail(String s) {
    return s.length() <= 6_000 ? s : s.substring(s.length() - 6_000);
  }
}
