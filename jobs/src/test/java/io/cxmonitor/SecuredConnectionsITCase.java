package io.cxmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.platform.influx.InfluxSinkOptions;
import io.cxmonitor.platform.influx.InfluxWriteClient;
import io.cxmonitor.platform.influx.PasswordSource;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.platform.testing.LogCapture;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.GeneratorCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The generator and the survey job against a Kafka broker that accepts only SASL/PLAIN and an
 * influxd that serves only HTTPS (self-signed certificate) and demands a user, with every password
 * in a file outside the repository: the records get through, the KPIs land in InfluxDB, and no log
 * line at INFO or above — Flink's and Kafka's included — holds a password. A wrong Kafka password
 * fails the job with Kafka's authentication error, which shows the properties reach the clients.
 */
class SecuredConnectionsITCase {
  private static final String DB = "cx_secured";
  private static final String WRITER = "cx-writer";
  private static final String KAFKA_PASSWORD = "kafka-pw-" + UUID.randomUUID();
  private static final String WRITER_PASSWORD = "influx-pw-" + UUID.randomUUID();
  private static final String ADMIN_PASSWORD = "admin-pw-" + UUID.randomUUID();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir
  static Path secrets;

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void startServers() throws Exception {
    kafka = KafkaBroker.startWithSaslPlain("cx", KAFKA_PASSWORD);
    influx = InfluxServer.start(new InfluxServer.Security("admin", ADMIN_PASSWORD, true));
    influx.createDatabase(DB);
    // The sink needs to write, nothing more (it is told not to CREATE DATABASE).
    influx.query(null, "CREATE USER \"" + WRITER + "\" WITH PASSWORD '" + WRITER_PASSWORD + "'");
    influx.query(null, "GRANT WRITE ON \"" + DB + "\" TO \"" + WRITER + "\"");
  }

  @AfterAll
  static void stopServers() {
    if (kafka != null) {
      kafka.close();
    }
    if (influx != null) {
      influx.close();
    }
  }

  /** Kafka client properties as an operator writes them: the password only as a reference to a file. */
  private static Path kafkaConfig(String name, String password) throws IOException {
    Path secretFile = Files.writeString(secrets.resolve(name + "-secrets.properties"), "password=" + password + "\n");
    return Files.writeString(secrets.resolve(name + ".properties"), String.join("\n",
        "security.protocol=SASL_PLAINTEXT",
        "sasl.mechanism=PLAIN",
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"cx\" "
            + "password=\"${file:" + secretFile + ":password}\";",
        "request.timeout.ms=10000",
        "default.api.timeout.ms=20000", ""));
  }

  private static String[] jobArgs(Path kafkaConfig, Path passwordFile, String group) {
    return new String[] {"--bootstrap-servers", kafka.bootstrapServers(), "--kafka-config", kafkaConfig.toString(),
        "--group-id", group, "--start-from", "EARLIEST", "--bounded",
        "--influx-url", influx.url(), "--influx-ca-file", influx.caFile().toString(), "--influx-db", DB,
        "--influx-user", WRITER, "--influx-password-file", passwordFile.toString(), "--no-influx-create-db",
        "--checkpoint-interval", "PT1S", "--parallelism", "1"};
  }

  /** The job's environment on the test's MiniCluster, failing for good at the first error. */
  private static StreamExecutionEnvironment environment() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration noRestart = new Configuration();
    noRestart.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    env.configure(noRestart);
    return env;
  }

  @Test
  void generatorAndSurveyJobWorkOverSaslAndHttpsAndNoLogLineHoldsAPassword() throws Exception {
    Path kafkaConfig = kafkaConfig("kafka", KAFKA_PASSWORD);
    Path passwordFile = Files.writeString(secrets.resolve("influx-password"), WRITER_PASSWORD + "\n");
    // The generator shapes its volume by the hour of day (UTC): the hour from the last 10:00 that has
    // passed gives the same traffic whenever the test runs, so the volume checks below hold at night too.
    Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(10));
    if (start.plus(Duration.ofHours(1)).isAfter(Instant.now())) {
      start = start.minus(Duration.ofDays(1));
    }
    try (LogCapture log = LogCapture.atLevel(Level.INFO)) {
      int generated = new CommandLine(new GeneratorCli()).execute("--bootstrap-servers", kafka.bootstrapServers(),
          "--kafka-config", kafkaConfig.toString(), "--create-topics", "1", "--start", start.toString(),
          "--duration", "PT1H", "--rate", "60", "--speed", "0", "--out-of-order-share", "0", "--late-share", "0",
          "--poison-every", "40", "--progress-every", "PT1H");
      assertThat(generated).as("generator exit code").isZero();

      StreamExecutionEnvironment env = environment();
      SurveyKpiJob.fromArgs(jobArgs(kafkaConfig, passwordFile, "secured-it")).configure(env);
      env.execute("secured-connections-it");

      // Independent oracle: the survey topic as written, decoded record by record.
      long withNps = 0;
      long undecodable = 0;
      WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(Topics.SURVEYS)) {
        try {
          withNps += codec.decode(r.value(), null).getNps() == null ? 0 : 1;
        } catch (WireFormat.DecodeException e) {
          undecodable++;
        }
      }
      assertThat(withNps).isGreaterThan(100);
      assertThat(undecodable).isGreaterThan(5);
      assertThat(sumOfOverallMinuteN()).as("NPS responses counted in InfluxDB").isEqualTo(withNps);
      List<ConsumerRecord<byte[], byte[]>> deadLetters = kafka.readAll(Topics.DEAD_LETTER);
      assertThat(deadLetters.stream().filter(d -> DeadLetter.Kind.UNDECODABLE.name().equals(KafkaBroker.header(d, DeadLetter.HEADER_KIND))))
          .as("undecodable records dead-lettered").hasSize((int) undecodable);

      assertThat(log.lines()).as("lines logged").isNotEmpty();
      for (String secret : List.of(KAFKA_PASSWORD, WRITER_PASSWORD, ADMIN_PASSWORD)) {
        assertThat(log.linesContaining(secret)).as("log lines holding a password").isEmpty();
      }
    }
  }

  @Test
  void aWrongKafkaPasswordFailsTheJobWithKafkasAuthenticationError() throws Exception {
    Path wrong = kafkaConfig("wrong", "not-" + KAFKA_PASSWORD);
    Path passwordFile = Files.writeString(secrets.resolve("influx-password-2"), WRITER_PASSWORD);
    kafka.createTopics(1, Topics.SURVEYS, Topics.DEAD_LETTER);
    StreamExecutionEnvironment env = environment();
    SurveyKpiJob.fromArgs(jobArgs(wrong, passwordFile, "wrong-password-it")).configure(env);
    assertThatThrownBy(() -> env.execute("wrong-kafka-password-it"))
        .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
            .contains("SaslAuthenticationException").contains("Invalid username or password")
            .doesNotContain(KAFKA_PASSWORD));
  }

  @Test
  void theInfluxClientTrustsOnlyTheGivenCaAndReadsThePasswordItself() throws Exception {
    Path passwordFile = Files.writeString(secrets.resolve("influx-password-3"), WRITER_PASSWORD);
    String point = "cx_secured_check,channel=chat n=1i " + Instant.now().toEpochMilli();
    InfluxSinkOptions options = InfluxSinkOptions.defaults(influx.url(), DB).withCredentials(WRITER,
        PasswordSource.file(passwordFile));

    try (InfluxWriteClient trusted = new InfluxWriteClient(options.withCaFile(influx.caFile().toString()))) {
      trusted.write(List.of(point));
    }
    assertThat(influx.query(DB, "SELECT n FROM cx_secured_check")).contains(",1]");

    try (InfluxWriteClient untrusted = new InfluxWriteClient(options)) {
      assertThatThrownBy(() -> untrusted.write(List.of(point))).isInstanceOf(IOException.class)
          .hasMessageContaining("unable to find valid certification path");
    }
    Path wrongPassword = Files.writeString(secrets.resolve("influx-password-wrong"), "not-" + WRITER_PASSWORD);
    try (InfluxWriteClient wrong = new InfluxWriteClient(options.withCaFile(influx.caFile().toString())
        .withCredentials(WRITER, PasswordSource.file(wrongPassword)))) {
      assertThatThrownBy(() -> wrong.write(List.of(point))).isInstanceOf(IOException.class)
          .hasMessageContaining("authorization failed").hasMessageNotContaining(WRITER_PASSWORD);
    }
  }

  /** Sum of n over the overall (all dimensions 'all') one-minute NPS points. */
  private static long sumOfOverallMinuteN() throws Exception {
    String json = influx.query(DB, "SELECT sum(n) FROM cx_nps WHERE \"window\" = '1m' AND channel = 'all' "
        + "AND region = 'all' AND team = 'all' AND product = 'all'");
    Matcher m = Pattern.compile("\\[0,(\\d+)\\]").matcher(json);
    assertThat(m.find()).as("sum in %s", json).isTrue();
    return Long.parseLong(m.group(1));
  }
}
