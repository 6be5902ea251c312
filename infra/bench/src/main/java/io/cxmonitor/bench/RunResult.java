package io.cxmonitor.bench;

/**
 * What one run of a {@link Runner} measured, in one JVM ({@code fresh}: the JVM's first run;
 * {@code warmed}: its second, after the JIT has seen the same work).
 *
 * @param events            input records read (sum over the runner's topics)
 * @param drainSeconds      from the first input record read to the last: the drain after start-up
 * @param tailSeconds       from the last input record read to the end of the job (end-of-input window
 *                          firing, final flush and checkpoint)
 * @param cpuSecondsPerMillion process CPU time during the drain, per million events (all cores)
 * @param drainPoints       InfluxDB points the job's sinks had written when the drain ended
 * @param points            InfluxDB points the job's sinks wrote in all (KPI, pipeline and sink statistics),
 *                          including the end of input, when every open window fires: a bounded run's
 *                          rolling 24 h windows go on emitting for 24 h of event time after the last event
 * @param checkpoints       completed checkpoints
 * @param checkpointMaxBytes largest completed checkpoint (full state size)
 * @param checkpointMaxMillis longest end-to-end checkpoint duration
 * @param checkpointAvgMillis mean end-to-end checkpoint duration
 * @param heapMaxBytes      most heap in use, sampled every 10 ms from submission to the end
 * @param gcMillis          time spent in garbage collection during the drain
 * @param influxdCpuSecondsPerMillion CPU time of the benchmark's influxd during the drain, per million events
 *                          (-1: not measured): the database's share of the work, outside the runner's process
 */
public record RunResult(String runner, String jvm, long events, double drainSeconds, double tailSeconds,
    double cpuSecondsPerMillion, long drainPoints, long points, long checkpoints, long checkpointMaxBytes, long checkpointMaxMillis,
    long checkpointAvgMillis, long heapMaxBytes, long gcMillis, double influxdCpuSecondsPerMillion) {

  /** Without influxd's CPU (not measured). */
  public RunResult(String runner, String jvm, long events, double drainSeconds, double tailSeconds,
      double cpuSecondsPerMillion, long drainPoints, long points, long checkpoints, long checkpointMaxBytes,
      long checkpointMaxMillis, long checkpointAvgMillis, long heapMaxBytes, long gcMillis) {
    this(runner, jvm, events, drainSeconds, tailSeconds, cpuSecondsPerMillion, drainPoints, points, checkpoints,
        checkpointMaxBytes, checkpointMaxMillis, checkpointAvgMillis, heapMaxBytes, gcMillis, -1);
  }

  /** Events per second of the drain. */
  public double eventsPerSecond() {
    return drainSeconds > 0 ? events / drainSeconds : 0;
  }

  /** InfluxDB points written during the drain per input event (0 when the runner writes none). */
  public double drainPointsPerEvent() {
    return events > 0 ? (double) drainPoints / events : 0;
  }

  /** InfluxDB points written in all per input event (0 when the runner writes none). */
  public double pointsPerEvent() {
    return events > 0 ? (double) points / events : 0;
  }
}
