package io.cxmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.cli.JobOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded Flink cluster of a runner's JVM (one TaskManager with a slot per parallel
 * subtask, every listener on loopback, REST on a free port), kept for both runs so that the
 * second one finds the JVM warm. It runs a job and measures it: drain, CPU, GC and heap from
 * {@link Measurement}, records and points from {@link BenchMetrics}, checkpoints from the REST API.
 */
public final class LocalFlink implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final MiniCluster cluster;
  private final URI rest;

  /** Heap state, a full snapshot per checkpoint: what a job gets unless its cluster configures otherwise. */
  public static final String HASHMAP = "hashmap";
  /** RocksDB with incremental checkpoints, as {@code infra/flink/config.yaml} and the Kubernetes deployments set it. */
  public static final String ROCKSDB = "rocksdb";

  /** Refuses a {@code --state-backend} that is neither {@link #HASHMAP} nor {@link #ROCKSDB}, saying which are. */
  static void checkStateBackend(picocli.CommandLine cmd, String stateBackend) {
    if (!HASHMAP.equals(stateBackend) && !ROCKSDB.equals(stateBackend)) {
      throw new picocli.CommandLine.ParameterException(cmd, "--state-backend '" + stateBackend + "': use " + HASHMAP
          + " (heap state, full snapshots) or " + ROCKSDB + " (RocksDB, incremental checkpoints)");
    }
  }

  /** @param stateBackend {@link #HASHMAP} or {@link #ROCKSDB} for every job it runs */
  public LocalFlink(int slots, String stateBackend) throws Exception {
    Configuration conf = JobOptions.localCluster("127.0.0.1", false, false);
    if (ROCKSDB.equals(stateBackend)) {
      conf.set(StateBackendOptions.STATE_BACKEND, ROCKSDB);
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    } else if (!HASHMAP.equals(stateBackend)) {
      throw new IllegalArgumentException("state backend '" + stateBackend + "': use " + HASHMAP + " or " + ROCKSDB);
    }
    conf.set(RestOptions.BIND_PORT, "0");
    conf.setString("metrics.reporter.bench.factory.class", BenchMetrics.Factory.class.getName());
    cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
        .setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
    cluster.start();
    rest = cluster.getRestAddress().get(1, TimeUnit.MINUTES);
  }

  /** An environment to define a job in; {@link #measure} runs it here. */
  public StreamExecutionEnvironment environment() {
    return StreamExecutionEnvironment.getExecutionEnvironment();
  }

  /** Runs the job defined in {@code env} to its end and measures it. */
  public RunResult measure(String runner, RunContext ctx, StreamExecutionEnvironment env) throws Exception {
    JobGraph graph = env.getStreamGraph().getJobGraph();
    JobID id = graph.getJobID();
    BenchMetrics.Job metrics = BenchMetrics.job(id.toHexString());
    Measurement.Drain drain;
    JobResult result;
    try (Measurement m = new Measurement(metrics::sourceRecords, metrics::pointsWritten, ctx.spec().expectedEvents())) {
      cluster.submitJob(graph).get(1, TimeUnit.MINUTES);
      result = cluster.requestJobResult(id).get();
      drain = m.finish();
    }
    long end = System.nanoTime();
    if (result.getSerializedThrowable().isPresent()) {
      throw new IllegalStateException(runner + " (" + ctx.jvm() + ") failed: "
          + result.getSerializedThrowable().get().getFullStringifiedStackTrace());
    }
    JsonNode checkpoints = get("/jobs/" + id + "/checkpoints");
    JsonNode summary = checkpoints.path("summary");
    JsonNode size = summary.has("state_size") ? summary.path("state_size") : summary.path("checkpointed_size");
    return new RunResult(runner, ctx.jvm(), drain.events(), drain.seconds(), (end - drain.endNanos()) / 1e9,
        drain.events() > 0 ? drain.cpuSeconds() / drain.events() * 1e6 : 0, drain.output(), metrics.pointsWritten(),
        checkpoints.path("counts").path("completed").asLong(), size.path("max").asLong(),
        summary.path("end_to_end_duration").path("max").asLong(), summary.path("end_to_end_duration").path("avg").asLong(),
        drain.heapMaxBytes(), drain.gcMillis(), drain.influxdCpuSecondsPerMillion());
  }

  /** Submits the job defined in {@code env} and returns without waiting (the live run). */
  public JobID start(StreamExecutionEnvironment env) throws Exception {
    JobGraph graph = env.getStreamGraph().getJobGraph();
    cluster.submitJob(graph).get(1, TimeUnit.MINUTES);
    return graph.getJobID();
  }

  /** Whether every task of the job is running. */
  public boolean allTasksRunning(JobID id) throws IOException, InterruptedException {
    JsonNode job = get("/jobs/" + id);
    if (!"RUNNING".equals(job.path("state").asText())) {
      return false;
    }
    for (JsonNode v : job.path("vertices")) {
      if (!"RUNNING".equals(v.path("status").asText())) {
        return false;
      }
    }
    return true;
  }

  public void cancel(JobID id) throws Exception {
    cluster.cancelJob(id).get(1, TimeUnit.MINUTES);
  }

  /** A GET of the cluster's REST API, as JSON. */
  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
