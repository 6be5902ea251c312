package io.cxmonitor.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The benchmark's {@code influxd}, found among this JVM's children (a test that started it) or its
 * siblings (a runner's child JVM, started by the benchmark that started influxd), so that a run
 * can count the CPU time the database spends on its points: for a runner that writes every event
 * as a point that is a large share of the work, done outside the runner's process.
 */
final class InfluxdProcess {
  private InfluxdProcess() {}

  /** The influxd process's CPU time in nanoseconds so far, or -1 when there is none or the OS does not say. */
  static LongSupplier cpuNanos() {
    Optional<ProcessHandle> influxd = find();
    if (influxd.isEmpty()) {
      return () -> -1;
    }
    ProcessHandle p = influxd.get();
    return () -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  private static Optional<ProcessHandle> find() {
    ProcessHandle self = ProcessHandle.current();
    Stream<ProcessHandle> candidates = Stream.concat(self.children(),
        self.parent().map(ProcessHandle::children).orElse(Stream.empty()));
    return candidates.filter(p -> p.info().command().map(c -> c.endsWith("/influxd") || c.equals("influxd")).orElse(false))
        .findFirst();
  }
}
