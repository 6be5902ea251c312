package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A standalone cluster driven by the scripts of {@code infra/flink} from a test: start, submit
 * with {@code flink.sh}, the processes by their pid files, stop. Each script's output goes to a
 * file under the test's temporary directory and into the failure message when it fails.
 */
final class ClusterScripts {
  static final Path JOB_JAR = Path.of(System.getProperty("cx.job.jar", "")).toAbsolutePath().normalize();
  private static final Pattern JOB_ID = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");

  private final Path home;
  private final Path logs;

  /** @param home the cluster's directory ({@code --home}); @param logs where the scripts' output goes */
  ClusterScripts(Path home, Path logs) {
    this.home = home;
    this.logs = logs;
  }

  /** start-cluster.sh with these options (after --home), stopped when this JVM ends; returns its output. */
  String start(String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("--home", home.toString(),
        "--stop-when-gone", String.valueOf(ProcessHandle.current().pid())));
    args.addAll(List.of(options));
    return script("start-cluster.sh", args.toArray(String[]::new));
  }

  /** flink.sh run -d -c {@code jobClass} with the job jar and {@code jobArgs}; returns the job id. */
  String submit(String jobClass, String... jobArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("run", "-d", "-c", jobClass, JOB_JAR.toString()));
    cmd.addAll(List.of(jobArgs));
    String out = flink(cmd.toArray(String[]::new));
    Matcher m = JOB_ID.matcher(out);
    assertThat(m.find()).as("job id in:%n%s", out).isTrue();
    return m.group(1);
  }

  String flink(String... args) throws Exception {
    return script("flink.sh", Stream.concat(Stream.of("--home", home.toString()), Stream.of(args)).toArray(String[]::new));
  }

  /**
   * stop-cluster.sh (when the cluster's directory exists), then kills whatever it could not stop;
   * returns the processes that were running before.
   */
  List<ProcessHandle> stop() throws Exception {
    List<ProcessHandle> running = processes();
    try {
      if (Files.isDirectory(home)) {
        script("stop-cluster.sh", "--home", home.toString());
      }
    } finally {
      for (ProcessHandle p : processes()) {
        p.destroyForcibly(); // only if stop-cluster.sh could not
      }
    }
    return running;
  }

  /** The JobManager and TaskManagers the scripts started and that still run, by their pid files. */
  List<ProcessHandle> processes() throws Exception {
    return processes("(jobmanager|taskmanager-\\d+)");
  }

  /** The running processes whose pid file name (without .pid) matches {@code nameRegex}. */
  List<ProcessHandle> processes(String nameRegex) throws Exception {
    List<ProcessHandle> out = new ArrayList<>();
    if (!Files.isDirectory(home)) {
      return out;
    }
    try (Stream<Path> files = Files.list(home)) {
      for (Path f : files.filter(f -> f.getFileName().toString().matches(nameRegex + "\\.pid")).sorted().toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(f).trim())).filter(ProcessHandle::isAlive).ifPresent(out::add);
      }
    }
    return out;
  }

  /** The warnings and errors in the processes' logs, and the jobs' states: what a failure message needs. */
  String diagnostics() throws Exception {
    StringBuilder out = new StringBuilder();
    Path logDir = home.resolve("log");
    if (Files.isDirectory(logDir)) {
      try (Stream<Path> files = Files.list(logDir)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
          List<String> lines = Files.readAllLines(f).stream()
              .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception")).toList();
          out.append("--- ").append(f.getFileName()).append(" (warnings and errors, last 40)\n");
          lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> out.append(l).append('\n'));
        }
      }
    }
    if (!processes("jobmanager").isEmpty()) {
      out.append("--- flink.sh list -a\n").append(flink("list", "-a"));
    }
    return out.toString();
  }

  /** Runs a script of infra/flink and returns its output; fails with that output unless it exits 0. */
  private String script(String name, String... args) throws Exception {
    return StandaloneCluster.runScript(logs, name, args);
  }
}
