package io.cxmonitor.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.FreePorts;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.testkit.ListeningSockets;
import io.cxmonitor.testkit.SchemaRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each KPI job started as documented ({@code java -cp ... <Job>}, local mode) and the demo, each as
 * a child process against a real Kafka broker and influxd: every socket they (and their children)
 * listen on is on loopback, and the Flink REST endpoint takes no jar upload and offers no cancel button.
 */
class LoopbackOnlyITCase {
  private static final Pattern RUNNING_JOB = Pattern.compile("\"jid\":\"([0-9a-f]{32})\"[^}]*\"state\":\"RUNNING\"");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Path LOGS = Path.of("target", "loopback-it");

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void startServers() throws Exception {
    Assumptions.assumeTrue(ListeningSockets.available(), "needs Linux /proc to list a process's sockets");
    Files.createDirectories(LOGS);
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, Topics.ALL.toArray(String[]::new));
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

  @ParameterizedTest
  @ValueSource(classes = {SurveyKpiJob.class, ServiceKpiJob.class, ChurnKpiJob.class})
  void localJobListensOnLoopbackOnlyAndRefusesJarUploadAndCancel(Class<?> job) throws Exception {
    Process p = start(job.getSimpleName(), job.getName(), jobArgs(job, List.of()));
    try {
      Rest rest = awaitRunningJob(p);
      assertLoopbackOnly(p);

      assertJarUploadRefused(rest.port);
      // web.cancel.enable only takes the web UI's cancel button away: Flink's REST API still
      // cancels (PATCH /jobs/<id>), which is why the endpoint must be on loopback.
      assertThat(get(rest.port, "/config").body()).contains("\"web-submit\":false", "\"web-cancel\":false");
    } finally {
      stop(p);
    }
  }

  /** The refusal above is the option's doing: asked for, the same endpoint takes the upload. */
  @Test
  void jarUploadWorksOnlyWhenAskedFor() throws Exception {
    Process p = start("SurveyKpiJob-web-submit", SurveyKpiJob.class.getName(),
        jobArgs(SurveyKpiJob.class, List.of("--web-submit")));
    try {
      Rest rest = awaitRunningJob(p);
      HttpResponse<String> upload = uploadJar(rest.port);
      assertThat(upload.statusCode()).as("POST /jars/upload: %s", upload.body()).isEqualTo(200);
      assertThat(upload.body()).contains("success");
      assertThat(get(rest.port, "/jars").statusCode()).as("GET /jars").isEqualTo(200);
      assertThat(get(rest.port, "/config").body()).contains("\"web-submit\":true");
      assertLoopbackOnly(p);
    } finally {
      stop(p);
    }
  }

  @Test
  void demoListensOnLoopbackOnly() throws Exception {
    int uiPort = FreePorts.next();
    Process p = start("Demo", Demo.class.getName(), List.of("--flink-ui-port", Integer.toString(uiPort),
        "--rate", "60", "--backfill", "PT10M", "--refresh", "PT2S"));
    try {
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
          .failFast("the demo exited; see " + log("Demo"), () -> !p.isAlive()).untilAsserted(() -> {
        assertThat(Files.readString(log("Demo"))).contains("RUNNING / RUNNING / RUNNING");
      });
      List<ListeningSockets.Listener> listeners = assertLoopbackOnly(p);
      // Kafka (broker, controller), influxd (a child), three embedded Flink clusters
      assertThat(listeners).as("listeners of the demo").hasSizeGreaterThanOrEqualTo(5)
          .anySatisfy(l -> assertThat(l.port()).isEqualTo(uiPort))
          .anySatisfy(l -> assertThat(l.port()).isEqualTo(influx(p)));
      assertJarUploadRefused(uiPort);
    } finally {
      stop(p);
    }
  }

  /** In registry mode the demo also starts its own Apicurio Registry (a child java process), on loopback too. */
  @Test
  void demoInRegistryModeStartsItsOwnRegistryOnLoopbackOnly() throws Exception {
    Process p = start("Demo-registry", Demo.class.getName(), List.of("--flink-ui-port", "0", "--value-format", "confluent",
        "--rate", "60", "--backfill", "PT10M", "--refresh", "PT2S"));
    try {
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
          .failFast("the demo exited; see " + log("Demo-registry"), () -> !p.isAlive()).untilAsserted(() -> {
        assertThat(Files.readString(log("Demo-registry"))).contains("RUNNING / RUNNING / RUNNING");
      });
      Matcher m = Pattern.compile("Confluent framing with the schema registry (http://127\\.0\\.0\\.1:(\\d+)\\S*)")
          .matcher(Files.readString(log("Demo-registry")));
      assertThat(m.find()).as("the demo names its registry").isTrue();
      List<ListeningSockets.Listener> listeners = assertLoopbackOnly(p);
      int registryPort = Integer.parseInt(m.group(2));
      assertThat(listeners).anySatisfy(l -> assertThat(l.port()).isEqualTo(registryPort));
      // the generator registered its schemas there and writes Confluent framing
      await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
          assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/subjects")).build(),
              HttpResponse.BodyHandlers.ofString()).body()).contains("\"" + Topics.INTERACTIONS + "-value\""));
    } finally {
      stop(p);
    }
  }

  /** The port of the demo's own influxd, from its status line. */
  private static int influx(Process demo) throws IOException {
    Matcher m = Pattern.compile("InfluxDB http://127\\.0\\.0\\.1:(\\d+)").matcher(Files.readString(log("Demo")));
    assertThat(m.find()).as("the demo names its InfluxDB").isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static List<String> jobArgs(Class<?> job, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
        "--influx-url", influx.url(), "--influx-db", "loopback_it", "--group-id", "loopback-" + job.getSimpleName(),
        "--checkpoint-interval", "PT5S"));
    args.addAll(extra);
    return args;
  }

  /** Runs {@code mainClass} as the README does: a plain {@code java -cp} with this test's classpath. */
  private static Process start(String name, String mainClass, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        // where the build unpacked Apicurio Registry, for the demo in registry mode (infra/demo.sh passes the same)
        "-D" + SchemaRegistry.HOME_PROPERTY + "=" + System.getProperty(SchemaRegistry.HOME_PROPERTY, ""),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), mainClass));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name).toFile()).start();
  }

  private static Path log(String name) {
    return LOGS.resolve(name + ".log");
  }

  /** Ends the process (and so its shutdown hooks) and whatever it started. */
  private static void stop(Process p) throws InterruptedException {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private record Rest(int port, String jobId) {}

  /** Waits until one of the process's listeners is a Flink REST endpoint reporting a RUNNING job. */
  private static Rest awaitRunningJob(Process p) {
    Rest[] found = new Rest[1];
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
        .failFast("the job process exited; see " + LOGS, () -> !p.isAlive()).untilAsserted(() -> {
      Optional<Rest> rest = Optional.empty();
      for (ListeningSockets.Listener l : ListeningSockets.of(p.toHandle())) {
        rest = runningJob(l.port());
        if (rest.isPresent()) {
          break;
        }
      }
      assertThat(rest).as("a Flink REST endpoint with a RUNNING job").isPresent();
      found[0] = rest.get();
    });
    return found[0];
  }

  private static Optional<Rest> runningJob(int port) {
    try {
      HttpResponse<String> r = get(port, "/jobs/overview");
      Matcher m = RUNNING_JOB.matcher(r.body());
      return r.statusCode() == 200 && m.find() ? Optional.of(new Rest(port, m.group(1))) : Optional.empty();
    } catch (IOException | InterruptedException notRest) {
      return Optional.empty();
    }
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(3)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What the web UI's "Submit new job" sends: a multipart upload of a jar file. */
  private static HttpResponse<String> uploadJar(int port) throws IOException, InterruptedException {
    String boundary = "cx-boundary";
    byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"evil.jar\"\r\n"
        + "Content-Type: application/x-java-archive\r\n\r\nPK\u0005\u0006" + "\0".repeat(18) + "\r\n--" + boundary + "--\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jars/upload"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Without the web-submission handlers Flink answers an upload with 400 and knows no {@code /jars}. */
  private static void assertJarUploadRefused(int port) throws IOException, InterruptedException {
    HttpResponse<String> upload = uploadJar(port);
    assertThat(upload.statusCode()).as("POST /jars/upload: %s", upload.body()).isBetween(400, 499);
    assertThat(upload.body()).doesNotContain("success");
    assertThat(get(port, "/jars").statusCode()).as("GET /jars").isEqualTo(404);
  }

  private static List<ListeningSockets.Listener> assertLoopbackOnly(Process p) throws IOException {
    List<ListeningSockets.Listener> listeners = ListeningSockets.of(p.toHandle());
    System.out.println("pid " + p.pid() + " and its children listen on " + listeners);
    assertThat(listeners).as("listening sockets").isNotEmpty()
        .allSatisfy(l -> assertThat(l.loopback()).as("%s is not on loopback", l).isTrue());
    return listeners;
  }
}
