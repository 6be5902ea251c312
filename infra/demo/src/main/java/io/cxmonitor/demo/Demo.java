package io.cxmonitor.demo;

import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.platform.cli.KafkaClientOptions;
import io.cxmonitor.platform.influx.InfluxSinkOptions;
import io.cxmonitor.platform.influx.InfluxWriteClient;
import io.cxmonitor.tools.generator.GeneratorCli;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.platform.kafka.ValueFormat;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.testkit.SchemaRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The local demo: a real Kafka broker and a real influxd on loopback (or existing ones), the
 * survey, service and churn KPI jobs on embedded Flink clusters, the generator, and a live terminal view of the
 * KPIs read back from InfluxDB. Ctrl-C stops everything and deletes the temporary data.
 */
@Command(name = "cx-demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs cx-monitor end to end on this machine and shows live KPIs until Ctrl-C.")
public final class Demo implements Callable<Integer> {

  @Option(names = "--kafka", description = "Use this existing Kafka (bootstrap servers) instead of starting one.")
  String kafka;

  @Option(names = "--influx-url", description = "Use this existing InfluxDB (e.g. http://127.0.0.1:8086) instead of starting influxd.")
  String influxUrl;

  @Option(names = "--influx-db", defaultValue = "cx", description = "Database. Default: ${DEFAULT-VALUE}")
  String influxDb;

  @Option(names = "--influx-user", description = "With --influx-url: InfluxDB user; the password from "
      + "--influx-password-file or the environment variable " + JobOptions.PASSWORD_ENV + ".")
  String influxUser;

  @Option(names = "--influx-password-file", paramLabel = "FILE", description = "With --influx-url and --influx-user: "
      + "file holding the InfluxDB password or token.")
  Path influxPasswordFile;

  @Option(names = "--influx-ca-file", paramLabel = "FILE",
      description = "With an https:// --influx-url: PEM file of the CA certificate(s) to trust.")
  Path influxCaFile;

  @Option(names = "--value-format", paramLabel = "single-object|confluent", defaultValue = "single-object",
      description = "How the generator writes and the jobs read the Avro topics: single-object, or confluent (Confluent "
          + "framing, schemas in --schema-registry or, without it, in an Apicurio Registry the demo starts on loopback: "
          + "infra/demo.sh unpacks it; else set CX_APICURIO_HOME to an unpacked apicurio-registry-app). "
          + "Default: ${DEFAULT-VALUE}")
  String valueFormat;

  @Option(names = "--schema-registry", paramLabel = "URL",
      description = "Use this existing Confluent-compatible schema registry (e.g. http://127.0.0.1:8080/apis/ccompat/v7) "
          + "and run in registry mode (--value-format confluent).")
  String schemaRegistry;

  @Option(names = "--schema-registry-credentials-file", paramLabel = "FILE",
      description = "With --schema-registry: file holding user:password for the registry's basic authentication.")
  Path schemaRegistryCredentialsFile;

  /** With --kafka: client properties (SSL, SASL) for the jobs, the generator and topic creation. */
  @Mixin
  KafkaClientOptions kafkaClient = new KafkaClientOptions();

  @Option(names = "--rate", defaultValue = "300", description = "Tickets per minute (daily average). Default: ${DEFAULT-VALUE}")
  double rate;

  @Option(names = "--backfill", defaultValue = "PT2H",
      description = "Generate this much history first, so 1h values show at once. Default: ${DEFAULT-VALUE}")
  Duration backfill;

  @Option(names = "--seed", defaultValue = "42", description = "Generator seed. Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--window", defaultValue = "1h", description = "Window shown: 1m, 1h or 24h. Default: ${DEFAULT-VALUE}")
  String window;

  @Option(names = "--refresh", defaultValue = "PT5S", description = "Screen refresh interval. Default: ${DEFAULT-VALUE}")
  Duration refresh;

  @Option(names = "--scenario",
      description = "Play an incident after a minute: csat-drop or abandonment-spike, on --channel; watch the matching alert rule's figure cross its threshold.")
  String scenario;

  @Option(names = "--channel", defaultValue = "zalo_oa", description = "Channel of --scenario. Default: ${DEFAULT-VALUE}")
  String scenarioChannel;

  @Option(names = "--flink-ui-port", defaultValue = "8081", description = "Port of the Flink web UI (0 = none). Default: ${DEFAULT-VALUE}")
  int flinkUiPort;

  @Option(names = "--bind-address", defaultValue = "127.0.0.1",
      description = "Address the embedded Flink clusters (web UI/REST, RPC, BLOB, data ports) listen on; jar upload and "
          + "cancel through the web UI stay off. Kafka and influxd started by the demo always stay on 127.0.0.1. "
          + "Default: ${DEFAULT-VALUE}")
  String bindAddress;

  /** The demo's log4j2 configuration (a file under java.io.tmpdir; the terminal shows the live view). */
  static final String LOG_CONFIG = "cx-demo-log4j2.properties";

  @Option(names = "--checkpoint-dir",
      description = "Keep the jobs' checkpoints here and resume each job from its latest one when the demo is started "
          + "again (needs --kafka and --influx-url: the demo's own Kafka and influxd are deleted on Ctrl-C). A resumed "
          + "demo generates no backfill. Default: a temporary directory, deleted on Ctrl-C.")
  Path checkpointDir;

  public static void main(String[] args) {
    // Named explicitly: the testkit brings kafka-test-common-runtime, whose log4j2.yaml would
    // otherwise be found on the classpath (it logs everything at INFO to the terminal).
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", LOG_CONFIG);
    }
    System.exit(new CommandLine(new Demo()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!window.matches("1m|1h|24h")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--window must be 1m, 1h or 24h, got " + window);
    }
    if (checkpointDir != null && (kafka == null || influxUrl == null)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--checkpoint-dir needs --kafka and --influx-url: "
          + "a resumed job continues at Kafka offsets and InfluxDB points that the demo's own servers delete on Ctrl-C");
    }
    boolean confluent;
    try {
      confluent = schemaRegistry != null || ValueFormat.Kind.parse(valueFormat) == ValueFormat.Kind.CONFLUENT;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--value-format: " + e.getMessage());
    }
    if (schemaRegistryCredentialsFile != null && schemaRegistry == null) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--schema-registry-credentials-file needs "
          + "--schema-registry: the registry the demo starts itself asks for no credentials");
    }
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    stopOnCtrlC(stop, stopped);
    Started started = new Started();
    try {
      String bootstrap = useOrStartKafka(started);
      String url = useOrStartInflux(started);
      String registry = confluent ? useOrStartRegistry(started) : null;
      started.registryArgs = confluent ? registryArgs(registry) : List.of();
      GeneratorCli.createTopics(bootstrap, 2, kafka == null ? new Properties()
          : kafkaClient.clientProperties(new CommandLine(this)));
      status("Kafka " + bootstrap + ", InfluxDB " + url + " (database " + influxDb + ")"
          + (confluent ? ", Confluent framing with the schema registry " + registry : ""));
      startJobs(started, bootstrap, url);
      // With an existing Kafka the jobs start at the latest offsets: give their sources time to
      // find their partitions before the backfill starts.
      Thread.sleep(started.broker == null ? 10_000 : 1_000);
      started.generator = startGenerator(bootstrap, started.resumed ? Duration.ZERO : backfill, started.registryArgs);
      showKpisUntil(stop, started, url);
      return 0;
    } finally {
      started.stopAll();
      stopped.countDown();
    }
  }

  /** Ctrl-C ends the live view, and the JVM waits until everything is stopped and deleted. */
  private static void stopOnCtrlC(CountDownLatch stop, CountDownLatch stopped) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-shutdown"));
  }

  /** --kafka, or a broker started in this JVM. */
  private String useOrStartKafka(Started started) throws Exception {
    if (kafka != null) {
      return kafka;
    }
    status("starting Kafka (KRaft, in this JVM) ...");
    started.broker = KafkaBroker.start();
    return started.broker.bootstrapServers();
  }

  /** --influx-url, or an influxd started as a child process. */
  private String useOrStartInflux(Started started) throws Exception {
    if (influxUrl != null) {
      return influxUrl;
    }
    status("starting influxd ...");
    started.influx = InfluxServer.start();
    return started.influx.url();
  }

  /** --schema-registry, or an Apicurio Registry started as a child process. */
  private String useOrStartRegistry(Started started) throws Exception {
    if (schemaRegistry != null) {
      return schemaRegistry;
    }
    status("starting Apicurio Registry (in memory) ...");
    try {
      started.registry = SchemaRegistry.start();
    } catch (IllegalStateException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage() + ". infra/demo.sh unpacks it to "
          + "infra/demo/target/apicurio-registry (mvn -pl infra/demo package); or give --schema-registry URL");
    }
    return started.registry.confluentUrl();
  }

  /** The options of the jobs and the generator for Confluent framing with {@code registry}. */
  private List<String> registryArgs(String registry) {
    List<String> args = new ArrayList<>(List.of("--value-format", "confluent", "--schema-registry", registry));
    addIfSet(args, "--schema-registry-credentials-file", schemaRegistryCredentialsFile);
    return args;
  }

  /** The survey, service and churn jobs, each on its own embedded cluster. */
  private void startJobs(Started started, String bootstrap, String url) throws Exception {
    StreamExecutionEnvironment env = surveyEnvironment();
    // Job state outgrows JobManager memory checkpoints quickly: checkpoint to disk, each job under
    // <dir>/<job>, where --resume finds its latest checkpoint when the demo is started again.
    if (checkpointDir != null) {
      started.keptCheckpoints = checkpointDir;
      started.resumed = hasCheckpoints(checkpointDir);
      status(started.resumed ? "resuming the jobs from their checkpoints in " + checkpointDir + " (no backfill)"
          : "checkpoints in " + checkpointDir + "; start the demo again with the same options to resume");
    } else {
      started.temporaryCheckpoints = java.nio.file.Files.createTempDirectory("cx-demo-checkpoints-");
    }
    SurveyKpiJob.fromArgs(jobArgs(started, bootstrap, url, "cx-demo-")).configure(env);
    started.jobs.add(env.executeAsync("cx-monitor survey KPIs (demo)"));
    status("survey job running" + (flinkUiPort > 0 ? ", Flink UI http://" + bindAddress + ":" + flinkUiPort : ""));
    StreamExecutionEnvironment serviceEnv = StreamExecutionEnvironment.createLocalEnvironment(2, localCluster());
    ServiceKpiJob.fromArgs(jobArgs(started, bootstrap, url, "cx-demo-service-")).configure(serviceEnv);
    started.jobs.add(serviceEnv.executeAsync("cx-monitor service KPIs (demo)"));
    status("service job running");
    StreamExecutionEnvironment churnEnv = StreamExecutionEnvironment.createLocalEnvironment(2, localCluster());
    ChurnKpiJob.fromArgs(jobArgs(started, bootstrap, url, "cx-demo-churn-")).configure(churnEnv);
    started.jobs.add(churnEnv.executeAsync("cx-monitor churn KPIs (demo)"));
    status("churn job running");
  }

  /** The survey job's cluster also serves the Flink web UI, unless --flink-ui-port is 0. */
  private StreamExecutionEnvironment surveyEnvironment() {
    Configuration conf = localCluster();
    StreamExecutionEnvironment env;
    if (flinkUiPort > 0) {
      conf.set(RestOptions.PORT, flinkUiPort);
      env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    } else {
      env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    }
    env.setParallelism(2);
    return env;
  }

  /** An embedded cluster listening on --bind-address only, without jar upload or cancel through REST. */
  private Configuration localCluster() {
    return JobOptions.localCluster(bindAddress, false, false);
  }

  /**
   * The options every job gets: a fresh consumer group per run, so no old offsets apply — unless the
   * demo resumes (--checkpoint-dir), where the checkpoint holds the offsets and the group stays.
   */
  private String[] jobArgs(Started started, String bootstrap, String url, String groupPrefix) {
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--influx-url", url, "--influx-db", influxDb,
        "--start-from", startFrom(started.broker), "--checkpoint-interval", "PT10S", "--idleness", "PT10S"));
    if (checkpointDir != null) {
      args.addAll(List.of("--checkpoint-dir", checkpointDir.toUri().toString(), "--resume", "--group-id", groupPrefix + "resumable"));
    } else {
      args.addAll(List.of("--checkpoint-dir", started.temporaryCheckpoints.toUri().toString(),
          "--group-id", groupPrefix + System.currentTimeMillis()));
    }
    args.addAll(existingKafkaArgs());
    args.addAll(started.registryArgs);
    if (started.influx == null) {
      addIfSet(args, "--influx-user", influxUser);
      addIfSet(args, "--influx-password-file", influxPasswordFile);
      addIfSet(args, "--influx-ca-file", influxCaFile);
    }
    return args.toArray(String[]::new);
  }

  private static void addIfSet(List<String> args, String option, Object value) {
    if (value != null) {
      args.add(option);
      args.add(value.toString());
    }
  }

  /** The Kafka client options for an existing broker (--kafka); the demo's own broker needs none. */
  private List<String> existingKafkaArgs() {
    return kafka == null ? List.of() : kafkaClient.args();
  }

  /** How the live view reaches InfluxDB: the demo's own influxd, or --influx-url with its credentials and CA. */
  private InfluxSinkOptions liveViewConnection(Started started, String url) {
    return started.influx != null ? InfluxSinkOptions.defaults(url, influxDb)
        : JobOptions.influxConnection(url, influxDb, influxUser, influxPasswordFile, influxCaFile);
  }

  /** Whether an earlier demo left checkpoints in {@code dir}. */
  private static boolean hasCheckpoints(Path dir) throws IOException {
    if (!java.nio.file.Files.isDirectory(dir)) {
      return false;
    }
    try (var entries = java.nio.file.Files.list(dir)) {
      return entries.findAny().isPresent();
    }
  }

  /** The generator on a daemon thread: --backfill of history first, then real time, with --scenario if given. */
  private Thread startGenerator(String bootstrap, Duration backfill, List<String> registryArgs) {
    String[] genArgs = java.util.stream.Stream.concat(java.util.stream.Stream.of("--bootstrap-servers", bootstrap,
        "--rate", Double.toString(rate), "--seed", Long.toString(seed), "--backfill", backfill.toString(),
        "--duration", "P30D", "--poison-every", "2000", "--progress-every", "P1D"),
        java.util.stream.Stream.concat(existingKafkaArgs().stream(), registryArgs.stream()))
        .toArray(String[]::new);
    String[] allArgs = genArgs;
    if (scenario != null) {
      allArgs = java.util.stream.Stream.concat(java.util.Arrays.stream(genArgs),
          java.util.stream.Stream.of("--scenario", scenario, "--channel", scenarioChannel)).toArray(String[]::new);
      status("scenario " + scenario + " on " + scenarioChannel + " starts in a minute: "
          + (scenario.startsWith("csat") ? "CSAT of that channel falls below 60 % (rule cx-csat-low) within minutes"
              : "abandonment on that channel rises above 15 % (rule cx-abandonment-spike) within minutes"));
    }
    String[] finalArgs = allArgs;
    Thread generator = new Thread(() -> new CommandLine(new GeneratorCli()).execute(finalArgs), "generator");
    generator.setDaemon(true);
    generator.start();
    return generator;
  }

  /** Redraws the KPIs and the jobs' status every --refresh until {@code stop} opens. */
  private void showKpisUntil(CountDownLatch stop, Started started, String url) throws Exception {
    LiveView view = new LiveView(InfluxWriteClient.connect(liveViewConnection(started, url)), influxDb, window);
    while (!stop.await(refresh.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      StringBuilder jobStatus = new StringBuilder();
      for (JobClient j : started.jobs) {
        jobStatus.append(jobStatus.length() == 0 ? "" : " / ").append(j.getJobStatus().get());
      }
      view.render(jobStatus.toString());
    }
  }

  /** What this run started, so that stopping can undo exactly that, however far the start got. */
  private static final class Started {
    KafkaBroker broker;
    InfluxServer influx;
    SchemaRegistry registry;
    /** The registry options of the jobs and the generator; empty in single-object encoding. */
    List<String> registryArgs = List.of();
    final List<JobClient> jobs = new ArrayList<>();
    /** Checkpoints of this run only (no --checkpoint-dir), deleted on stop. */
    Path temporaryCheckpoints;
    /** Whether the jobs resumed from checkpoints of an earlier demo. */
    boolean resumed;
    /** --checkpoint-dir: kept on stop, for the next demo to resume from. */
    Path keptCheckpoints;
    Thread generator;

    /** Stops what was started; closing the broker and influxd deletes their data directories. */
    void stopAll() throws IOException {
      System.out.println("\nstopping ...");
      if (generator != null) {
        generator.interrupt();
      }
      for (JobClient j : jobs) {
        try {
          j.cancel().get();
        } catch (Exception e) {
          System.out.println("job cancel: " + e.getMessage());
        }
      }
      if (broker != null) {
        broker.close();
      }
      // Cancelled jobs keep their latest checkpoint (RETAIN_ON_CANCELLATION): the next demo with the
      // same --checkpoint-dir resumes from it. A temporary directory goes.
      if (temporaryCheckpoints != null) {
        try (var paths = java.nio.file.Files.walk(temporaryCheckpoints)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      if (influx != null) {
        influx.close();
      }
      if (registry != null) {
        registry.close();
      }
      if (keptCheckpoints != null) {
        System.out.println("checkpoints kept in " + keptCheckpoints + ": start the demo again with the same options to resume.");
      }
      System.out.println(stoppedMessage(broker != null, influx != null));
    }

    /** What stopping removed: only the servers the demo started itself had temporary data. */
    static String stoppedMessage(boolean ownKafka, boolean ownInflux) {
      if (ownKafka && ownInflux) {
        return "stopped; temporary Kafka and InfluxDB data deleted.";
      }
      if (ownKafka || ownInflux) {
        return "stopped; temporary " + (ownKafka ? "Kafka" : "InfluxDB") + " data deleted, "
            + (ownKafka ? "InfluxDB (--influx-url)" : "Kafka (--kafka)") + " left as it was.";
      }
      return "stopped; Kafka (--kafka) and InfluxDB (--influx-url) left as they were.";
    }
  }

  /** Our own broker holds only this run's data: read all of it; an existing one may hold old data. */
  private static String startFrom(KafkaBroker ownBroker) {
    return ownBroker != null ? "EARLIEST" : "LATEST";
  }

  private static void status(String s) {
    System.out.println("[cx-demo] " + s);
  }

}
