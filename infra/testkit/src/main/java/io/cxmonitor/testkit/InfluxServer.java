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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real InfluxDB 1.x server ({@code influxd} from Debian's {@code influxdb} package) started as
 * a child process with its own config in a temporary directory: every listener on 127.0.0.1 at
 * a free port, usage reporting and self-monitoring off. Stopped and deleted on close (and by a
 * shutdown hook if the JVM exits first).
 */
public final class InfluxServer implements AutoCloseable {
  /** Environment variable naming the influxd binary when it is not on the PATH. */
  public static final String BINARY_ENV = "CX_INFLUXD";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path dir;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Thread shutdownHook;

  private InfluxServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.shutdownHook = new Thread(this::stopProcess, "influxd-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts influxd and waits until {@code /ping} answers. Retries with new ports if one was taken. */
  public static InfluxServer start() throws IOException, InterruptedException {
    String binary = findBinary();
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      Path dir = Files.createTempDirectory("cx-influxd-");
      try {
        return startIn(binary, dir);
      } catch (IOException e) {
        TempDirs.delete(dir);
        last = e;
      }
    }
    throw last;
  }

  private static InfluxServer startIn(String binary, Path dir) throws IOException, InterruptedException {
    int httpPort = FreePorts.next();
    int rpcPort = FreePorts.next();
    Path config = dir.resolve("influxdb.conf");
    Files.writeString(config, String.join("\n",
        "reporting-enabled = false",
        "bind-address = \"127.0.0.1:" + rpcPort + "\"",
        "[meta]",
        "  dir = \"" + dir.resolve("meta") + "\"",
        "[data]",
        "  dir = \"" + dir.resolve("data") + "\"",
        "  wal-dir = \"" + dir.resolve("wal") + "\"",
        "  query-log-enabled = false",
        "  wal-fsync-delay = \"0s\"",
        "[monitor]",
        "  store-enabled = false",
        "[http]",
        "  enabled = true",
        "  bind-address = \"127.0.0.1:" + httpPort + "\"",
        "  auth-enabled = false",
        "  log-enabled = false",
        "  max-row-limit = 0",
        "[continuous_queries]",
        "  enabled = false",
        "[logging]",
        "  level = \"warn\"",
        ""));
    Path log = dir.resolve("influxd.log");
    Process p = new ProcessBuilder(binary, "run", "-config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    InfluxServer server = new InfluxServer(p, dir, httpPort);
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        String tail = tail(log);
        server.close();
        throw new IOException("influxd exited with code " + p.exitValue() + " during startup. Log:\n" + tail);
      }
      if (server.ping()) {
        return server;
      }
      Thread.sleep(50);
    }
    String tail = tail(log);
    server.close();
    throw new IOException("influxd did not answer /ping within " + STARTUP_TIMEOUT + ". Log:\n" + tail);
  }

  static String findBinary() {
    String configured = System.getenv(BINARY_ENV);
    if (configured != null && !configured.isBlank()) {
      if (new File(configured).canExecute()) {
        return configured;
      }
      throw new IllegalStateException(BINARY_ENV + "=" + configured + " is not an executable file.");
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : (path + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/sbin").split(File.pathSeparator)) {
      File f = new File(d, "influxd");
      if (!d.isEmpty() && f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    throw new IllegalStateException("influxd (InfluxDB 1.x server) not found on PATH. Install it with "
        + "`sudo apt-get install -y influxdb` (Debian/Ubuntu; infra/test.sh and infra/demo.sh do this), "
        + "or set " + BINARY_ENV + " to the influxd binary.");
  }

  private boolean ping() {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/ping"))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 204;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Base URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public void createDatabase(String name) throws IOException, InterruptedException {
    post("/query?q=" + enc("CREATE DATABASE \"" + name + "\""), "");
  }

  /** Runs an InfluxQL query and returns the raw JSON response (times in epoch ms). */
  public String query(String database, String influxQl) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
            url() + "/query?epoch=ms&db=" + enc(database) + "&q=" + enc(influxQl))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("query failed with HTTP " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** Writes line protocol with millisecond timestamps. */
  public void write(String database, String lineProtocol) throws IOException, InterruptedException {
    post("/write?precision=ms&db=" + enc(database), lineProtocol);
  }

  private void post(String pathAndQuery, String body) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("POST " + pathAndQuery + " failed with HTTP " + r.statusCode() + ": " + r.body());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void stopProcess() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run already
    }
    TempDirs.delete(dir);
  }
}
