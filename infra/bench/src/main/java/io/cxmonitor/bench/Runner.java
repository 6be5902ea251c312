package io.cxmonitor.bench;

import java.util.List;

/**
 * One way of turning the pre-filled topics into KPIs (or, for a baseline, into nothing), measured in
 * a child JVM by {@link RunnerProcess}: once fresh, once warmed. The KPI jobs and the pass-through
 * baselines are {@link FlinkRunner}s; a runner that is not a Flink job ({@link RawInfluxRunner}: raw
 * events into InfluxDB with the KPIs in InfluxQL) implements {@link #run} itself with a {@link Measurement}. New
 * runners are listed in {@link Runners}.
 */
public interface Runner {
  /** Short name: the command-line value of {@code --runners} and the table's row label. */
  String name();

  /** One line for the table's legend: what this run does. */
  String description();

  /** The topics it reads (all of each): their records are the run's events. */
  List<String> inputs();

  /**
   * The runner whose rate this one is compared with in the table (same JVM state), e.g. the
   * pass-through of the same topic; {@code null} for none.
   */
  default String baseline() {
    return null;
  }

  /** Reads its inputs once, to their end, and returns what was measured. */
  RunResult run(RunContext ctx) throws Exception;
}
