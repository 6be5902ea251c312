package io.cxmonitor.platform.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.SchemaRegistryClient;
import io.cxmonitor.platform.testing.LogCapture;
import io.cxmonitor.platform.testing.RegistryModeRuns;
import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.BasicAuthProxy;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema registry that requires HTTP basic authentication: the real Apicurio Registry behind the
 * testkit's {@link BasicAuthProxy} (Apicurio 2.6 cannot check a user and password by itself without
 * an OpenID Connect server such as Keycloak). With the right {@code --schema-registry-credentials-file}
 * the survey job reads Confluent-framed surveys through it; with wrong or no credentials the job
 * does not start (exit status 3) and says what to fix, and the password is in no output.
 */
class RegistryAuthITCase {
  private static final String USER = "cx-jobs";
  private static final String PASSWORD = "reg-pw-" + java.util.UUID.randomUUID();
  private static final String WRONG = "reg-wrong-" + java.util.UUID.randomUUID();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  @AutoClose
  private static RegistryModeRuns servers;
  @AutoClose
  private static BasicAuthProxy proxy;
  /** The registry's Confluent API, as the jobs reach it: through the proxy. */
  private static String url;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    servers = RegistryModeRuns.start("auth.surveys", "auth.dlq");
    proxy = BasicAuthProxy.start(servers.registry.confluentUrl(), USER, PASSWORD);
    url = proxy.through(servers.registry.confluentUrl());
  }

  private static Path credentials(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content + "\n");
  }

  private static String[] args(String db, String... extra) {
    return argsTo(url, db, extra);
  }

  private static String[] argsTo(String registry, String db, String... extra) {
    List<String> a = new ArrayList<>(List.of("--bootstrap-servers", servers.kafka.bootstrapServers(),
        "--topic", "auth.surveys", "--dead-letter-topic", "auth.dlq", "--group-id", "auth-" + db,
        "--start-from", "EARLIEST", "--bounded", "--checkpoint-interval", "PT2S",
        "--influx-url", servers.influx.url(), "--influx-db", db, "--parallelism", "1",
        "--value-format", "confluent", "--schema-registry", registry));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void theRightCredentialsReadSurveysThroughTheAuthenticatingRegistry() throws Exception {
    Path right = credentials("right.cred", USER + ":" + PASSWORD);
    SchemaRegistryClient.Config config = SchemaRegistryClient.Config.of(url).withCredentialsFile(right.toString());
    int id = config.connect().register("auth.surveys-value", SurveyResponse.getClassSchema());
    int published = 0;
    WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
    try (KafkaPublisher publisher = new KafkaPublisher(servers.kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(SimulationConfig.defaults(31, Instant.parse("2026-03-02T07:00:00Z"),
          Duration.ofMinutes(30)).withRate(120).withDisorder(0, Duration.ZERO, 0));
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (r.record() instanceof SurveyResponse s) {
          publisher.sendRaw("auth.surveys", r.key(), ConfluentFraming.frame(id, codec.encodeBody(s)));
          published++;
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).isZero();
    }
    assertThat(published).isGreaterThan(50);
    RegistryCheck.check(config); // passes: no exception
    int refusedBefore = proxy.refused();

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    SurveyKpiJob.fromArgs(args("cx_auth", "--schema-registry-credentials-file", right.toString())).configure(env);
    env.execute("survey-auth");

    assertThat(servers.kafka.readAll("auth.dlq")).as("dead letters").isEmpty();
    assertThat(servers.eventsCounted("cx_auth", "surveys")).isEqualTo(published);
    assertThat(proxy.refused()).as("requests refused while the job ran").isEqualTo(refusedBefore);
  }

  @Test
  void wrongOrMissingCredentialsStopTheJobAtStartWithStatus3AndWhatToFix() throws Exception {
    Path wrong = credentials("wrong.cred", USER + ":" + WRONG);
    Outcome refused = runMain(args("cx_auth_wrong", "--schema-registry-credentials-file", wrong.toString()));
    assertThat(refused.status()).as(refused.output()).isEqualTo(JobMain.EXIT_STARTUP_CHECK);
    assertThat(refused.output()).contains("start-up check failed, the job was not started")
        .contains("the schema registry at " + url + " refuses the user and password in " + wrong + " (HTTP 401)")
        .doesNotContain(WRONG).doesNotContain(PASSWORD);

    Outcome none = runMain(args("cx_auth_none"));
    assertThat(none.status()).as(none.output()).isEqualTo(JobMain.EXIT_STARTUP_CHECK);
    assertThat(none.output()).contains("the schema registry at " + url + " requires authentication (HTTP 401): "
        + "give --schema-registry-credentials-file FILE");

    // the registry's root instead of its Confluent API (/apis/ccompat/v7)
    Outcome wrongPath = runMain(argsTo(proxy.url(), "cx_auth_path", "--schema-registry-credentials-file", credentials("right2.cred", USER + ":" + PASSWORD).toString()));
    assertThat(wrongPath.status()).as(wrongPath.output()).isEqualTo(JobMain.EXIT_STARTUP_CHECK);
    assertThat(wrongPath.output()).contains("has no Confluent-compatible API (HTTP 404 for GET /subjects)")
        .doesNotContain(PASSWORD);
  }

  private record Outcome(int status, String output) {}

  /** The job's main as a user runs it (JobMain, start-up checks included), its standard error and log. */
  private static Outcome runMain(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int status;
    try (LogCapture log = LogCapture.atLevel(Level.DEBUG)) {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        status = JobMain.run(new SurveyKpiJob(), args);
      } finally {
        System.setErr(err);
      }
      return new Outcome(status, captured.toString(StandardCharsets.UTF_8) + "\n" + String.join("\n", log.lines()));
    }
  }
}
