package io.cxmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.platform.startup.JobMain;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The main class of a growth step's child JVM ({@link Growth}): like {@link RunnerProcess}, it runs
 * one KPI job as shipped twice (fresh, then warmed) on an embedded cluster and appends each
 * {@link RunResult}, but on the step's own topics and options, measuring only after the step's
 * preload (open tickets, the subscriber base) has been read. The job runs unbounded: once every
 * record is read, it waits for a checkpoint triggered after that moment (its barrier follows every
 * record, so it holds the state of all of them, as a live job would, without the end-of-input
 * firing of every timer and window) and cancels the job. That checkpoint's size is the result's
 * checkpoint size; the tail is the wait for it.
 */
public final class GrowthProcess {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One step as the child gets it (one JSON argument).
   *
   * @param spec the servers, parallelism, checkpoints and result file; {@code expectedEvents} counts the preload too
   * @param job  {@code service}, {@code churn} or {@code survey}
   * @param args the job's options on top of {@link Runners#jobArgs}: its topics, --max-tag-values
   * @param skip records read before the measured span (the preload)
   */
  public record Step(RunSpec spec, String job, List<String> args, long skip) {}

  private GrowthProcess() {}

  public static void main(String[] args) throws Exception {
    JobMain.useProjectLogging();
    Step step = JSON.readValue(args[0], Step.class);
    try (LocalFlink flink = new LocalFlink(step.spec().parallelism(), step.spec().stateBackend())) {
      for (String jvm : RunnerProcess.JVM_RUNS) {
        RunContext ctx = new RunContext(step.spec(), jvm, flink);
        StreamExecutionEnvironment env = flink.environment();
        define(step, ctx, env);
        RunResult result = measure(flink, step, ctx, env);
        Files.writeString(Path.of(step.spec().resultFile()), JSON.writeValueAsString(result) + "\n",
            StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    }
    System.exit(0);
  }

  private static RunResult measure(LocalFlink flink, Step step, RunContext ctx, StreamExecutionEnvironment env)
      throws Exception {
    JobID id = flink.start(env);
    BenchMetrics.Job metrics = BenchMetrics.job(id.toHexString());
    Measurement.Drain drain;
    long drainedAt;
    try (Measurement m = new Measurement(metrics::sourceRecords, metrics::pointsWritten, step.spec().expectedEvents(),
        step.skip())) {
      while (!m.drained()) {
        requireRunning(flink, id, ctx);
        Thread.sleep(100);
      }
      drainedAt = System.currentTimeMillis();
      drain = m.finish();
    }
    JsonNode completed = flink.get("/jobs/" + id + "/checkpoints").path("latest").path("completed");
    while (completed.path("trigger_timestamp").asLong() < drainedAt) {
      requireRunning(flink, id, ctx);
      Thread.sleep(200);
      completed = flink.get("/jobs/" + id + "/checkpoints").path("latest").path("completed");
    }
    long end = System.nanoTime();
    JsonNode checkpoints = flink.get("/jobs/" + id + "/checkpoints");
    long points = metrics.pointsWritten();
    flink.cancel(id);
    JsonNode duration = checkpoints.path("summary").path("end_to_end_duration");
    JsonNode size = completed.has("state_size") ? completed.path("state_size") : completed.path("checkpointed_size");
    return new RunResult(step.spec().runner(), ctx.jvm(), drain.events(), drain.seconds(), (end - drain.endNanos()) / 1e9,
        drain.events() > 0 ? drain.cpuSeconds() / drain.events() * 1e6 : 0, drain.output(), points,
        checkpoints.path("counts").path("completed").asLong(), size.asLong(), duration.path("max").asLong(),
        duration.path("avg").asLong(), drain.heapMaxBytes(), drain.gcMillis());
  }

  private static void requireRunning(LocalFlink flink, JobID id, RunContext ctx) throws Exception {
    String state = flink.get("/jobs/" + id).path("state").asText();
    if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
      throw new IllegalStateException(ctx.spec().runner() + " (" + ctx.jvm() + ") is " + state + " before the end of "
          + "its input; see the log");
    }
  }

  private static void define(Step step, RunContext ctx, StreamExecutionEnvironment env) {
    String[] args = Runners.jobArgs(ctx, false, step.args().toArray(String[]::new));
    switch (step.job()) {
      case "service" -> ServiceKpiJob.fromArgs(args).configure(env);
      case "churn" -> ChurnKpiJob.fromArgs(args).configure(env);
      case "survey" -> SurveyKpiJob.fromArgs(args).configure(env);
      default -> throw new IllegalArgumentException("no job '" + step.job() + "'; known: service, churn, survey");
    }
  }
}
