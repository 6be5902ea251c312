package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.platform.startup.StartupOptions;
import io.cxmonitor.testkit.InfluxServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refused credentials against a real influxd with authentication on: the job stops at once with a
 * reason that names the user and the fix, without restarting although its restart strategy would
 * allow it, and without dropping a point: restarted from its last checkpoint with the new
 * password, InfluxDB holds every point.
 */
class InfluxCredentialsITCase {
  private static final long T0 = 1_780_000_000_000L;
  private static final String ADMIN = "admin";
  private static final String ADMIN_PASSWORD = "admin-secret";
  private static final int POINTS = 6_000;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  private static InfluxServer influx;

  @BeforeAll
  static void start() throws Exception {
    influx = InfluxServer.startWithAuth(ADMIN, ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    influx.close();
  }

  private static KpiPoint point(long i) {
    return new KpiPoint("m", Map.of("k", Long.toString(i % 7)), Map.of("v", i), T0 + i);
  }

  /** A job writing POINTS points at a steady pace, checkpointing into {@code checkpoints}, restarts allowed. */
  private static StreamExecutionEnvironment env(Path checkpoints, String restoreFrom) {
    Configuration conf = StartupOptions.restartStrategy(10, Duration.ofSeconds(1));
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    if (restoreFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    env.enableCheckpointing(500);
    return env;
  }

  private static void pipeline(StreamExecutionEnvironment env, InfluxSinkOptions options) {
    DataGeneratorSource<KpiPoint> source = new DataGeneratorSource<>(InfluxCredentialsITCase::point, POINTS,
        RateLimiterStrategy.perSecond(400), TypeInformation.of(KpiPoint.class));
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "points").uid("points")
        .sinkTo(new InfluxSink(options, "credentials-it")).uid("influx");
  }

  private static double scalar(String db, String q) throws Exception {
    String json = influx.query(db, q);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"values\":\\[\\[\\d+,([0-9.e+]+)\\]\\]").matcher(json);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aRotatedPasswordStopsTheJobWithItsReasonAndARestartFromTheCheckpointLosesNoPoint(@TempDir Path checkpoints) throws Exception {
    String db = "rotate_it";
    influx.createDatabase(db);
    influx.createUser("writer", "old-password", "WRITE", db);
    InfluxSinkOptions options = InfluxSinkOptions.defaults(influx.url(), db).withCreateDatabase(false)
        .withBatching(100, Duration.ofMillis(200));
    StreamExecutionEnvironment env = env(checkpoints, null);
    Path passwordFile = password(checkpoints, "writer", "old-password");
    pipeline(env, options.withCredentials("writer", PasswordSource.file(passwordFile)));
    JobClient job = env.executeAsync("credentials-it");
    await().atMost(2, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(200))
        .until(() -> scalar(db, "SELECT count(\"v\") FROM \"m\"") >= 1_000 && latestCheckpoint(checkpoints) != null);

    influx.query(null, "SET PASSWORD FOR \"writer\" = 'new-password'");

    assertThatThrownBy(() -> job.getJobExecutionResult().get(2, TimeUnit.MINUTES))
        .hasStackTraceContaining(SuppressRestartsException.class.getName())
        .hasStackTraceContaining("InfluxDB at " + influx.url() + " refused the credentials of user 'writer' (HTTP 401")
        .hasStackTraceContaining("restart it from its latest checkpoint");
    assertThat(scalar(db, "SELECT count(\"v\") FROM \"m\"")).as("the run stopped before the end").isLessThan(POINTS);

    StreamExecutionEnvironment again = env(checkpoints, latestCheckpoint(checkpoints).toString());
    // the rotated password, where the sink reads it when it starts again
    Files.writeString(passwordFile, "new-password");
    pipeline(again, options.withCredentials("writer", PasswordSource.file(passwordFile)));
    again.execute("credentials-it-resumed");

    // v = 0, 1, ..., POINTS - 1, each at its own time: every point once.
    assertThat(scalar(db, "SELECT count(\"v\") FROM \"m\"")).isEqualTo(POINTS);
    assertThat(scalar(db, "SELECT sum(\"v\") FROM \"m\"")).isEqualTo((double) POINTS * (POINTS - 1) / 2);
  }

  @Test
  void aUserWithoutWritePrivilegeStopsTheJobAtTheFirstWriteWithoutRestarts(@TempDir Path checkpoints) throws Exception {
    String db = "privilege_it";
    influx.createDatabase(db);
    influx.createUser("reader", "reader-password", "READ", db);
    StreamExecutionEnvironment env = env(checkpoints, null);
    pipeline(env, InfluxSinkOptions.defaults(influx.url(), db).withCreateDatabase(false)
        .withCredentials("reader", PasswordSource.file(password(checkpoints, "reader", "reader-password"))).withBatching(100, Duration.ofMillis(200)));
    assertThatThrownBy(() -> env.execute("privilege-it"))
        .hasStackTraceContaining(SuppressRestartsException.class.getName())
        .hasStackTraceContaining("denied user 'reader' access to database '" + db + "' (HTTP 403")
        .hasStackTraceContaining("GRANT WRITE ON \"" + db + "\" TO \"reader\"");
    assertThat(scalar(db, "SELECT count(\"v\") FROM \"m\"")).isZero();
  }

  /** The newest retained checkpoint ({@code <dir>/<job id>/chk-N} with its {@code _metadata}), or null. */
  static Path latestCheckpoint(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))))
          .orElse(null);
    }
  }

  /** A password file beside the test's checkpoints (the sink reads the password from a file or the environment). */
  private static Path password(Path checkpoints, String user, String password) throws java.io.IOException {
    Path file = checkpoints.resolveSibling(checkpoints.getFileName() + "-" + user + ".password");
    Files.writeString(file, password);
    file.toFile().deleteOnExit();
    return file;
  }
}
