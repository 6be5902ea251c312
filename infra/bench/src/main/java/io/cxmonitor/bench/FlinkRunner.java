package io.cxmonitor.bench;

import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A runner that is a Flink job: it defines its graph, {@link LocalFlink} runs and measures it. */
public abstract class FlinkRunner implements Runner {
  private final String name;
  private final String description;
  private final List<String> inputs;
  private final String baseline;

  protected FlinkRunner(String name, String description, List<String> inputs, String baseline) {
    this.name = name;
    this.description = description;
    this.inputs = List.copyOf(inputs);
    this.baseline = baseline;
  }

  /** Defines the bounded job (reading every input topic from its start to its current end) in {@code env}. */
  protected abstract void define(StreamExecutionEnvironment env, RunContext ctx) throws Exception;

  /**
   * Defines the live variant of the job, unbounded on the live topic, for the latency probe;
   * only the runners the probe uses implement it.
   */
  protected void defineLive(StreamExecutionEnvironment env, RunContext ctx, String topic) throws Exception {
    throw new UnsupportedOperationException(name + " has no live variant");
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final List<String> inputs() {
    return inputs;
  }

  @Override
  public final String baseline() {
    return baseline;
  }

  @Override
  public RunResult run(RunContext ctx) throws Exception {
    StreamExecutionEnvironment env = ctx.flink().environment();
    define(env, ctx);
    return ctx.flink().measure(name, ctx, env);
  }
}
