package io.cxmonitor.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The demo as its own process, as a user starts it, for the ITCases that run it on existing servers. */
final class DemoProcess implements AutoCloseable {
  private final Process process;
  private final Path terminal;

  private DemoProcess(Process process, Path terminal) {
    this.process = process;
    this.terminal = terminal;
  }

  /** Starts the demo with {@code args}, its temporary data (and log, cx-demo.log) in {@code tmp}, its output in {@code terminal}. */
  static DemoProcess start(Path tmp, Path terminal, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path")), Demo.class.getName()));
    cmd.addAll(args);
    return new DemoProcess(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(terminal.toFile()).start(),
        terminal);
  }

  /** Waits until the three jobs run and the live view's overall NPS row holds a number (surveys were read back). */
  void awaitJobsAndNps() {
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
        .failFast("the demo exited; see " + terminal, () -> !process.isAlive()).untilAsserted(() -> {
      String screen = Files.readString(terminal);
      assertThat(screen).contains("RUNNING / RUNNING / RUNNING");
      assertThat(screen).containsPattern("\\nall\\s+[+-]\\d+\\.\\d \\[");
    });
  }

  /** Stops the demo as Ctrl-C does (its shutdown hook), and whatever it started. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
