package io.cxmonitor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.startup.JobMain;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The main class of a runner's child JVM: starts the embedded Flink cluster, runs the runner twice
 * (fresh, then warmed in the same JVM) and appends each {@link RunResult} as a JSON line to the
 * result file. In live mode it runs the survey job unbounded on the live topic until its standard
 * input closes.
 */
public final class RunnerProcess {
  static final List<String> JVM_RUNS = List.of("fresh", "warmed");
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunnerProcess() {}

  public static void main(String[] args) throws Exception {
    JobMain.useProjectLogging();
    RunSpec spec = JSON.readValue(args[0], RunSpec.class);
    try (LocalFlink flink = new LocalFlink(spec.parallelism(), spec.stateBackend())) {
      if (spec.live()) {
        live(spec, flink);
      } else {
        Runner runner = Runners.byName(spec.runner());
        for (String jvm : JVM_RUNS) {
          RunResult result = runner.run(new RunContext(spec, jvm, flink));
          Files.writeString(Path.of(spec.resultFile()), JSON.writeValueAsString(result) + "\n", StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
      }
    }
    System.exit(0);
  }

  private static void live(RunSpec spec, LocalFlink flink) throws Exception {
    FlinkRunner runner = (FlinkRunner) Runners.byName(spec.runner());
    RunContext ctx = new RunContext(spec, "live", flink);
    StreamExecutionEnvironment env = flink.environment();
    runner.defineLive(env, ctx, BenchTopics.LIVE_SURVEYS);
    JobID id = flink.start(env);
    while (!flink.allTasksRunning(id)) {
      Thread.sleep(100);
    }
    Files.writeString(Path.of(spec.readyFile()), id.toHexString());
    InputStream in = System.in;
    while (in.read() >= 0) {
      // the benchmark closes our standard input when it has measured enough (or has died)
    }
    flink.cancel(id);
  }
}
