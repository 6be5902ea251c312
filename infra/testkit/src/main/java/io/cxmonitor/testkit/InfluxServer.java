package io.cxmonitor.testkit;

import java.io.File;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A real InfluxDB 1.x server: the {@code influxd} binary (Debian/Ubuntu package {@code influxdb})
 * started as a child process with a generated config in a fresh temporary directory.
 *
 * <p>The HTTP API and the RPC (backup) service listen on 127.0.0.1 at free ports; graphite,
 * collectd, OpenTSDB, UDP, IFQL and subscriptions are off; usage reporting, self-monitoring,
 * continuous queries and request logging are off. {@link #close()} stops the process and deletes
 * the directory; a JVM shutdown hook does the same if the JVM exits first. {@link #stop()} and
 * {@link #restart()} take the server away and bring it back on the same ports and data, for
 * outage tests.
 *
 * <p>{@link #startWithAuth} turns on authentication ({@code auth-enabled = true}) and creates an
 * admin user; this class's own queries and writes then log in as that admin.
 *
 * <p>The binary is {@value #BINARY_ENV} if set, else {@code influxd} on the {@code PATH} (or in
 * {@code /usr/bin}, {@code /usr/sbin}).
 */
public final class InfluxServer implements AutoCloseable {
  /** Environment variable naming the influxd binary to use instead of the one on the PATH. */
  public static final String BINARY_ENV = "CX_INFLUXD";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;
  private static final String CONFIG = "influxdb.conf";
  private static final String LOG = "influxd.log";
  private static final List<Path> FALLBACK_DIRS = List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"));

  private final Path binary;
  private Process process;
  private final Path dir;
  private final int port;
  private final int rpcPort;
  private final Security security;
  private final HttpClient http;
  private final Thread shutdownHook;
  private boolean closed;

  /**
   * What the server demands of its clients.
   *
   * @param adminUser with a password: {@code auth-enabled}, this admin user created at start and used by this class's
   *     own requests; null for no authentication
   * @param https serve HTTPS only, with a self-signed certificate for 127.0.0.1 made at start ({@link #caFile()})
   */
  public record Security(String adminUser, String adminPassword, boolean https) {
    public static final Security NONE = new Security(null, null, false);

    public Security {
      if ((adminUser == null) != (adminPassword == null)) {
        throw new IllegalArgumentException("an admin user needs a password and a password a user");
      }
    }

    boolean auth() {
      return adminUser != null;
    }

    /** Without the password. */
    @Override
    public String toString() {
      return "Security[adminUser=" + adminUser + ", https=" + https + "]";
    }
  }

  private InfluxServer(Path binary, Process process, Path dir, int port, int rpcPort, Security security, SSLContext tls) {
    this.binary = binary;
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.rpcPort = rpcPort;
    this.security = security;
    HttpClient.Builder http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      http.sslContext(tls);
    }
    this.http = http.build();
    this.shutdownHook = new Thread(this::stopAndDelete, "influxd-" + port + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts influxd on free loopback ports and waits (up to 30 s) until {@code GET /ping} answers
   * 204. If a port was taken in the meantime, it tries again with new ports (3 attempts in all).
   *
   * @throws IllegalStateException if no influxd binary is found
   * @throws IOException if influxd exits or does not answer in time; the message ends with its log
   */
  public static InfluxServer start() throws IOException, InterruptedException {
    return start(Security.NONE);
  }

  /**
   * Like {@link #start()}, with authentication on: every request needs a user, and
   * {@code adminUser} (created with all privileges) is the one this class uses. Create more users
   * with {@link #createUser} or {@link #query} ({@code CREATE USER ...}, {@code GRANT ...}).
   */
  public static InfluxServer startWithAuth(String adminUser, String adminPassword) throws IOException, InterruptedException {
    return start(new Security(adminUser, adminPassword, false));
  }

  /** As {@link #start()}, with authentication and/or HTTPS as {@code security} says. */
  public static InfluxServer start(Security security) throws IOException, InterruptedException {
    Path binary = findBinary(System.getenv(), FALLBACK_DIRS);
    IOException failure = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return startOnce(binary, FreePorts.next(), FreePorts.next(), security);
      } catch (PortTakenException e) {
        failure = e;
      }
    }
    throw new IOException("influxd could not bind its ports in " + START_ATTEMPTS + " attempts", failure);
  }

  /**
   * One start attempt on the given ports.
   *
   * @throws PortTakenException if influxd exits because a port is in use
   */
  static InfluxServer startOnce(Path binary, int httpPort, int rpcPort) throws IOException, InterruptedException {
    return startOnce(binary, httpPort, rpcPort, Security.NONE);
  }

  private static InfluxServer startOnce(Path binary, int httpPort, int rpcPort, Security security)
      throws IOException, InterruptedException {
    while (rpcPort == httpPort) {
      rpcPort = FreePorts.next();
    }
    Path dir = TempDirs.create("cx-influxd-");
    Process process;
    SSLContext tls = null;
    try {
      if (security.https()) {
        SelfSignedCertificate.create(dir, CERTIFICATE, PRIVATE_KEY);
        tls = SelfSignedCertificate.trusting(dir.resolve(CERTIFICATE));
      }
      Files.writeString(dir.resolve(CONFIG), config(dir, httpPort, rpcPort, security));
      process = launch(binary, dir);
    } catch (IOException e) {
      TempDirs.delete(dir);
      throw new IOException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    InfluxServer server = new InfluxServer(binary, process, dir, httpPort, rpcPort, security, tls);
    try {
      server.awaitReady();
      if (security.auth()) {
        // With auth-enabled and no user yet, influxd accepts exactly this statement without credentials.
        server.sendAsIs(HttpRequest.newBuilder(server.uri("/query", "q", "CREATE USER " + identifier(security.adminUser())
            + " WITH PASSWORD '" + security.adminPassword().replace("\\", "\\\\").replace("'", "\\'")
            + "' WITH ALL PRIVILEGES")).POST(HttpRequest.BodyPublishers.noBody()), 200);
      }
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** Starts influxd with the config in {@code dir}; its output is appended to the log there. */
  private static Process launch(Path binary, Path dir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(binary.toString(), "run", "-config", dir.resolve(CONFIG).toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG).toFile()));
    // INFLUXDB_* variables override the config file (e.g. INFLUXDB_HTTP_BIND_ADDRESS); ignore them.
    pb.environment().keySet().removeIf(k -> k.toUpperCase(Locale.ROOT).startsWith("INFLUXDB_"));
    return pb.start();
  }

  /**
   * Stops influxd the way an operator would (SIGTERM, SIGKILL after 10 s) and keeps its directory:
   * data, WAL and config stay for {@link #restart()}. Clients get "connection refused" meanwhile.
   */
  public synchronized void stop() throws InterruptedException {
    if (closed) {
      throw new IllegalStateException("closed: " + this);
    }
    terminate(process);
  }

  /** Whether the influxd process is running (false after {@link #stop()} until {@link #restart()}). */
  public synchronized boolean isRunning() {
    return !closed && process.isAlive();
  }

  /**
   * Starts influxd again on the same ports with the same data directory and waits until it
   * answers, as after a server restart. Stops it first if it is still running.
   *
   * @throws IOException if it does not come back, e.g. because another process took its port
   *     while it was down (the message ends with its log)
   */
  public synchronized void restart() throws IOException, InterruptedException {
    if (closed) {
      throw new IllegalStateException("closed: " + this);
    }
    terminate(process);
    process = launch(binary, dir);
    awaitReady();
  }

  private static void terminate(Process process) throws InterruptedException {
    ChildProcesses.terminate(process, STOP_TIMEOUT);
  }

  private static final String CERTIFICATE = "influxd-cert.pem";
  private static final String PRIVATE_KEY = "influxd-key.pem";

  static String config(Path dir, int httpPort, int rpcPort) {
    return config(dir, httpPort, rpcPort, Security.NONE);
  }

  /** The generated influxdb.conf (InfluxDB 1.6 keys). */
  static String config(Path dir, int httpPort, int rpcPort, Security security) {
    return String.join("\n",
        "reporting-enabled = false",
        "bind-address = " + toml("127.0.0.1:" + rpcPort),
        "",
        "[meta]",
        "  dir = " + toml(dir.resolve("meta").toString()),
        "  logging-enabled = false",
        "",
        "[data]",
        "  dir = " + toml(dir.resolve("data").toString()),
        "  wal-dir = " + toml(dir.resolve("wal").toString()),
        "  query-log-enabled = false",
        "",
        "[monitor]",
        "  store-enabled = false",
        "",
        "[subscriber]",
        "  enabled = false",
        "",
        "[http]",
        "  enabled = true",
        "  bind-address = " + toml("127.0.0.1:" + httpPort),
        "  auth-enabled = " + security.auth(),
        "  log-enabled = false",
        "  https-enabled = " + security.https(),
        "  https-certificate = " + toml(dir.resolve(CERTIFICATE).toString()),
        "  https-private-key = " + toml(dir.resolve(PRIVATE_KEY).toString()),
        "  unix-socket-enabled = false",
        "  max-row-limit = 0",
        "",
        "[continuous_queries]",
        "  enabled = false",
        "  log-enabled = false",
        "",
        "[logging]",
        "  level = \"warn\"",
        "  suppress-logo = true",
        "",
        "[ifql]",
        "  enabled = false",
        "  bind-address = \"127.0.0.1:8082\"",
        "",
        "[[graphite]]",
        "  enabled = false",
        "  bind-address = \"127.0.0.1:2003\"",
        "",
        "[[collectd]]",
        "  enabled = false",
        "  bind-address = \"127.0.0.1:25826\"",
        "",
        "[[opentsdb]]",
        "  enabled = false",
        "  bind-address = \"127.0.0.1:4242\"",
        "",
        "[[udp]]",
        "  enabled = false",
        "  bind-address = \"127.0.0.1:8089\"",
        "");
  }

  private static String toml(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private void awaitReady() throws IOException, InterruptedException {
    Path log = dir.resolve(LOG);
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        String tail = tail(log);
        String message = "influxd exited with code " + process.exitValue() + " while starting ("
            + url() + ", rpc 127.0.0.1:" + rpcPort + "). Last lines of " + log + ":\n" + tail;
        if (tail.contains("address already in use")) {
          throw new PortTakenException(message);
        }
        throw new IOException(message);
      }
      if (ping()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("influxd did not answer " + url() + "/ping within " + STARTUP_TIMEOUT.toSeconds()
            + " s. Last lines of " + log + ":\n" + tail(log));
      }
      Thread.sleep(50);
    }
  }

  /**
   * Finds the influxd binary: {@code env[CX_INFLUXD]} if set, else the first executable
   * {@code influxd} in {@code env[PATH]}, then in {@code fallbackDirs}.
   */
  static Path findBinary(Map<String, String> env, List<Path> fallbackDirs) {
    String configured = env.get(BINARY_ENV);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toAbsolutePath();
      }
      throw new IllegalStateException(BINARY_ENV + "=" + configured + " is not an executable file; point it at "
          + "the InfluxDB 1.x server binary (influxd) or unset it to use the one on the PATH.");
    }
    List<Path> dirs = new ArrayList<>();
    for (String d : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isBlank()) {
        dirs.add(Path.of(d));
      }
    }
    dirs.addAll(fallbackDirs);
    for (Path d : dirs) {
      Path p = d.resolve("influxd");
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toAbsolutePath();
      }
    }
    throw new IllegalStateException("influxd (InfluxDB 1.x server) not found on the PATH or in " + fallbackDirs
        + ": install it with `sudo apt-get install -y influxdb` (Debian/Ubuntu; infra/prerequisites.sh does this), "
        + "or set " + BINARY_ENV + " to the influxd binary.");
  }

  private boolean ping() throws InterruptedException {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/ping"))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 204;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Base URL of the HTTP API, {@code http://127.0.0.1:<port>} ({@code https://} when started with HTTPS). */
  public String url() {
    return (security.https() ? "https" : "http") + "://127.0.0.1:" + port;
  }

  /** PEM file of the self-signed certificate an HTTPS server presents (trust it to connect); null without HTTPS. */
  public Path caFile() {
    return security.https() ? dir.resolve(CERTIFICATE) : null;
  }

  /** Port of the HTTP API on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Port of the RPC (backup/restore) service on 127.0.0.1. */
  int rpcPort() {
    return rpcPort;
  }

  /** The server's temporary directory (config, {@code influxd.log}, data); deleted by {@link #close()}. */
  public Path directory() {
    return dir;
  }

  /** Creates the database if it does not exist yet. */
  public void createDatabase(String name) throws IOException, InterruptedException {
    String body = send(HttpRequest.newBuilder(uri("/query", "q", "CREATE DATABASE " + identifier(name)))
        .POST(HttpRequest.BodyPublishers.noBody()), 200);
    if (body.contains("\"error\"")) {
      throw new IOException("CREATE DATABASE " + name + " failed: " + body);
    }
  }

  /**
   * Creates a (non-admin) user with {@code privilege} (READ, WRITE or ALL) on {@code database}; for
   * a server started with {@link #startWithAuth}.
   */
  public void createUser(String user, String password, String privilege, String database)
      throws IOException, InterruptedException {
    for (String q : List.of("CREATE USER " + identifier(user) + " WITH PASSWORD " + literal(password),
        "GRANT " + privilege + " ON " + identifier(database) + " TO " + identifier(user))) {
      String body = query(null, q);
      if (body.contains("\"error\"")) {
        throw new IOException(q.startsWith("CREATE") ? "CREATE USER " + user + " failed: " + body : q + " failed: " + body);
      }
    }
  }

  /**
   * Runs InfluxQL and returns the raw JSON response, times as epoch milliseconds. {@code SELECT}
   * and {@code SHOW} go as GET, anything else as POST. An error in a statement is reported inside
   * the JSON ({@code "error": ...}, e.g. an unknown database) as InfluxDB does.
   *
   * @param database database for unqualified measurements, or null/empty for none
   * @throws IOException if the server answers with an HTTP status other than 200, e.g. 400 for a
   *     query that does not parse
   */
  public String query(String database, String influxQl) throws IOException, InterruptedException {
    String db = database == null ? "" : database;
    URI uri = uri("/query", "db", db, "epoch", "ms", "q", influxQl);
    String verb = influxQl.stripLeading().toUpperCase(Locale.ROOT);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (verb.startsWith("SELECT") || verb.startsWith("SHOW")) {
      request.GET();
    } else {
      request.POST(HttpRequest.BodyPublishers.noBody());
    }
    return send(request, 200);
  }

  /**
   * Writes points in line protocol, timestamps in epoch milliseconds.
   *
   * @throws IOException if the server rejects any point (the message carries its reason)
   */
  public void write(String database, String lineProtocol) throws IOException, InterruptedException {
    send(HttpRequest.newBuilder(uri("/write", "db", database, "precision", "ms"))
        .POST(HttpRequest.BodyPublishers.ofString(lineProtocol, StandardCharsets.UTF_8)), 204);
  }

  private URI uri(String path, String... params) {
    StringBuilder s = new StringBuilder(url()).append(path);
    for (int i = 0; i < params.length; i += 2) {
      s.append(i == 0 ? '?' : '&').append(params[i]).append('=')
          .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
    }
    return URI.create(s.toString());
  }

  private String send(HttpRequest.Builder request, int expectedStatus) throws IOException, InterruptedException {
    if (security.auth()) {
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (security.adminUser() + ":" + security.adminPassword()).getBytes(StandardCharsets.UTF_8)));
    }
    return sendAsIs(request, expectedStatus);
  }

  private String sendAsIs(HttpRequest.Builder request, int expectedStatus) throws IOException, InterruptedException {
    HttpRequest r = request.timeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expectedStatus) {
      throw new IOException(r.method() + " " + r.uri() + " answered HTTP " + response.statusCode() + ": "
          + response.body());
    }
    return response.body();
  }

  /** Quotes an InfluxQL identifier. */
  private static String identifier(String name) {
    return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Quotes an InfluxQL string literal (a password). */
  private static String literal(String s) {
    return '\'' + s.replace("\\", "\\\\").replace("'", "\\'") + '\'';
  }

  private static String tail(Path log) {
    return ChildProcesses.tail(log, LOG_TAIL_LINES);
  }

  /** Stops influxd (SIGTERM, then SIGKILL after 10 s) and deletes the directory. */
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

  /** Stops influxd and deletes its directory. Idempotent. */
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
    return "InfluxServer[" + url() + ", " + dir + "]";
  }

  /** Startup failed because a port was taken between choosing and binding it. */
  static final class PortTakenException extends IOException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
      super(message);
    }
  }
}
