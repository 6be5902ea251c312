package io.cxmonitor.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Apicurio Registry 2.x (H2 storage in a file of its working directory) started as a child {@code java} process on a
 * free loopback port, for tests that speak the Confluent schema registry API it serves at
 * {@code /apis/ccompat/v7} ({@link #confluentUrl()}).
 *
 * <p>The registry is the Quarkus build of {@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all},
 * unpacked by Maven before the integration tests; its directory is the system property
 * {@value #HOME_PROPERTY} (or the environment variable {@value #HOME_ENV}). It runs with the JVM
 * that runs the tests. {@link #close()} stops it and deletes its working directory; a JVM shutdown
 * hook does the same if the JVM exits first. {@link #stop()} and {@link #restart()} take it away and
 * bring it back on the same port, for outage tests: like a real registry after an outage it comes
 * back with every schema it had, under the same ids. (With Apicurio's default in-memory storage a
 * restarted registry would answer 404 for the ids it had until they were registered again, and a
 * job asking in between would rightly dead-letter the record as "unknown schema id".)
 */
public final class SchemaRegistry implements AutoCloseable {
  /** System property naming the unpacked registry distribution (the directory with the runner jar). */
  public static final String HOME_PROPERTY = "cx.apicurio.home";
  /** Environment variable naming it when the system property is not set. */
  public static final String HOME_ENV = "CX_APICURIO_HOME";
  /** Content type of the Confluent API. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;
  private static final String LOG = "registry.log";
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

  private final Path runnerJar;
  private final Path dir;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final Thread shutdownHook;
  private Process process;
  private boolean closed;

  private SchemaRegistry(Path runnerJar, Path dir, int port, Process process) {
    this.runnerJar = runnerJar;
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.shutdownHook = new Thread(this::stopAndDelete, "schema-registry-" + port + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the registry on a free loopback port and waits until {@code GET /health/ready} answers
   * 200 (6–15 s on an idle machine; up to 120 s are allowed). If the port was taken in the
   * meantime, it tries again with a new one (3 attempts in all).
   *
   * @throws IllegalStateException if the unpacked registry is not found
   * @throws IOException if the registry exits or is not ready in time; the message ends with its log
   */
  public static SchemaRegistry start() throws IOException, InterruptedException {
    Path runnerJar = findRunnerJar(System.getProperty(HOME_PROPERTY), System.getenv(HOME_ENV));
    IOException failure = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return startOnce(runnerJar, FreePorts.next());
      } catch (PortTakenException e) {
        failure = e;
      }
    }
    throw new IOException("the schema registry could not bind a port in " + START_ATTEMPTS + " attempts", failure);
  }

  private static SchemaRegistry startOnce(Path runnerJar, int port) throws IOException, InterruptedException {
    Path dir = TempDirs.create("cx-registry-");
    Process process;
    try {
      process = launch(runnerJar, dir, port);
    } catch (IOException e) {
      TempDirs.delete(dir);
      throw new IOException("cannot start " + runnerJar + ": " + e.getMessage(), e);
    }
    SchemaRegistry registry = new SchemaRegistry(runnerJar, dir, port, process);
    try {
      registry.awaitReady();
      return registry;
    } catch (IOException | InterruptedException | RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** Starts the registry's JVM; the working directory is {@code dir}, its output goes to the log there. */
  private static Process launch(Path runnerJar, Path dir, int port) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb = new ProcessBuilder(java,
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djava.io.tmpdir=" + dir,
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + port,
        // nothing but the HTTP port: no usage reporting, no access log, quiet console
        "-Dquarkus.log.level=WARN",
        "-Dquarkus.log.category.\"io.quarkus\".level=INFO",
        "-jar", runnerJar.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG).toFile()));
    // The registry maps REGISTRY_*, QUARKUS_* and APICURIO_* variables onto its configuration; ignore them.
    pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_") || k.startsWith("QUARKUS_")
        || k.startsWith("APICURIO_") || k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("JDK_JAVA_OPTIONS"));
    // storage that outlives a restart (the default is jdbc:h2:mem:registry_db)
    pb.environment().put("REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + dir.resolve("storage").resolve("registry_db"));
    return pb.start();
  }

  /**
   * The registry's runner jar in the directory named by the system property, else the environment
   * variable.
   */
  static Path findRunnerJar(String property, String env) {
    String home = property != null && !property.isBlank() ? property : env;
    if (home == null || home.isBlank()) {
      throw new IllegalStateException("no Apicurio Registry: set the system property " + HOME_PROPERTY + " (or "
          + HOME_ENV + ") to the unpacked io.apicurio:apicurio-registry-app tar.gz:all; `mvn verify` unpacks it to "
          + "target/apicurio-registry and sets the property for the integration tests.");
    }
    Path dir = Path.of(home);
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException(dir + " holds no *-runner.jar: is it the unpacked "
              + "apicurio-registry-app tar.gz:all?"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + dir + " (" + HOME_PROPERTY + "): " + e.getMessage()
          + "; run the tests through `mvn verify`, which unpacks the registry there.", e);
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    Path log = dir.resolve(LOG);
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        String tail = tail(log);
        String message = "the schema registry exited with code " + process.exitValue() + " while starting (" + url()
            + "). Last lines of " + log + ":\n" + tail;
        if (tail.contains("Port already bound") || tail.contains("Address already in use")) {
          throw new PortTakenException(message);
        }
        throw new IOException(message);
      }
      if (ready()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the schema registry was not ready at " + url() + "/health/ready within "
            + STARTUP_TIMEOUT.toSeconds() + " s. Last lines of " + log + ":\n" + tail(log));
      }
      Thread.sleep(200);
    }
  }

  private boolean ready() throws InterruptedException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/health/ready"))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Base URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The Confluent-compatible API, {@code http://127.0.0.1:<port>/apis/ccompat/v7}: what a job's --schema-registry names. */
  public String confluentUrl() {
    return url() + "/apis/ccompat/v7";
  }

  public int port() {
    return port;
  }

  /** The registry's process, while it runs. */
  synchronized ProcessHandle processHandle() {
    return process.toHandle();
  }

  /** The registry's temporary working directory (its log, {@value #LOG}); deleted by {@link #close()}. */
  public Path directory() {
    return dir;
  }

  /**
   * Registers {@code schemaJson} (Avro) under {@code subject} as a producer would
   * ({@code POST /subjects/<subject>/versions}) and returns the id the registry assigned: the id a
   * Confluent-framed record carries. Registering a schema the subject already has returns its id.
   *
   * @throws Refused if the registry refuses it, e.g. 409 when the subject's compatibility check fails
   */
  public int register(String subject, String schemaJson) throws IOException, InterruptedException {
    String body = send(HttpRequest.newBuilder(uri("/subjects/" + encode(subject) + "/versions"))
        .header("Content-Type", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":" + jsonString(schemaJson) + "}")));
    Matcher m = ID.matcher(body);
    if (!m.find()) {
      throw new IOException("the registry's answer to registering under " + subject + " has no id: " + body);
    }
    return Integer.parseInt(m.group(1));
  }

  /** Sets the subject's compatibility level (BACKWARD, FORWARD, FULL, NONE, ..._TRANSITIVE): {@code PUT /config/<subject>}. */
  public void setCompatibility(String subject, String level) throws IOException, InterruptedException {
    send(HttpRequest.newBuilder(uri("/config/" + encode(subject)))
        .header("Content-Type", CONTENT_TYPE)
        .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":" + jsonString(level) + "}")));
  }

  /** The registry's raw answer to {@code GET /schemas/ids/<id>} (JSON with the schema as a string). */
  public String schemaById(int id) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri("/schemas/ids/" + id)).GET());
  }

  private URI uri(String path) {
    return URI.create(confluentUrl() + path);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpRequest r = request.timeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new Refused(r.method() + " " + r.uri() + " answered HTTP " + response.statusCode() + ": " + response.body(),
          response.statusCode());
    }
    return response.body();
  }

  /** A JSON string literal. */
  static String jsonString(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /**
   * Stops the registry (SIGTERM, SIGKILL after 15 s) and keeps its port for {@link #restart()}.
   * Clients get "connection refused" meanwhile.
   */
  public synchronized void stop() throws InterruptedException {
    if (closed) {
      throw new IllegalStateException("closed: " + this);
    }
    terminate(process);
  }

  /** Whether the registry process is running (false after {@link #stop()} until {@link #restart()}). */
  public synchronized boolean isRunning() {
    return !closed && process.isAlive();
  }

  /**
   * Starts the registry again on the same port and waits until it is ready, with every schema it had
   * under the same ids. Stops it first if it is still running.
   */
  public synchronized void restart() throws IOException, InterruptedException {
    if (closed) {
      throw new IllegalStateException("closed: " + this);
    }
    terminate(process);
    process = launch(runnerJar, dir, port);
    awaitReady();
  }

  private static void terminate(Process process) throws InterruptedException {
    ChildProcesses.terminate(process, STOP_TIMEOUT);
  }

  private static String tail(Path log) {
    return ChildProcesses.tail(log, LOG_TAIL_LINES);
  }

  private synchronized void stopAndDelete() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      terminate(process);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    TempDirs.delete(dir);
  }

  /** Stops the registry and deletes its directory. Idempotent. */
  @Override
  public void close() {
    stopAndDelete();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException jvmShuttingDown) {
      // the hook runs (or ran) anyway
    }
  }

  @Override
  public String toString() {
    return "SchemaRegistry[" + url() + ", " + dir + "]";
  }

  /** The registry answered a request with an HTTP status other than 200. */
  public static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    Refused(String message, int status) {
      super(message);
      this.status = status;
    }

    /** The HTTP status, e.g. 409 for a schema the subject's compatibility rule refuses. */
    public int status() {
      return status;
    }
  }

  /** Startup failed because the port was taken between choosing and binding it. */
  static final class PortTakenException extends IOException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
      super(message);
    }
  }
}
