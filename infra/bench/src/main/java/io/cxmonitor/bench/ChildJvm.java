package io.cxmonitor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link RunnerProcess} in a fresh JVM with this JVM's classpath and module flags (Flink
 * needs the --add-opens on Java 17), its output in a log file.
 */
final class ChildJvm {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * JVM options for every child, separated by spaces (e.g. a flight recording:
   * {@code -XX:StartFlightRecording=filename=/tmp/run.jfr,settings=profile}).
   */
  static final String EXTRA_OPTIONS_ENV = "CX_BENCH_CHILD_OPTS";

  private ChildJvm() {}

  /** Runs a runner fresh and warmed in one child JVM and returns both results. */
  static List<RunResult> run(RunSpec spec, String heap, Path log, Duration timeout) throws IOException, InterruptedException {
    return run(spec, RunnerProcess.class, JSON.writeValueAsString(spec), heap, log, timeout);
  }

  /** Same, with another main class that takes {@code arg} and appends its results to the spec's result file. */
  static List<RunResult> run(RunSpec spec, Class<?> main, String arg, String heap, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Files.deleteIfExists(Path.of(spec.resultFile()));
    Files.deleteIfExists(log);
    Process p = start(main, arg, heap, log);
    p.getOutputStream().close();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      stop(p);
      throw new IOException(spec.runner() + " did not finish within " + timeout + " (--run-timeout); see " + log);
    }
    if (p.exitValue() != 0) {
      throw new IOException(spec.runner() + " failed with exit status " + p.exitValue() + "; see " + log);
    }
    List<RunResult> results = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(spec.resultFile()))) {
      results.add(JSON.readValue(line, RunResult.class));
    }
    return results;
  }

  /** Starts the child; it runs until it is done or, in live mode, until its standard input is closed. */
  static Process start(RunSpec spec, String heap, Path log) throws IOException {
    return start(RunnerProcess.class, JSON.writeValueAsString(spec), heap, log);
  }

  private static Process start(Class<?> main, String argument, String heap, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
        cmd.add(arg);
      }
    }
    String extra = System.getenv(EXTRA_OPTIONS_ENV);
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-Xmx" + heap, "-Djava.awt.headless=true",
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-cp", System.getProperty("java.class.path"), main.getName(), argument));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Ends the child: closing its input asks it to stop; after a grace period it is killed. */
  static void stop(Process p) throws InterruptedException {
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // already closed
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
