package io.cxmonitor.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the servers the testkit runs as child processes (influxd, the schema registry) share: stopping them, reading their logs. */
final class ChildProcesses {
  private ChildProcesses() {}

  /** Stops {@code process} the way an operator would: SIGTERM, SIGKILL if it is still alive after {@code grace}. */
  static void terminate(Process process, Duration grace) throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /** The last {@code lines} lines of a log, for error messages. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }
}
