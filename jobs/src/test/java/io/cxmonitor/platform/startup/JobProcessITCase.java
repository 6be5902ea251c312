package io.cxmonitor.platform.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.FreePorts;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A KPI job started as the README says ({@code java -cp target/cx-jobs-<version>.jar:target/lib/*}, the
 * packaged runtime classpath): it carries no test artifact, exits with status 3 and the reason when
 * the start-up check fails, and keeps its log small while Kafka cannot be reached.
 */
class JobProcessITCase {
  private static final Path TARGET = Path.of("target");
  private static final Path LOGS = TARGET.resolve("job-process-it");
  private static final long ONE_MB = 1_000_000;

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(LOGS);
    kafka = KafkaBroker.start();
    kafka.createTopics(1, Topics.SURVEYS, Topics.DEAD_LETTER);
    influx = InfluxServer.startWithAuth("admin", "admin-secret");
    influx.createDatabase("process_it");
    influx.createUser("writer", "pw-right-7", "WRITE", "process_it");
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
    if (influx != null) {
      influx.close();
    }
  }

  /** The jobs' jar (not the cluster job jar, -job.jar) and target/lib: what `mvn package` leaves for `java -cp`. */
  private static List<Path> runtimeClasspath() throws IOException {
    List<Path> cp = new ArrayList<>();
    try (Stream<Path> jars = Files.list(TARGET)) {
      jars.filter(p -> p.getFileName().toString().matches("cx-jobs-.*(?<!-tests)(?<!-job)\\.jar")).forEach(cp::add);
    }
    assertThat(cp).as("the packaged jobs jar in %s", TARGET.toAbsolutePath()).hasSize(1);
    try (Stream<Path> jars = Files.list(TARGET.resolve("lib"))) {
      jars.sorted().forEach(cp::add);
    }
    return cp;
  }

  @Test
  void theRuntimeClasspathHoldsNoTestArtifactAndNoForeignLogConfiguration() throws IOException {
    List<Path> cp = runtimeClasspath();
    assertThat(cp).extracting(p -> p.getFileName().toString())
        .noneMatch(n -> n.contains("test") || n.contains("junit"))
        .anyMatch(n -> n.startsWith("log4j-core"));
    for (Path jar : cp) {
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        assertThat(zip.stream().map(e -> e.getName()).filter(n -> n.matches("log4j2?(-test)?\\.(ya?ml|json|jsn|xml|properties)")))
            .as("log4j configuration found by default in %s", jar).isEmpty();
        if (jar.getFileName().toString().startsWith("cx-jobs")) {
          assertThat(zip.getEntry(JobMain.LOG_CONFIG)).as(JobMain.LOG_CONFIG).isNotNull();
        }
      }
    }
  }

  @Test
  void aWrongPasswordEndsTheJobWithinThirtySecondsWithStatus3AndTheReason() throws Exception {
    Process p = start("wrong-password", "pw-wrong-3", List.of("--bootstrap-servers", kafka.bootstrapServers()));
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the job exited within 30 s; see %s", log("wrong-password")).isTrue();
      assertThat(p.exitValue()).isEqualTo(JobMain.EXIT_STARTUP_CHECK);
      assertThat(Files.readString(log("wrong-password")))
          .contains("survey-kpi-job: start-up check failed, the job was not started:")
          .contains("InfluxDB at " + influx.url() + " refused the credentials of user 'writer' (HTTP 401")
          .doesNotContain("pw-right-7", "pw-wrong-3");
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUnreachableKafkaEndsTheJobWithinThirtySecondsWithStatus3() throws Exception {
    String nobody = "127.0.0.1:" + FreePorts.next();
    Process p = start("no-kafka", "pw-right-7", List.of("--bootstrap-servers", nobody));
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the job exited within 30 s; see %s", log("no-kafka")).isTrue();
      assertThat(p.exitValue()).isEqualTo(JobMain.EXIT_STARTUP_CHECK);
      assertThat(Files.readString(log("no-kafka"))).contains("Kafka at " + nobody + " (--bootstrap-servers");
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * With the check off (or Kafka gone after it passed), every Kafka client of the job retries its
   * connection and Flink restarts the job: a minute of that must not fill the disk.
   */
  @Test
  void aMinuteWithoutKafkaWritesLessThanOneMegabyteOfLog() throws Exception {
    String nobody = "127.0.0.1:" + FreePorts.next();
    Process p = start("kafka-down", "pw-right-7", List.of("--bootstrap-servers", nobody, "--no-startup-check",
        "--restart-max-delay", "PT2S"));
    try {
      p.waitFor(60, TimeUnit.SECONDS);
      long size = Files.size(log("kafka-down"));
      String text = Files.readString(log("kafka-down"));
      assertThat(text).as("the job ran and tried Kafka").contains("Start-up check skipped").contains(nobody);
      assertThat(size).as("bytes of log in a minute without Kafka; see %s", log("kafka-down")).isLessThan(ONE_MB);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The case the start-up check lets through: Kafka was there at start and goes away while the job runs. */
  @Test
  void aMinuteAfterKafkaWentAwayWritesLessThanOneMegabyteOfLog() throws Exception {
    Process p;
    long before;
    try (KafkaBroker leaving = KafkaBroker.start()) {
      leaving.createTopics(1, Topics.SURVEYS, Topics.DEAD_LETTER);
      p = start("kafka-gone", "pw-right-7", List.of("--bootstrap-servers", leaving.bootstrapServers()));
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .failFast("the job exited; see " + log("kafka-gone"), () -> !p.isAlive())
          .until(() -> Files.readString(log("kafka-gone")).contains("switched from INITIALIZING to RUNNING"));
      before = Files.size(log("kafka-gone"));
    }
    try {
      p.waitFor(60, TimeUnit.SECONDS);
      long written = Files.size(log("kafka-gone")) - before;
      assertThat(Files.readString(log("kafka-gone"))).as("the job passed its check, then lost Kafka")
          .contains("Start-up check passed").contains("could not be established");
      assertThat(written).as("bytes of log in the minute after Kafka went away; see %s", log("kafka-gone"))
          .isLessThan(ONE_MB);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Process start(String name, String password, List<String> args) throws IOException {
    String cp = String.join(File.pathSeparator, runtimeClasspath().stream().map(Path::toString).toList());
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", cp, SurveyKpiJob.class.getName(),
        "--influx-url", influx.url(), "--influx-db", "process_it", "--influx-user", "writer", "--no-influx-create-db",
        "--group-id", "process-it-" + name, "--checkpoint-interval", "PT5S"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name).toFile());
    pb.environment().put("CX_INFLUX_PASSWORD", password);
    return pb.start();
  }

  private static Path log(String name) {
    return LOGS.resolve(name + ".log");
  }
}
