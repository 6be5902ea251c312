package io.cxmonitor.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.testkit.ListeningSockets;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A KPI job run as the README runs it — {@code java -cp ... <Job> <options>}, local mode, its own
 * JVM — watched through the embedded cluster's REST endpoint, which listens on a port the OS picks
 * (found among the process's listening sockets). {@link #kill()} is {@code kill -9}.
 */
final class JobProcess {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private int restPort;
  private String jobId;

  private JobProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code mainClass} with this JVM's classpath and module flags (Flink needs the --add-opens on Java 17). */
  static JobProcess start(Class<?> mainClass, List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), mainClass.getName()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    return new JobProcess(p, log);
  }

  /** Waits until the job runs and has completed a checkpoint since this start. */
  JobProcess awaitCheckpoint() {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300))
        .failFast("the job process exited; see " + log, () -> !process.isAlive())
        .until(() -> (jobId != null || findRunningJob()) && checkpoints().path("counts").path("completed").asLong() > 0);
    return this;
  }

  /** The checkpoint this run restored from (REST {@code latest.restored.external_path}), if any. */
  Optional<String> restoredFrom() throws IOException, InterruptedException {
    JsonNode restored = checkpoints().path("latest").path("restored");
    return restored.isMissingNode() || restored.isNull() ? Optional.empty() : Optional.of(restored.path("external_path").asText());
  }

  /** {@code kill -9}: no shutdown hook, no cancel, no final checkpoint. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("killed job process ends").isTrue();
  }

  /**
   * Stops the job with a final watermark (stop-with-savepoint --drain), as at the end of a bounded
   * input: every window closes and is written; the process then exits.
   */
  void drain(Path savepointDir) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(rest("/jobs/" + jobId + "/stop"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"drain\": true, \"targetDirectory\": \"" + savepointDir.toUri() + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST stop: %s", r.body()).isEqualTo(202);
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("drained job process ends; see %s", log).isTrue();
    assertThat(process.exitValue()).as("exit code after the drain; see %s", log).isZero();
  }

  /** Waits for a bounded run to end by itself. */
  void awaitEnd() throws InterruptedException {
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("bounded job process ends; see %s", log).isTrue();
    assertThat(process.exitValue()).as("exit code; see %s", log).isZero();
  }

  void destroy() {
    process.destroyForcibly();
  }

  /**
   * Asks each of the process's listeners for a running job until one answers; the others (RPC, BLOB,
   * data ports) refuse the HTTP request, and the BLOB server logs that it did.
   */
  private boolean findRunningJob() throws IOException {
    for (ListeningSockets.Listener l : ListeningSockets.of(process.toHandle())) {
      try {
        for (JsonNode job : get(l.port(), "/jobs/overview").path("jobs")) {
          if ("RUNNING".equals(job.path("state").asText())) {
            restPort = l.port();
            jobId = job.path("jid").asText();
            return true;
          }
        }
      } catch (IOException | InterruptedException notRest) {
        // another of the cluster's ports (RPC, BLOB, data)
      }
    }
    return false;
  }

  private JsonNode checkpoints() throws IOException, InterruptedException {
    return get(restPort, "/jobs/" + jobId + "/checkpoints");
  }

  private URI rest(String path) {
    return URI.create("http://127.0.0.1:" + restPort + path);
  }

  private static JsonNode get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }
}
