package io.cxmonitor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.platform.startup.JobMain;
import io.cxmonitor.platform.windows.TagCardinalityGuard;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.generator.KafkaPublisher;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cost-growth mode of the benchmark ({@code infra/bench.sh --growth}, README "Cost growth"):
 * how the KPI jobs' throughput, CPU, points and checkpoints change with open tickets, subscribed
 * customers, distinct tag values and event density. Each step gets its own topics on a real broker
 * and runs its job as shipped in a fresh child JVM ({@link GrowthProcess}), fresh and then warmed,
 * against a real influxd. Prints a Markdown table per dimension and writes them to
 * {@code <out>/growth.md}. Not a test.
 */
@Command(name = "bench --growth", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Measures how the KPI jobs' costs grow with open tickets, customers, tag values and event density.")
public final class Growth implements Callable<Integer> {
  static final String OPEN_TICKETS = "open-tickets";
  static final String CUSTOMERS = "customers";
  static final String TAG_VALUES = "tag-values";
  static final String DENSITY = "density";

  @Option(names = "--dimensions", split = ",", defaultValue = OPEN_TICKETS + "," + CUSTOMERS + "," + TAG_VALUES + "," + DENSITY,
      description = "Which to measure, in this order. Default: ${DEFAULT-VALUE}")
  List<String> dimensions;

  @Option(names = "--open-tickets", split = ",", defaultValue = "1000,10000,100000",
      description = "Service job: tickets opened before the measured stream and never closed, per step "
          + "(e.g. 1000,10000,100000,1000000 with --child-heap 6g). Default: ${DEFAULT-VALUE}")
  List<Long> openTickets;

  @Option(names = "--interactions", defaultValue = "150000",
      description = "Service job: the measured interaction stream, the same in every step; churn job: its world's "
          + "interactions. Default: ${DEFAULT-VALUE}")
  long interactions;

  @Option(names = "--span", defaultValue = "PT1H", description = "Event-time span of those interactions. Default: ${DEFAULT-VALUE}")
  Duration span;

  @Option(names = "--preload-span", defaultValue = "PT30M",
      description = "The open tickets are opened in this span before the measured stream. Default: ${DEFAULT-VALUE}")
  Duration preloadSpan;

  @Option(names = "--customers", defaultValue = "200000",
      description = "Customer base of the service job's worlds (measured stream and open tickets). Default: ${DEFAULT-VALUE}")
  int customers;

  @Option(names = "--subscribers", split = ",", defaultValue = "10000,100000",
      description = "Churn job: subscribed customers per step (e.g. 10000,100000,1000000). Default: ${DEFAULT-VALUE}")
  List<Integer> subscribers;

  @Option(names = "--tag-values", split = ",", defaultValue = "10,100,1000",
      description = "Survey job: distinct teams and distinct products per step (10000 takes long: tens of points per response); --max-tag-values is raised to the "
          + "step's value when it is above the default (" + TagCardinalityGuard.DEFAULT_MAX_VALUES + "), so nothing is "
          + "folded. Default: ${DEFAULT-VALUE}")
  List<Integer> tagValues;

  @Option(names = "--surveys", defaultValue = "100000",
      description = "Survey job: responses per tag-value and density step. Default: ${DEFAULT-VALUE}")
  long surveys;

  @Option(names = "--tag-span", defaultValue = "PT1H", description = "Event-time span of the tag-value steps. Default: ${DEFAULT-VALUE}")
  Duration tagSpan;

  @Option(names = "--density-spans", split = ",", defaultValue = "PT12H,PT15M",
      description = "The same number of events (--surveys responses, --density-interactions interactions) spread over "
          + "each of these spans: low and high density. Default: ${DEFAULT-VALUE}")
  List<Duration> densitySpans;

  @Option(names = "--density-interactions", defaultValue = "50000",
      description = "Service job: interactions per density step (0 skips the service job there). Default: ${DEFAULT-VALUE}")
  long densityInteractions;

  @Option(names = "--partitions", defaultValue = "2", description = "Partitions per topic. Default: ${DEFAULT-VALUE}")
  int partitions;

  @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of every job. Default: ${DEFAULT-VALUE}")
  int parallelism;

  @Option(names = "--state-backend", defaultValue = LocalFlink.HASHMAP,
      description = "State of the KPI jobs: " + LocalFlink.HASHMAP + " (heap, a full snapshot per checkpoint: the jobs' "
          + "default) or " + LocalFlink.ROCKSDB + " (RocksDB, incremental checkpoints: the clusters' configuration). "
          + "Default: ${DEFAULT-VALUE}")
  String stateBackend;

  @Option(names = "--checkpoint-interval", defaultValue = "PT10S", description = "Default: ${DEFAULT-VALUE}")
  Duration checkpointInterval;

  @Option(names = "--child-heap", defaultValue = "3g", description = "-Xmx of each step's JVM. Default: ${DEFAULT-VALUE}")
  String childHeap;

  @Option(names = "--run-timeout", defaultValue = "PT30M", description = "Per step (both runs): a safety net. Default: ${DEFAULT-VALUE}")
  Duration runTimeout;

  @Option(names = "--seed", defaultValue = "42", description = "Of the simulated worlds. Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--out", defaultValue = "target/bench", description = "Results and logs. Default: ${DEFAULT-VALUE}")
  Path out;

  private static final ObjectMapper JSON = new ObjectMapper();

  private KafkaBroker kafka;
  private InfluxServer influx;
  private Path logs;
  private Path checkpoints;
  private String runId;
  private final List<String> failures = new ArrayList<>();

  public static void main(String[] args) {
    Path out = Path.of("target", "bench");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out") && i + 1 < args.length) {
        out = Path.of(args[i + 1]);
      } else if (args[i].startsWith("--out=")) {
        out = Path.of(args[i].substring("--out=".length()));
      }
    }
    System.setProperty("cx.bench.log", out.resolve("logs").resolve("growth.log").toString());
    System.setProperty("log4j2.configurationFile", "cx-bench-log4j2.properties");
    JobMain.exit(new CommandLine(new Growth()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    LocalFlink.checkStateBackend(new CommandLine(this), stateBackend);
    for (String d : dimensions) {
      if (!List.of(OPEN_TICKETS, CUSTOMERS, TAG_VALUES, DENSITY).contains(d)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "no dimension '" + d + "'; known: "
            + List.of(OPEN_TICKETS, CUSTOMERS, TAG_VALUES, DENSITY));
      }
    }
    logs = out.resolve("logs");
    Files.createDirectories(logs);
    checkpoints = out.resolve("checkpoints");
    Benchmark.deleteRecursively(checkpoints);
    Instant started = Instant.now();
    runId = Long.toString(started.getEpochSecond());
    String machine = Benchmark.Machine.describe();
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    say("machine: " + machine + "; load average " + String.format(Locale.ROOT, "%.1f", loadBefore));
    Map<String, String> sections = new LinkedHashMap<>();
    try (KafkaBroker k = Benchmark.quietly(KafkaBroker::start); InfluxServer i = InfluxServer.start()) {
      kafka = k;
      influx = i;
      kafka.createTopics(partitions, Topics.ALL.toArray(String[]::new));
      for (String d : dimensions) {
        switch (d) {
          case OPEN_TICKETS -> sections.put(d, openTickets());
          case CUSTOMERS -> sections.put(d, customers());
          case TAG_VALUES -> sections.put(d, tagValues());
          default -> sections.put(d, density());
        }
        // written after each dimension too, so that a long run's figures survive its interruption
        Files.writeString(out.resolve("growth.md"), markdown(started, machine, loadBefore, sections),
            StandardCharsets.UTF_8);
      }
    }
    Benchmark.deleteRecursively(checkpoints);
    String md = markdown(started, machine, loadBefore, sections);
    Files.writeString(out.resolve("growth.md"), md, StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(md);
    say("written: " + out.resolve("growth.md") + "; logs in " + logs);
    return failures.isEmpty() ? 0 : 1;
  }

  private String markdown(Instant started, String machine, double loadBefore, Map<String, String> sections) {
    double loadNow = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    StringBuilder md = new StringBuilder();
    md.append("## Cost growth ").append(started.truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
    md.append(String.format(Locale.ROOT, "Machine: %s; load average %.1f before, %.1f at the end (shared machine: other "
        + "processes ran too). Took %d s. Parallelism %d, %d partitions per topic, checkpoints every %d s (%s), step JVMs "
        + "-Xmx%s, seed %d. Rates are of the warmed run (second run in the same JVM; the fresh run's in brackets).%n%n",
        machine, loadBefore, loadNow, Duration.between(started, Instant.now()).toSeconds(), parallelism, partitions,
        checkpointInterval.toSeconds(), Report.stateBackend(stateBackend), childHeap, seed));
    sections.values().forEach(s -> md.append(s).append('\n'));
    for (String f : failures) {
      md.append("FAILED: ").append(f).append('\n');
    }
    return md.toString();
  }

  /** Service job: the same measured stream after 1k … 1M tickets that were opened and never closed. */
  private String openTickets() throws Exception {
    Instant start = InputData.spanStart(span);
    List<GrowthTable.Row> rows = new ArrayList<>();
    List<GrowthData.Encoded> measured;
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      measured = GrowthData.interactions(publisher, seed, start, span, interactions, customers);
    }
    for (long n : openTickets) {
      String topic = "growth.open-" + n + ".interactions";
      kafka.createTopics(partitions, topic);
      long t0 = System.nanoTime();
      long opened;
      try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
        opened = GrowthData.openTickets(publisher, topic, seed + 1, start, preloadSpan, n, customers);
        GrowthData.publish(publisher, topic, measured);
        GrowthData.flush(publisher);
      }
      say(String.format(Locale.ROOT, "%s: %d open tickets and %d interactions published in %.1f s", topic, opened,
          measured.size(), (System.nanoTime() - t0) / 1e9));
      step("service-open-" + n, "service", List.of("--topic", topic), opened + measured.size(), opened)
          .ifPresent(r -> rows.add(new GrowthTable.Row(Report.count(opened), opened, r.get(0), r.get(1))));
    }
    return "### Service job against open tickets\n\n"
        + String.format(Locale.ROOT, "The same %s interactions (generator, seed %d, %s of event time from %s, %d "
            + "customers) after N tickets opened in the %s before them and never answered or closed (OPENED events of "
            + "the generator's world, seed %d, priority LOW so that no SLA deadline falls into the measured span). "
            + "Events/s, CPU and points per event are of the measured interactions only (from the moment the sources "
            + "had read the open tickets); the checkpoint is the first one triggered after every record was read (the "
            + "job runs unbounded and is cancelled then; the larger of both runs); bytes per open ticket are the "
            + "difference of the checkpoints divided by the difference of N.%n%n", Report.count(measured.size()), seed,
            span, start.truncatedTo(ChronoUnit.MINUTES), customers, preloadSpan, seed + 1)
        + GrowthTable.keyed("open tickets", rows);
  }

  /** Churn job: the same ticket rate and span with a subscriber base of 10k … 1M customers. */
  private String customers() throws Exception {
    Instant start = InputData.spanStart(span);
    List<GrowthTable.Row> rows = new ArrayList<>();
    for (int n : subscribers) {
      Map<String, String> topics = new LinkedHashMap<>();
      for (String t : List.of(Topics.LIFECYCLE, Topics.SURVEYS, Topics.INTERACTIONS, Topics.FOLLOW_UPS_DONE)) {
        topics.put(t, "growth.customers-" + n + "." + t);
      }
      kafka.createTopics(partitions, topics.values().toArray(String[]::new));
      long t0 = System.nanoTime();
      Map<String, Long> counts;
      try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
        counts = GrowthData.churnWorld(publisher, topics, seed, start, span, interactions, n);
        GrowthData.flush(publisher);
      }
      long total = counts.values().stream().mapToLong(Long::longValue).sum();
      say(String.format(Locale.ROOT, "churn world of %d customers: %s published in %.1f s", n, counts,
          (System.nanoTime() - t0) / 1e9));
      List<String> args = List.of("--lifecycle-topic", topics.get(Topics.LIFECYCLE), "--survey-topic",
          topics.get(Topics.SURVEYS), "--interaction-topic", topics.get(Topics.INTERACTIONS), "--follow-up-done-topic",
          topics.get(Topics.FOLLOW_UPS_DONE));
      step("churn-customers-" + n, "churn", args, total, n)
          .ifPresent(r -> rows.add(new GrowthTable.Row(Report.count(n), n, r.get(0), r.get(1))));
    }
    return "### Churn job against subscribed customers\n\n"
        + String.format(Locale.ROOT, "The generator's world (seed %d, %s of event time, about %s interactions with "
            + "their lifecycle events, surveys and follow-ups done) with a subscriber base of N customers, whose "
            + "SUBSCRIBED events come first. Events/s, CPU and points per event are counted from the moment the "
            + "sources had read N records (the base; the other topics are read alongside, so the split is "
            + "approximate); bytes per customer as above.%n%n", seed, span, Report.count(interactions))
        + GrowthTable.keyed("customers", rows);
  }

  /** Survey job: the same responses with 10 … 10k distinct teams and as many distinct products. */
  private String tagValues() throws Exception {
    Instant start = InputData.spanStart(tagSpan);
    List<SurveyResponse> templates = GrowthData.surveyTemplates(seed, start, 20_000);
    List<GrowthTable.Row> rows = new ArrayList<>();
    for (int n : tagValues) {
      String topic = "growth.tags-" + n + ".surveys";
      kafka.createTopics(partitions, topic);
      try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
        GrowthData.surveys(publisher, topic, templates, surveys, start, tagSpan, n);
        GrowthData.flush(publisher);
      }
      int cap = Math.max(TagCardinalityGuard.DEFAULT_MAX_VALUES, n);
      step("survey-tags-" + n, "survey", List.of("--topic", topic, "--max-tag-values", Integer.toString(cap)), surveys, 0)
          .ifPresent(r -> rows.add(new GrowthTable.Row(Report.count(n), n, r.get(0), r.get(1))));
    }
    return "### Survey job against distinct tag values\n\n"
        + String.format(Locale.ROOT, "%s survey responses (the generator's, copied under new ids) evenly over %s, "
            + "the i-th with team `team-<i mod N>` and product `product-<31 i mod N>`: N distinct teams and N distinct "
            + "products (channel and region as generated); `--max-tag-values` max(%d, N), so nothing is folded.%n%n",
            Report.count(surveys), tagSpan, TagCardinalityGuard.DEFAULT_MAX_VALUES)
        + GrowthTable.plain("distinct teams = products", rows);
  }

  /** Survey and service job: the same number of events over a long and a short span. */
  private String density() throws Exception {
    StringBuilder md = new StringBuilder("### Event density: points per event\n\n"
        + "Points per event here and for tag values: InfluxDB points written by the first checkpoint after the input "
        + "(every window the watermark closed by then) per event.\n\n");
    List<GrowthTable.Row> surveyRows = new ArrayList<>();
    List<GrowthTable.Row> serviceRows = new ArrayList<>();
    List<SurveyResponse> templates = GrowthData.surveyTemplates(seed, InputData.spanStart(Duration.ofDays(1)), 20_000);
    for (Duration s : densitySpans) {
      Instant start = InputData.spanStart(s);
      String topic = "growth.density-" + s.toMinutes() + "m.surveys";
      kafka.createTopics(partitions, topic);
      try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
        GrowthData.surveys(publisher, topic, templates, surveys, start, s, 0);
        GrowthData.flush(publisher);
      }
      long perMinute = Math.round(surveys / (double) s.toMinutes());
      step("survey-density-" + s.toMinutes() + "m", "survey", List.of("--topic", topic), surveys, 0)
          .ifPresent(r -> surveyRows.add(new GrowthTable.Row(s + " (" + Report.count(perMinute) + "/min)", perMinute,
              r.get(0), r.get(1))));
      if (densityInteractions > 0) {
        String itopic = "growth.density-" + s.toMinutes() + "m.interactions";
        kafka.createTopics(partitions, itopic);
        long n;
        try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
          List<GrowthData.Encoded> records =
              GrowthData.interactions(publisher, seed, start, s, densityInteractions, customers);
          GrowthData.publish(publisher, itopic, records);
          GrowthData.flush(publisher);
          n = records.size();
        }
        long iPerMinute = Math.round(n / (double) s.toMinutes());
        step("service-density-" + s.toMinutes() + "m", "service", List.of("--topic", itopic), n, 0)
            .ifPresent(r -> serviceRows.add(new GrowthTable.Row(s + " (" + Report.count(iPerMinute) + "/min)",
                iPerMinute, r.get(0), r.get(1))));
      }
    }
    md.append(String.format(Locale.ROOT, "Survey job: the same %s responses (the generator's, copied under new ids, "
        + "natural teams and products) evenly over each span.%n%n", Report.count(surveys)));
    md.append(GrowthTable.plain("span (responses/min)", surveyRows)).append('\n');
    if (densityInteractions > 0) {
      md.append(String.format(Locale.ROOT, "Service job: %s interactions of the generator's world (seed %d) over each "
          + "span (its ticket rate scaled to the span: the same number of events, not the same events).%n%n",
          Report.count(densityInteractions), seed));
      md.append(GrowthTable.plain("span (interactions/min)", serviceRows));
    }
    return md.toString();
  }

  /** Runs one step in a fresh JVM; its fresh and warmed results, or empty if it failed (noted). */
  private java.util.Optional<List<RunResult>> step(String name, String job, List<String> args, long expected, long skip)
      throws InterruptedException {
    RunSpec spec = new RunSpec(name, runId, kafka.bootstrapServers(), influx.url(), expected, parallelism,
        (int) checkpointInterval.toSeconds(), checkpoints.toAbsolutePath().toUri().toString(),
        logs.resolve(name + ".jsonl").toString(), false, null, stateBackend);
    say(String.format(Locale.ROOT, "running %s (%s records, %s of them before the measured span) fresh and warmed; "
        + "load average %.1f ...", name, Report.count(expected), Report.count(skip),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    try {
      List<RunResult> results = ChildJvm.run(spec, GrowthProcess.class,
          JSON.writeValueAsString(new GrowthProcess.Step(spec, job, args, skip)), childHeap, logs.resolve(name + ".log"),
          runTimeout);
      for (RunResult r : results) {
        say(String.format(Locale.ROOT, "  %s %s: %s events/s, %.1f CPU s/M events, %.3f points/event, checkpoint max %s, "
            + "heap max %s", r.runner(), r.jvm(), Report.count(Math.round(r.eventsPerSecond())), r.cpuSecondsPerMillion(),
            r.drainPointsPerEvent(), Report.bytes(r.checkpointMaxBytes()), Report.bytes(r.heapMaxBytes())));
      }
      if (results.size() < 2) {
        throw new IOException(name + " reported " + results.size() + " runs instead of 2");
      }
      Benchmark.deleteRecursively(checkpoints);
      return java.util.Optional.of(results);
    } catch (IOException e) {
      failures.add(e.getMessage());
      say("  FAILED: " + e.getMessage());
      return java.util.Optional.empty();
    }
  }

  private static void say(String line) {
    System.err.println("[growth] " + line);
  }
}
