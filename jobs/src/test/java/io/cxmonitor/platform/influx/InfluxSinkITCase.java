package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxmonitor.testkit.InfluxServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The InfluxDB sink against a real influxd: retries, rejected points, flush on checkpoint. */
class InfluxSinkITCase {
  private static final long T0 = 1_780_000_000_000L;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  private static InfluxServer influx;
  private static InfluxDB client;

  @BeforeAll
  static void start() throws Exception {
    influx = InfluxServer.start();
    client = InfluxDBFactory.connect(influx.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    influx.close();
  }

  private static KpiPoint point(String measurement, long i) {
    return new KpiPoint(measurement, Map.of("k", Long.toString(i % 7)), Map.of("v", i), T0 + i);
  }

  private static List<KpiPoint> points(String measurement, int count) {
    List<KpiPoint> out = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      out.add(point(measurement, i));
    }
    return out;
  }

  private static void run(List<KpiPoint> points, InfluxSinkOptions options, String job) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.fromData(TypeInformation.of(KpiPoint.class), points.toArray(KpiPoint[]::new))
        .sinkTo(new InfluxSink(options, job));
    env.execute(job);
  }

  private static double scalar(String db, String q) {
    QueryResult r = client.query(new Query(q, db));
    var series = r.getResults().get(0).getSeries();
    return series == null ? 0 : ((Number) series.get(0).getValues().get(0).get(1)).doubleValue();
  }

  @Test
  void retriesServerErrorsAndRateLimitsThenWritesEverythingOnce() throws Exception {
    try (FaultInjectingProxy proxy = new FaultInjectingProxy(influx.url())) {
      proxy.failNextWrites(503, 500, 429);
      InfluxSinkOptions options = InfluxSinkOptions.defaults(proxy.url(), "retry_it")
          .withRetry(Duration.ofSeconds(30), Duration.ofMillis(20), Duration.ofMillis(100))
          .withBatching(100, Duration.ofSeconds(1));
      run(points("m", 1_000), options, "retry-it");
      assertThat(proxy.injected.get()).isEqualTo(3);
    }
    assertThat(scalar("retry_it", "SELECT count(\"v\") FROM \"m\"")).isEqualTo(1_000);
    assertThat(scalar("retry_it", "SELECT sum(\"v\") FROM \"m\"")).isEqualTo(999 * 1_000 / 2.0);
    assertThat(scalar("retry_it", "SELECT last(\"retries_total\") FROM \"cx_sink\" WHERE \"job\" = 'retry-it'")).isEqualTo(3);
    assertThat(scalar("retry_it", "SELECT last(\"points_total\") FROM \"cx_sink\" WHERE \"job\" = 'retry-it'")).isEqualTo(1_000);
  }

  @Test
  void givesUpAfterTheMaximumRetryTimeSoTheJobRestartsFromItsCheckpoint() throws Exception {
    try (FaultInjectingProxy proxy = new FaultInjectingProxy(influx.url())) {
      int[] always = new int[200];
      java.util.Arrays.fill(always, 503);
      proxy.failNextWrites(always);
      InfluxSinkOptions options = InfluxSinkOptions.defaults(proxy.url(), "giveup_it")
          .withRetry(Duration.ofMillis(500), Duration.ofMillis(20), Duration.ofMillis(50));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(points("m", 10), options, "giveup-it"))
          .hasStackTraceContaining("still failing after")
          .hasStackTraceContaining("HTTP 503");
    }
  }

  /**
   * An InfluxDB that never recovers ends the job with its reason after the bounded restarts of
   * the jobs' restart strategy, instead of restarting for ever (Flink's default with checkpoints).
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 5, unit = TimeUnit.MINUTES) // unbounded restarts would never end
  void aPermanentOutageEndsTheJobAfterItsBoundedRestarts() throws Exception {
    try (FaultInjectingProxy proxy = new FaultInjectingProxy(influx.url())) {
      int[] always = new int[10_000];
      java.util.Arrays.fill(always, 503);
      proxy.failNextWrites(always);
      InfluxSinkOptions options = InfluxSinkOptions.defaults(proxy.url(), "bounded_it")
          .withRetry(Duration.ofMillis(300), Duration.ofMillis(20), Duration.ofMillis(50));
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          io.cxmonitor.platform.startup.StartupOptions.restartStrategy(2, Duration.ofSeconds(1)));
      env.setParallelism(1);
      env.enableCheckpointing(1_000);
      env.fromData(TypeInformation.of(KpiPoint.class), points("m", 10).toArray(KpiPoint[]::new))
          .sinkTo(new InfluxSink(options, "bounded-it"));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> env.execute("bounded-it"))
          .hasStackTraceContaining("Recovery is suppressed by ExponentialDelayRestartBackoffTimeStrategy")
          .hasStackTraceContaining("still failing after")
          .hasStackTraceContaining("HTTP 503");
      // The first run and two restarts each retried for 300 ms: at least one refused write each.
      assertThat(proxy.injected.get()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void pointsTheServerRejectsAreCountedAndTheJobGoesOn() throws Exception {
    influx.createDatabase("reject_it");
    influx.write("reject_it", "m v=0.5 " + (T0 - 1)); // v is a float field from now on
    InfluxSinkOptions options = InfluxSinkOptions.defaults(influx.url(), "reject_it").withBatching(10, Duration.ofSeconds(1));
    List<KpiPoint> batch = new ArrayList<>(points("m", 10)); // integer v: type conflict
    batch.addAll(points("other", 10));
    run(batch, options, "reject-it");
    assertThat(scalar("reject_it", "SELECT count(\"v\") FROM \"other\"")).isEqualTo(10);
    assertThat(scalar("reject_it", "SELECT last(\"rejected_total\") FROM \"cx_sink\" WHERE \"job\" = 'reject-it'")).isEqualTo(10);
  }

  @Test
  void everyCheckpointFlushesTheBuffer() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(300);
    // Neither batch size nor timer would ever flush: only checkpoints can make points visible.
    InfluxSinkOptions options = InfluxSinkOptions.defaults(influx.url(), "checkpoint_it")
        .withBatching(1_000_000, Duration.ofHours(1));
    DataGeneratorSource<KpiPoint> source = new DataGeneratorSource<>(i -> point("m", i), Long.MAX_VALUE,
        RateLimiterStrategy.perSecond(200), TypeInformation.of(KpiPoint.class));
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "points").sinkTo(new InfluxSink(options, "checkpoint-it"));
    JobClient job = env.executeAsync("checkpoint-it");
    try {
      await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(scalar("checkpoint_it", "SELECT count(\"v\") FROM \"m\"")).isGreaterThanOrEqualTo(200));
    } finally {
      job.cancel().get();
    }
  }
}
