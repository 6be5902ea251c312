package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.testkit.FreePorts;
import io.cxmonitor.testkit.ListeningSockets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A standalone session cluster for a test, driven only through the scripts of {@code infra/flink}:
 * started by {@code start-cluster.sh} on free loopback ports, the Prometheus endpoints included
 * (and stopped by its watchdog if the test JVM dies), jobs submitted and stopped with
 * {@code flink.sh}, stopped by {@code stop-cluster.sh}. Each script's output goes to a file under
 * the test's temporary directory and into the failure message when it fails.
 */
final class StandaloneCluster implements AutoCloseable {
  static final Path FLINK_DIR = Path.of(System.getProperty("cx.flink.dir", "..")).toAbsolutePath().normalize();
  static final Path JOB_JAR = Path.of(System.getProperty("cx.job.jar", "")).toAbsolutePath().normalize();
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);

  private final Path temp;
  private final Path home;
  private final int taskManagers;
  private int restPort;
  private int jobManagerMetricsPort;
  private final List<Integer> taskManagerMetricsPorts = new ArrayList<>();

  /** A cluster of one JobManager and {@code taskManagers} TaskManagers in {@code temp}/cluster, not started yet. */
  StandaloneCluster(Path temp, int taskManagers) {
    this.temp = temp;
    this.home = temp.resolve("cluster");
    this.taskManagers = taskManagers;
  }

  /** Runs start-cluster.sh; returns when every TaskManager has registered. */
  void start() throws Exception {
    assertThat(JOB_JAR).as("job jar (mvn package builds it in jobs/target)").isRegularFile();
    restPort = FreePorts.next();
    jobManagerMetricsPort = FreePorts.next();
    for (int i = 0; i < taskManagers; i++) {
      taskManagerMetricsPorts.add(FreePorts.next());
    }
    // Each TaskManager takes the first free port of the list (not the config's shared 9250-9259).
    String tmPorts = String.join(",", taskManagerMetricsPorts.stream().map(String::valueOf).toList());
    String started = script("start-cluster.sh", "--home", home.toString(), "--taskmanagers", String.valueOf(taskManagers),
        "--rest-port", String.valueOf(restPort), "--rpc-port", String.valueOf(FreePorts.next()),
        "--metrics-port", String.valueOf(jobManagerMetricsPort), "-D", "metrics.reporter.prom.port=" + tmPorts,
        "--stop-when-gone", String.valueOf(ProcessHandle.current().pid()),
        "-D", "jobmanager.memory.process.size=1024m", "-D", "taskmanager.memory.process.size=1536m");
    assertThat(started).contains("cluster up");
  }

  /** The JobManager's Prometheus endpoint port. */
  int jobManagerMetricsPort() {
    return jobManagerMetricsPort;
  }

  /** The TaskManagers' Prometheus endpoint ports (each TaskManager takes one of them). */
  List<Integer> taskManagerMetricsPorts() {
    return List.copyOf(taskManagerMetricsPorts);
  }

  /**
   * Submits the job jar with {@code flink.sh run -d} — from {@code savepoint} when not null, at
   * {@code -p parallelism} when positive — and returns the job id.
   */
  String submit(String jobClass, String savepoint, int parallelism, String... jobArgs) throws Exception {
    return submit(JOB_JAR, jobClass, savepoint, parallelism, jobArgs);
  }

  /** As {@link #submit(String, String, int, String...)}, with another build's job jar. */
  String submit(Path jar, String jobClass, String savepoint, int parallelism, String... jobArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("run", "-d"));
    if (savepoint != null) {
      cmd.addAll(List.of("-s", savepoint));
    }
    if (parallelism > 0) {
      cmd.addAll(List.of("-p", String.valueOf(parallelism)));
    }
    cmd.addAll(List.of("-c", jobClass, jar.toString()));
    cmd.addAll(List.of(jobArgs));
    return find(flink(cmd.toArray(String[]::new)), "Job has been submitted with JobID ([0-9a-f]{32})");
  }

  /** flink.sh stop: a savepoint, then the job ends (with --drain after a final watermark); returns its path. */
  String stopWithSavepoint(String jobId, boolean drain) throws Exception {
    String dir = temp.resolve("savepoints").toUri().toString();
    String out = drain ? flink("stop", "--drain", "--savepointPath", dir, jobId) : flink("stop", "--savepointPath", dir, jobId);
    return find(out, "Savepoint completed\\. Path: (\\S+)");
  }

  String flink(String... args) throws Exception {
    return script("flink.sh", Stream.concat(Stream.of("--home", home.toString()), Stream.of(args)).toArray(String[]::new));
  }

  /** GET on the cluster's REST API. */
  HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every listener of the JobManager and the TaskManagers is on loopback; no jar upload through the web. */
  void assertListensOnLoopbackOnly() throws Exception {
    List<ListeningSockets.Listener> listeners = new ArrayList<>();
    for (ProcessHandle p : processes()) {
      listeners.addAll(ListeningSockets.of(p));
    }
    assertThat(listeners).as("listeners of the cluster").extracting(ListeningSockets.Listener::port).contains(restPort);
    assertThat(listeners).as("listeners of the cluster").allMatch(ListeningSockets.Listener::loopback);
    assertThat(get("/jars").statusCode()).as("GET /jars with web submission off").isEqualTo(404);
  }

  /**
   * The cluster's JobManager and TaskManagers are alive; stop-cluster.sh ends every one of them,
   * and the watchdog of {@code --stop-when-gone}.
   */
  void stopAndAssertNoProcessLeft() throws Exception {
    List<ProcessHandle> processes = processes();
    assertThat(processes).as("JobManager and %d TaskManagers", taskManagers).hasSize(1 + taskManagers);
    script("stop-cluster.sh", "--home", home.toString());
    for (ProcessHandle p : processes) {
      assertThat(p.onExit().get(1, TimeUnit.MINUTES).isAlive()).as("pid %d after stop-cluster.sh", p.pid()).isFalse();
    }
    assertThat(processes()).as("cluster processes after stop-cluster.sh").isEmpty();
    Awaitility.await().atMost(Duration.ofSeconds(30)).alias("the watchdog of --stop-when-gone ends after stop-cluster.sh")
        .until(() -> processes("watchdog").isEmpty());
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

  /** Stops what is still running: by stop-cluster.sh, else (only if that could not) by force. */
  @Override
  public void close() throws Exception {
    try {
      if (Files.isDirectory(home)) {
        script("stop-cluster.sh", "--home", home.toString());
      }
    } finally {
      for (ProcessHandle p : processes()) {
        p.destroyForcibly();
      }
    }
  }

  /** Stops {@code cluster} (when started), then the servers the test started, whatever fails first. */
  static void stopAll(StandaloneCluster cluster, AutoCloseable... servers) throws Exception {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      for (AutoCloseable server : servers) {
        if (server != null) {
          server.close();
        }
      }
    }
  }

  /** The JobManager and TaskManagers the scripts started and that are alive, by their pid files. */
  List<ProcessHandle> processes() throws Exception {
    return processes("(jobmanager|taskmanager-\\d+)");
  }

  /** The running processes whose pid file name (without .pid) matches {@code nameRegex}, by name. */
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

  /** Runs a script of infra/flink and returns its output; fails with that output unless it exits 0. */
  private String script(String name, String... args) throws Exception {
    return runScript(temp, name, args);
  }

  /** Runs a script of infra/flink, its output in a new file under {@code logDir}; fails with that output unless it exits 0. */
  static String runScript(Path logDir, String name, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(FLINK_DIR.resolve(name).toString()));
    cmd.addAll(List.of(args));
    Files.createDirectories(logDir);
    Path log = Files.createTempFile(logDir, name, ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(ended && p.exitValue() == 0).as("%s %s ended with 0:%n%s", name, String.join(" ", args), out).isTrue();
    return out;
  }

  private static String find(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    assertThat(m.find()).as("'%s' in:%n%s", regex, output).isTrue();
    return m.group(1);
  }
}
