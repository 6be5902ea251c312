package io.cxmonitor.bench;

/**
 * What a run needs: the servers, the run's settings, which run of the JVM it is, and the
 * embedded Flink cluster the JVM started.
 *
 * @param jvm {@code fresh} or {@code warmed}
 */
public record RunContext(RunSpec spec, String jvm, LocalFlink flink) {
  /** A consumer group no earlier run used, so every run reads its topics from the start. */
  public String groupId() {
    return "bench-" + spec.runner() + "-" + jvm + "-" + spec.runId();
  }

  /** The InfluxDB database this runner writes to. */
  public String database() {
    return database(spec.runner());
  }

  /** The InfluxDB database runner {@code runner} writes to. */
  public static String database(String runner) {
    return "bench_" + runner.replace('-', '_');
  }
}
