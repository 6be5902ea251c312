package io.cxmonitor.platform.cli;

import io.cxmonitor.platform.influx.InfluxSinkOptions;
import io.cxmonitor.platform.influx.RejectedPoints;
import io.cxmonitor.platform.influx.PasswordSource;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.DeadLetterSerializer;
import io.cxmonitor.platform.kafka.KafkaIo;
import io.cxmonitor.platform.kafka.RejectedPointsToDeadLetters;
import io.cxmonitor.platform.kafka.ValueFormat;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.platform.pipeline.RetainedCheckpoints;
import io.cxmonitor.platform.windows.Provisional;
import io.cxmonitor.platform.windows.TagCardinalityGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every KPI job shares (a picocli mixin): Kafka, InfluxDB, event time, checkpoints. */
public final class JobOptions {
  private static final Logger LOG = LoggerFactory.getLogger(JobOptions.class);
  /**
   * Environment variable the InfluxDB sink reads its password from (where it runs), unless
   * --influx-password-file is given. Never an option: it would show in process lists.
   */
  public static final String PASSWORD_ENV = "CX_INFLUX_PASSWORD";
  public static final String DEFAULT_EVENT_TIME_NOT_BEFORE = "2000-01-01T00:00:00Z";
  public static final String DEFAULT_EVENT_TIME_MAX_AHEAD = "PT1H";
  /** Below Kafka's default max.request.size (1 MiB) with room for the dead letter's headers. */
  private static final int MAX_DEAD_LETTER_BYTES = 1_000_000;

  @Option(names = "--bootstrap-servers", defaultValue = "${env:CX_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env CX_KAFKA_BOOTSTRAP). Default: ${DEFAULT-VALUE}")
  public String bootstrapServers;

  @Option(names = "--dead-letter-topic", defaultValue = Topics.DEAD_LETTER,
      description = "Topic for late, invalid and undecodable records. Default: ${DEFAULT-VALUE}")
  public String deadLetterTopic;

  @Option(names = "--dead-letter-max-bytes", defaultValue = "" + DeadLetterSerializer.DEFAULT_MAX_PAYLOAD_BYTES,
      description = "Key plus value bytes a dead letter keeps; larger records are cut to this and flagged with headers "
          + "cx.truncated and cx.original.key.size / cx.original.value.size (1024 .. " + MAX_DEAD_LETTER_BYTES
          + "). Default: ${DEFAULT-VALUE}")
  public int deadLetterMaxBytes;

  @Option(names = "--group-id", description = "Kafka consumer group. Default: cx-<job>.")
  public String groupId;

  @Option(names = "--start-from", defaultValue = "COMMITTED",
      description = "Without a checkpoint start from: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}")
  public KafkaIo.StartFrom startFrom;

  @Option(names = "--bounded", description = "Stop at the offsets that are latest when the job starts (backfills, tests).")
  public boolean bounded;

  @Option(names = "--influx-url", defaultValue = "${env:CX_INFLUX_URL:-http://127.0.0.1:8086}",
      description = "InfluxDB base URL (env CX_INFLUX_URL). Default: ${DEFAULT-VALUE}")
  public String influxUrl;

  @Option(names = "--influx-db", defaultValue = "${env:CX_INFLUX_DB:-cx}",
      description = "InfluxDB database (v1) or DBRP-mapped bucket (env CX_INFLUX_DB). Default: ${DEFAULT-VALUE}")
  public String influxDb;

  @Option(names = "--influx-user", defaultValue = "${env:CX_INFLUX_USER}",
      description = "InfluxDB user (env CX_INFLUX_USER; with InfluxDB 2.x any name, the token is the password). The "
          + "password comes from --influx-password-file, else from the environment variable " + PASSWORD_ENV
          + ", read by the sink where it runs (on a cluster: every TaskManager).")
  public String influxUser;

  @Option(names = "--influx-password-file", paramLabel = "FILE", defaultValue = "${env:CX_INFLUX_PASSWORD_FILE}",
      description = "File holding the InfluxDB password or token (env CX_INFLUX_PASSWORD_FILE), kept outside the "
          + "repository and read by the sink where it runs; a trailing line break is ignored.")
  public Path influxPasswordFile;

  @Option(names = "--influx-ca-file", paramLabel = "FILE", defaultValue = "${env:CX_INFLUX_CA_FILE}",
      description = "PEM file of the CA certificate(s), or the self-signed certificate, that an https:// --influx-url "
          + "must present (env CX_INFLUX_CA_FILE); without it the JVM's trust store applies.")
  public Path influxCaFile;

  @Mixin
  public KafkaClientOptions kafkaClient = new KafkaClientOptions();

  @Mixin
  public ValueFormatOptions values = new ValueFormatOptions();

  /** The Avro topics' value format as --value-format, --schema-registry and its credentials file say. */
  public ValueFormat valueFormat() {
    return values.valueFormat();
  }

  /** The Kafka client properties from --kafka-config and --kafka-property, set by {@link #validate}. */
  private Properties kafkaProperties = new Properties();

  @Option(names = "--influx-create-db", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Issue CREATE DATABASE on start (use --no-influx-create-db for InfluxDB 2.x/3.x). Default: ${DEFAULT-VALUE}")
  public boolean influxCreateDb;

  @Option(names = "--out-of-orderness", defaultValue = "PT30S",
      description = "How far behind the newest event a record may arrive and still count (ISO-8601). Default: ${DEFAULT-VALUE}")
  public Duration outOfOrderness;

  @Option(names = "--event-time-not-before", defaultValue = DEFAULT_EVENT_TIME_NOT_BEFORE,
      description = "Records with an earlier event time are dead-lettered as INVALID (ISO-8601 instant). Default: ${DEFAULT-VALUE}")
  public Instant eventTimeNotBefore;

  @Option(names = "--event-time-max-ahead", defaultValue = DEFAULT_EVENT_TIME_MAX_AHEAD,
      description = "Records with an event time further ahead of the wall clock are dead-lettered as INVALID. "
          + "Default: ${DEFAULT-VALUE}")
  public Duration eventTimeMaxAhead;

  @Option(names = "--idleness", defaultValue = "PT1M",
      description = "A partition without data for this long stops holding back the watermark. Default: ${DEFAULT-VALUE}")
  public Duration idleness;

  @Option(names = "--checkpoint-interval", defaultValue = "PT30S",
      description = "Checkpoint interval; every checkpoint flushes the InfluxDB sink. Default: ${DEFAULT-VALUE}")
  public Duration checkpointInterval;

  @Option(names = "--checkpoint-dir",
      description = "Checkpoint storage URI (file:///..., s3://...); the job checkpoints under <dir>/<job> and keeps its "
          + "latest checkpoint when it is cancelled or dies (see --resume). Without it the cluster's configuration "
          + "applies; a local run checkpoints to a temporary directory that is removed when the process ends "
          + "(nothing to resume from after a crash).")
  public String checkpointDir;

  // --- resume after a crash or a stop (README "Resume") -------------------------------------------
  @Option(names = "--resume",
      description = "Continue from the latest complete checkpoint this job left in --checkpoint-dir (checkpoints are "
          + "kept when the job crashes or is cancelled). With none there, the job starts fresh from --start-from and "
          + "logs that it did.")
  public boolean resume;

  @Option(names = "--from-savepoint", paramLabel = "PATH",
      description = "Continue from this savepoint or retained checkpoint (its directory or its _metadata file); "
          + "the job fails to start if it is not there.")
  public String fromSavepoint;
  // --- end of resume options -----------------------------------------------------------------------

  @Option(names = "--parallelism", defaultValue = "0", description = "Job parallelism; 0 keeps the cluster default.")
  public int parallelism;

  @Option(names = "--stats-interval", defaultValue = "PT10S", description = "How often pipeline counters are written. Default: ${DEFAULT-VALUE}")
  public Duration statsInterval;

  @Option(names = "--bucket", defaultValue = "PT1M",
      description = "Time resolution of the windows: the 1-bucket window and how often the rolling 1h and 24h values "
          + "are updated. Must divide an hour. Use PT1H to backfill months of history. Default: ${DEFAULT-VALUE}")
  public Duration bucket;

  @Option(names = "--max-tag-values", defaultValue = "" + TagCardinalityGuard.DEFAULT_MAX_VALUES,
      description = "Distinct values each tag (region, team, product, ...) may take per pre-aggregating subtask; "
          + "further new values are written as 'other', counted (tag_values_folded_total) and logged once per tag. "
          + "Default: ${DEFAULT-VALUE}")
  public int maxTagValues;

  @Option(names = "--provisional-interval", defaultValue = "PT0.5S",
      description = "How often the open buckets' values are written as provisional points (field provisional = 1) "
          + "before the watermark closes them; the final point overwrites each. PT0S turns them off. "
          + "Default: ${DEFAULT-VALUE}")
  public Duration provisionalInterval;

  @Option(names = "--bind-address", defaultValue = "127.0.0.1",
      description = "Address the embedded Flink cluster of a local run listens on: REST/web UI, RPC, BLOB server and "
          + "data exchange. 0.0.0.0 opens them to the network. Ignored when the job is submitted to a cluster. "
          + "Default: ${DEFAULT-VALUE}")
  public String bindAddress;

  @Option(names = "--web-submit",
      description = "Allow uploading and running jars through the REST endpoint of a local run (off: anyone who can "
          + "reach the port could run code in this process).")
  public boolean webSubmit;

  @Option(names = "--web-cancel",
      description = "Show the cancel button in the web UI of a local run. Flink's REST API can cancel a job either way, "
          + "which is one more reason to keep --bind-address on loopback.")
  public boolean webCancel;

  /** Throws a picocli error that says what is wrong and how to fix it. */
  public void validate(CommandLine cmd) {
    if (outOfOrderness.isNegative()) {
      throw new CommandLine.ParameterException(cmd, "--out-of-orderness must not be negative, got " + outOfOrderness);
    }
    if (bucket.toMillis() < 1000 || 3_600_000L % bucket.toMillis() != 0) {
      throw new CommandLine.ParameterException(cmd, "--bucket must be at least PT1S and divide one hour (PT1M, PT5M, PT1H ...), got " + bucket);
    }
    if (eventTimeMaxAhead.isNegative()) {
      throw new CommandLine.ParameterException(cmd, "--event-time-max-ahead must not be negative, got " + eventTimeMaxAhead);
    }
    if (!eventTimeNotBefore.isBefore(Instant.now())) {
      throw new CommandLine.ParameterException(cmd, "--event-time-not-before must be in the past, got " + eventTimeNotBefore);
    }
    if (deadLetterMaxBytes < 1024 || deadLetterMaxBytes > MAX_DEAD_LETTER_BYTES) {
      throw new CommandLine.ParameterException(cmd, "--dead-letter-max-bytes must be between 1024 and "
          + MAX_DEAD_LETTER_BYTES + " (Kafka refuses requests over 1 MiB by default), got " + deadLetterMaxBytes);
    }
    if (provisionalInterval.isNegative() || (!provisionalInterval.isZero() && provisionalInterval.toMillis() < 10)) {
      throw new CommandLine.ParameterException(cmd, "--provisional-interval must be PT0S (off) or at least PT0.01S, got "
          + provisionalInterval);
    }
    if (maxTagValues < 1) {
      throw new CommandLine.ParameterException(cmd, "--max-tag-values must be at least 1, got " + maxTagValues);
    }
    if (!influxUrl.startsWith("http://") && !influxUrl.startsWith("https://")) {
      throw new CommandLine.ParameterException(cmd, "--influx-url must start with http:// or https://, got '" + influxUrl + "'");
    }
    if (influxPasswordFile != null && influxUser == null) {
      throw new CommandLine.ParameterException(cmd, "--influx-password-file needs --influx-user (with an InfluxDB 2.x "
          + "token any user name will do)");
    }
    if (influxCaFile != null && !influxUrl.startsWith("https://")) {
      throw new CommandLine.ParameterException(cmd, "--influx-ca-file is for an https:// --influx-url, got '" + influxUrl + "'");
    }
    kafkaProperties = kafkaClient.clientProperties(cmd);
    values.validate(cmd);
    validateResume(cmd);
  }

  /**
   * A copy of the Kafka client properties every source, sink and admin client of the job gets. They go into the job
   * graph: passwords in them are config-provider references (see {@link KafkaClientOptions}).
   */
  public Properties kafkaProperties() {
    Properties p = new Properties();
    p.putAll(kafkaProperties);
    return p;
  }

  private void validateResume(CommandLine cmd) {
    if (resume && fromSavepoint != null) {
      throw new CommandLine.ParameterException(cmd, "--resume and --from-savepoint exclude each other: --resume picks "
          + "the latest checkpoint in --checkpoint-dir, --from-savepoint names one");
    }
    if (resume && checkpointDir == null) {
      throw new CommandLine.ParameterException(cmd, "--resume needs --checkpoint-dir: the directory the job's earlier "
          + "runs checkpointed to");
    }
    try {
      if (fromSavepoint != null && !RetainedCheckpoints.exists(fromSavepoint)) {
        throw new CommandLine.ParameterException(cmd, "--from-savepoint " + fromSavepoint + ": no savepoint or "
            + "checkpoint there (no _metadata); give its chk-<n> or savepoint directory");
      }
    } catch (IOException e) {
      throw new CommandLine.ParameterException(cmd, "--from-savepoint " + fromSavepoint + " cannot be read: " + e.getMessage());
    }
  }

  public String groupId(String job) {
    return groupId != null ? groupId : "cx-" + job;
  }

  /** The dead-letter topic's sink, cutting records to --dead-letter-max-bytes. */
  public KafkaSink<DeadLetter> deadLetterSink() {
    return KafkaIo.deadLetterSink(bootstrapServers, deadLetterTopic, deadLetterMaxBytes, kafkaProperties());
  }

  /** Points InfluxDB refuses as malformed go to the dead-letter topic, cut like every dead letter. */
  public RejectedPoints rejectedInfluxPoints() {
    return new RejectedPointsToDeadLetters(bootstrapServers, deadLetterTopic, deadLetterMaxBytes, kafkaProperties());
  }

  /**
   * The InfluxDB sink's options. They name where the password is (file or environment variable), not the password:
   * the sink reads it where it runs, so it is neither in the job graph nor in a log line.
   */
  public InfluxSinkOptions influx() {
    return influxConnection(influxUrl, influxDb, influxUser, influxPasswordFile, influxCaFile)
        .withCreateDatabase(influxCreateDb);
  }

  /**
   * How to reach InfluxDB, as the options --influx-url, --influx-db, --influx-user, --influx-password-file and
   * --influx-ca-file say (each may be null but the URL and database): the password from the file, else from
   * {@value #PASSWORD_ENV}, read when a client connects.
   */
  public static InfluxSinkOptions influxConnection(String url, String db, String user, Path passwordFile, Path caFile) {
    return InfluxSinkOptions.defaults(url, db)
        .withCredentials(user, user == null ? PasswordSource.NONE
            : passwordFile != null ? PasswordSource.file(passwordFile) : PasswordSource.env(PASSWORD_ENV))
        .withCaFile(caFile == null ? null : caFile.toAbsolutePath().toString());
  }

  /**
   * The environment a job's {@code main} runs in: the cluster's when submitted with {@code flink run}, otherwise an
   * embedded cluster that listens on {@link #bindAddress} only (see {@link #localCluster}).
   */
  public StreamExecutionEnvironment executionEnvironment() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (env instanceof LocalStreamEnvironment) {
      return StreamExecutionEnvironment.createLocalEnvironment(localCluster(bindAddress, webSubmit, webCancel));
    }
    return env;
  }

  /**
   * Configuration of an embedded (local-mode) Flink cluster whose every listener — REST and web UI, JobManager and
   * TaskManager RPC, BLOB server, data exchange — is bound to {@code bindAddress}, with jar upload through the web
   * and the web UI's cancel button only when asked for. Flink's defaults bind the wildcard address and allow both.
   */
  public static Configuration localCluster(String bindAddress, boolean webSubmit, boolean webCancel) {
    Configuration conf = new Configuration();
    conf.set(RestOptions.ADDRESS, bindAddress);
    conf.set(RestOptions.BIND_ADDRESS, bindAddress);
    conf.set(JobManagerOptions.ADDRESS, bindAddress);
    conf.set(JobManagerOptions.BIND_HOST, bindAddress);
    conf.set(TaskManagerOptions.HOST, bindAddress);
    conf.set(TaskManagerOptions.BIND_HOST, bindAddress);
    conf.set(WebOptions.SUBMIT_ENABLE, webSubmit);
    conf.set(WebOptions.CANCEL_ENABLE, webCancel);
    return conf;
  }

  /**
   * Checkpointing and restore of {@code job}: exactly-once barriers every --checkpoint-interval; with --checkpoint-dir,
   * checkpoints go to {@code <checkpoint-dir>/<job>} and are retained when the job is cancelled or dies, so that
   * --resume finds this job's latest and never another job's. --resume and --from-savepoint set the restore path
   * ({@code execution.state-recovery.path}, formerly {@code execution.savepoint.path}) that a local run's embedded
   * cluster restores from; a job submitted with {@code flink run} takes it from {@code -s} instead.
   */
  public void configure(StreamExecutionEnvironment env, String job) {
    if (parallelism > 0) {
      env.setParallelism(parallelism);
    }
    env.getConfig().enableObjectReuse();
    Configuration parameters = new Configuration();
    parameters.set(PipelineOptions.GLOBAL_JOB_PARAMETERS, Map.of(TagCardinalityGuard.PARAMETER, Integer.toString(maxTagValues),
        Provisional.PARAMETER, Long.toString(provisionalInterval.toMillis())));
    env.configure(parameters);
    env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    Configuration conf = new Configuration();
    if (checkpointDir != null) {
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, RetainedCheckpoints.jobDirectory(checkpointDir, job));
      conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    } else if (env instanceof LocalStreamEnvironment) {
      // Flink's default for a local run keeps checkpoints in JobManager memory, at most 5 MB per state handle:
      // a backfill's windows outgrow it and every checkpoint fails until the job gives up.
      Path temporary = temporaryCheckpointDirectory(job);
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, temporary.toUri().toString());
      LOG.info("{}: no --checkpoint-dir: checkpoints go to {}, removed when this process ends; give --checkpoint-dir "
          + "to resume after a crash", job, temporary);
    }
    restorePath(job).ifPresent(path -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path));
    env.configure(conf);
  }

  /** A new directory for a local run's checkpoints, deleted with its contents when the JVM exits. */
  private static Path temporaryCheckpointDirectory(String job) {
    try {
      Path dir = java.nio.file.Files.createTempDirectory("cx-checkpoints-" + job + "-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> org.apache.flink.util.FileUtils.deleteDirectoryQuietly(dir.toFile()),
          "delete " + dir));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary checkpoint directory (give --checkpoint-dir): "
          + e.getMessage(), e);
    }
  }

  /** The savepoint or checkpoint {@code job} restores from, if any: --from-savepoint, or what --resume finds. */
  public Optional<String> restorePath(String job) {
    if (fromSavepoint != null) {
      LOG.info("{}: restoring from {} (--from-savepoint)", job, fromSavepoint);
      return Optional.of(fromSavepoint);
    }
    if (!resume) {
      return Optional.empty();
    }
    String dir = RetainedCheckpoints.jobDirectory(checkpointDir, job);
    Optional<String> latest;
    try {
      latest = RetainedCheckpoints.latest(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("--resume: cannot list the checkpoints in " + dir + ": " + e.getMessage(), e);
    }
    if (latest.isPresent()) {
      LOG.info("{}: resuming from checkpoint {} (--resume)", job, latest.get());
    } else {
      LOG.warn("{}: --resume found no complete checkpoint in {}; starting fresh from --start-from {} (Kafka offsets "
          + "and empty window state)", job, dir, startFrom);
    }
    return latest;
  }
}
