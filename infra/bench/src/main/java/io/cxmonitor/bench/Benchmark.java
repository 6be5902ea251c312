package io.cxmonitor.bench;

import io.cxmonitor.platform.startup.JobMain;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark (README "Performance"): starts a real Kafka broker and influxd on loopback, fills
 * the input topics from the generator, runs every runner in a fresh child JVM twice (fresh, then
 * warmed), measures freshness live, and prints a Markdown table (also written to
 * {@code <out>/results.md}, with a PNG chart). Not a test: nothing here passes or fails on speed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Measures the KPI jobs against pass-through baselines on real servers and prints a table.")
public final class Benchmark implements Callable<Integer> {
  @Option(names = "--surveys", defaultValue = "2000000", description = "Survey responses in the survey topic. Default: ${DEFAULT-VALUE}")
  long surveys;

  @Option(names = "--interactions", defaultValue = "1000000",
      description = "Interaction events (the simulated world's ticket rate is set to give these over --span; its "
          + "lifecycle events, follow-ups done and natural-density surveys come with them). Default: ${DEFAULT-VALUE}")
  long interactions;

  @Option(names = "--span", defaultValue = "PT4H",
      description = "Event-time span of the simulated world, from yesterday 18:00 UTC (earlier if it would not end "
          + "before now); the data end there or where --interactions is reached. Default: ${DEFAULT-VALUE}")
  Duration span;

  @Option(names = "--customers", defaultValue = "200000", description = "Simulated customer base. Default: ${DEFAULT-VALUE}")
  int customers;

  @Option(names = "--runners", split = ",", description = "Runners to measure, in this order. Default: all of ${COMPLETION-CANDIDATES}",
      completionCandidates = RunnerNames.class)
  List<String> runners;

  @Option(names = "--partitions", defaultValue = "2", description = "Partitions per topic. Default: ${DEFAULT-VALUE}")
  int partitions;

  @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of every job. Default: ${DEFAULT-VALUE}")
  int parallelism;

  @Option(names = "--state-backend", defaultValue = LocalFlink.HASHMAP,
      description = "State of the KPI jobs: " + LocalFlink.HASHMAP + " (heap, a full snapshot per checkpoint: the jobs' "
          + "default) or " + LocalFlink.ROCKSDB + " (RocksDB, incremental checkpoints: the clusters' configuration). "
          + "Default: ${DEFAULT-VALUE}")
  String stateBackend;

  @Option(names = "--checkpoint-interval", defaultValue = "PT10S", description = "Of the KPI jobs. Default: ${DEFAULT-VALUE}")
  Duration checkpointInterval;

  @Option(names = "--child-heap", defaultValue = "3g", description = "-Xmx of each runner's JVM. Default: ${DEFAULT-VALUE}")
  String childHeap;

  @Option(names = "--run-timeout", defaultValue = "PT20M",
      description = "Per runner (both runs): a safety net, far above what an idle machine needs. Default: ${DEFAULT-VALUE}")
  Duration runTimeout;

  @Option(names = "--latency-duration", defaultValue = "PT150S",
      description = "How long the live probe publishes; PT0S skips it. At least 2 minutes give a closed 1m window. "
          + "Default: ${DEFAULT-VALUE}")
  Duration latencyDuration;

  @Option(names = "--latency-rate", defaultValue = "1000", description = "Responses per second of the live probe. Default: ${DEFAULT-VALUE}")
  int latencyRate;

  @Option(names = "--query-repeats", defaultValue = "5",
      description = "Timed runs of each dashboard query after raw-influx (after one untimed run). Default: ${DEFAULT-VALUE}")
  int queryRepeats;

  @Option(names = "--seed", defaultValue = "42", description = "Of the simulated world. Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--out", defaultValue = "target/bench", description = "Results, chart and logs. Default: ${DEFAULT-VALUE}")
  Path out;

  /** The job's default out-of-orderness, which the live probe subtracts. */
  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(30);

  static final class RunnerNames extends ArrayList<String> {
    RunnerNames() {
      super(Runners.all().keySet());
    }
  }

  public static void main(String[] args) {
    Path out = Path.of("target", "bench");
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--out")) {
        out = Path.of(args[i + 1]);
      }
    }
    for (String arg : args) {
      if (arg.startsWith("--out=")) {
        out = Path.of(arg.substring("--out=".length()));
      }
    }
    System.setProperty("cx.bench.log", out.resolve("logs").resolve("bench.log").toString());
    System.setProperty("log4j2.configurationFile", "cx-bench-log4j2.properties");
    JobMain.exit(new CommandLine(new Benchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    LocalFlink.checkStateBackend(new CommandLine(this), stateBackend);
    List<Runner> selected = new ArrayList<>();
    for (String name : runners == null ? List.copyOf(Runners.all().keySet()) : runners) {
      selected.add(Runners.byName(name));
    }
    Path logs = out.resolve("logs");
    Files.createDirectories(logs);
    Path checkpoints = out.resolve("checkpoints");
    deleteRecursively(checkpoints);
    Instant started = Instant.now();
    String machine = Machine.describe();
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    say("machine: " + machine + "; load average " + String.format(Locale.ROOT, "%.1f", loadBefore));
    String runId = Long.toString(started.getEpochSecond());
    List<RunResult> results = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    LatencyProbe.Result latency = null;
    List<DashboardQueries.Timing> queries = List.of();
    InputData.Filled data;
    try (KafkaBroker kafka = quietly(KafkaBroker::start); InfluxServer influx = InfluxServer.start()) {
      kafka.createTopics(partitions, BenchTopics.all().toArray(String[]::new));
      say("broker " + kafka.bootstrapServers() + ", influxd " + influx.url() + "; generating and publishing ...");
      data = InputData.fill(kafka.bootstrapServers(), surveys, interactions, span, customers, seed);
      say(String.format(Locale.ROOT, "published %s records in %.1f s (%s/s): %s", Report.count(data.total()), data.seconds(),
          Report.count(Math.round(data.total() / data.seconds())), data.records()));
      for (Runner runner : selected) {
        RunSpec spec = new RunSpec(runner.name(), runId, kafka.bootstrapServers(), influx.url(), data.of(runner.inputs()),
            parallelism, (int) checkpointInterval.toSeconds(), checkpoints.toAbsolutePath().toUri().toString(),
            logs.resolve(runner.name() + ".jsonl").toString(), false, null, stateBackend);
        say("running " + runner.name() + " (" + Report.count(spec.expectedEvents()) + " events) fresh and warmed ...");
        try {
          for (RunResult r : ChildJvm.run(spec, childHeap, logs.resolve(runner.name() + ".log"), runTimeout)) {
            results.add(r);
            say(String.format(Locale.ROOT, "  %s %s: %s events/s, %.1f CPU s/M events, %d points, tail %.1f s",
                r.runner(), r.jvm(), Report.count(Math.round(r.eventsPerSecond())), r.cpuSecondsPerMillion(), r.points(),
                r.tailSeconds()));
          }
        } catch (IOException e) {
          failures.add(e.getMessage());
          say("  FAILED: " + e.getMessage());
        }
      }
      if (ran(results, Runners.RAW_INFLUX)) {
        try {
          queries = dashboardQueries(influx, results, data);
        } catch (IOException e) {
          failures.add("dashboard queries: " + e.getMessage());
          say("  FAILED: " + e.getMessage());
        }
      }
      if (!latencyDuration.isZero()) {
        say("live latency probe: " + latencyRate + " responses/s for " + latencyDuration + " ...");
        RunSpec live = new RunSpec(Runners.SURVEY_JOB, runId, kafka.bootstrapServers(), influx.url(), 0, parallelism,
            (int) checkpointInterval.toSeconds(), checkpoints.toAbsolutePath().toUri().toString(), null, true,
            logs.resolve("live.ready").toString(), stateBackend);
        try {
          latency = LatencyProbe.run(live, childHeap, logs.resolve("live-survey-job.log"), influx, data.surveyTemplates(),
              latencyDuration, latencyRate, OUT_OF_ORDERNESS);
        } catch (IOException e) {
          failures.add(e.getMessage());
          say("  FAILED: " + e.getMessage());
        }
      }
    }
    deleteRecursively(checkpoints);
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    String md = markdown(started, machine, loadBefore, loadAfter, data, selected, results, queries, latency, failures);
    Files.writeString(out.resolve("results.md"), md, StandardCharsets.UTF_8);
    Report.chart(results, String.format(Locale.ROOT, "%s; %s; load average %.1f before, %.1f after", machine,
        started.truncatedTo(ChronoUnit.MINUTES), loadBefore, loadAfter), out.resolve("throughput.png"));
    System.out.println();
    System.out.println(md);
    say("written: " + out.resolve("results.md") + ", " + out.resolve("throughput.png") + "; logs in " + logs);
    return failures.isEmpty() ? 0 : 1;
  }

  private String markdown(Instant started, String machine, double loadBefore, double loadAfter, InputData.Filled data,
      List<Runner> selected, List<RunResult> results, List<DashboardQueries.Timing> queries, LatencyProbe.Result latency,
      List<String> failures) {
    StringBuilder md = new StringBuilder();
    md.append("## Benchmark ").append(started.truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
    md.append(String.format(Locale.ROOT, "Machine: %s; load average %.1f before, %.1f after (shared machine: other "
        + "processes ran too). Took %d s.%n%n", machine, loadBefore, loadAfter,
        Duration.between(started, Instant.now()).toSeconds()));
    md.append(String.format(Locale.ROOT, "Data: %s; event time %s to %s (seed %d), %d partitions each; published in "
        + "%.1f s. Parallelism %d, checkpoints every %d s (KPI jobs, %s), runner JVMs -Xmx%s.%n%n", topics(data.records()),
        data.firstEvent().truncatedTo(ChronoUnit.MINUTES), data.lastEvent().truncatedTo(ChronoUnit.MINUTES), seed,
        partitions, data.seconds(), parallelism, checkpointInterval.toSeconds(), Report.stateBackend(stateBackend),
        childHeap));
    md.append(Report.throughputTable(results)).append('\n');
    for (Runner r : selected) {
      md.append("- `").append(r.name()).append("`: ").append(r.description()).append(" — reads ")
          .append(String.join(", ", r.inputs())).append('\n');
    }
    md.append('\n');
    if (!queries.isEmpty()) {
      md.append(Report.queryTable(queries, queryRepeats)).append('\n');
    }
    if (latency != null) {
      md.append(Report.latencyTable(latency)).append('\n');
    }
    for (String f : failures) {
      md.append("FAILED: ").append(f).append('\n');
    }
    return md.toString();
  }

  private static boolean ran(List<RunResult> results, String runner) {
    return results.stream().anyMatch(r -> r.runner().equals(runner));
  }

  /**
   * Times the dashboard queries over raw-influx's points and, if the survey job ran, over its
   * points, for a dashboard whose "now" is the end of the data's last minute.
   */
  private List<DashboardQueries.Timing> dashboardQueries(InfluxServer influx, List<RunResult> results, InputData.Filled data)
      throws IOException, InterruptedException {
    long end = data.lastEvent().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1)).toEpochMilli();
    String pre = ran(results, Runners.SURVEY_JOB) ? RunContext.database(Runners.SURVEY_JOB) : null;
    say("timing the dashboard queries over raw-influx's points" + (pre == null ? "" : " and the survey job's") + " ...");
    List<DashboardQueries.Timing> timings = DashboardQueries.time(influx::query, RunContext.database(Runners.RAW_INFLUX), pre,
        DashboardQueries.all(end), queryRepeats);
    for (DashboardQueries.Timing t : timings) {
      say(String.format(Locale.ROOT, "  %s: raw %d rows, p50 %.0f ms; pre-computed %d rows, p50 %.1f ms", t.what(), t.rawRows(),
          t.rawMillis().p50(), t.preRows(), t.preMillis().p50()));
    }
    return timings;
  }

  /** Checkpoints are retained when a job is cancelled (the live run): gigabytes over a few runs. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  interface Starter<T> {
    T start() throws IOException, InterruptedException;
  }

  /** Starts a server with standard output muted: Kafka's storage formatting prints there, over the table. */
  static <T> T quietly(Starter<T> starter) throws IOException, InterruptedException {
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return starter.start();
    } finally {
      System.setOut(stdout);
    }
  }

  private static String topics(Map<String, Long> records) {
    List<String> parts = new ArrayList<>();
    records.forEach((topic, n) -> parts.add(Report.count(n) + " " + topic));
    return String.join(", ", parts);
  }

  private static void say(String line) {
    System.err.println("[bench] " + line);
  }

  /** The machine the figures were taken on. */
  static final class Machine {
    private Machine() {}

    static String describe() {
      long ram = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
      return String.format(Locale.ROOT, "%d cores (nproc), %.0f GiB RAM, %s, Java %s", Runtime.getRuntime().availableProcessors(),
          ram / (double) (1L << 30), cpuModel(), System.getProperty("java.version"));
    }

    private static String cpuModel() {
      try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
        return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
            .orElse("CPU model unknown");
      } catch (IOException | RuntimeException e) {
        return "CPU model unknown";
      }
    }
  }
}
