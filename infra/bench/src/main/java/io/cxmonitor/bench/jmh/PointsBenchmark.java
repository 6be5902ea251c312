package io.cxmonitor.bench.jmh;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.influx.LineProtocol;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.service.ServicePoints;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Point building: {@link ServicePoints#emit} for one group and window (the overall group's 1h
 * window over the generated hour, percentiles included) and {@link LineProtocol#line} for each of
 * the points it gives, as the sink writes them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PointsBenchmark {
  private ServiceCounts window;
  private long windowEnd;
  private final List<KpiPoint> points = new ArrayList<>();
  private KpiPoint[] built;
  private int i;

  @Setup
  public void setUp() {
    List<ServiceCounts> minutes = Samples.get().minutes;
    ServiceCounts c = new ServiceCounts();
    minutes.forEach(c::add);
    window = c.seal();
    windowEnd = Samples.get().facts.get(Samples.get().facts.size() - 1).time / Samples.MINUTE * Samples.MINUTE;
    List<KpiPoint> out = new ArrayList<>();
    ServicePoints.emit(Grouping.OVERALL, Grouping.ALL, "1h", windowEnd, ServiceCounts.copyOf(window), out::add);
    built = out.toArray(KpiPoint[]::new);
    int fields = out.stream().mapToInt(p -> p.fields().size()).sum();
    double lineBytes = out.stream().mapToInt(p -> LineProtocol.line(p, (a, b) -> { }).length()).average().orElse(0);
    System.out.printf("%n[sizes] emit: %d points, %d fields; line protocol %.0f bytes per point (mean)%n",
        built.length, fields, lineBytes);
  }

  /** All points of one group and window; a fresh copy of the counts, as each window's are decoded anew. */
  @Benchmark
  public int emitGroupWindow() {
    points.clear();
    ServicePoints.emit(Grouping.OVERALL, Grouping.ALL, "1h", windowEnd, ServiceCounts.copyOf(window), points::add);
    return points.size();
  }

  /** One point (in turn, of those emit gives) as a line. */
  @Benchmark
  public String linePerPoint() {
    i = i + 1 == built.length ? 0 : i + 1;
    return LineProtocol.line(built[i], (a, b) -> { });
  }
}
