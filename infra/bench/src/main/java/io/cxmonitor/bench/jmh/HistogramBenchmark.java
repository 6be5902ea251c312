package io.cxmonitor.bench.jmh;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.stats.Durations;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The service job's rolling-window arithmetic: one minute's overall counts (three duration
 * histograms, {@link Durations}) added to and subtracted from a 1h window
 * ({@link ServiceCounts#add}/{@link ServiceCounts#subtract}), sealing a window's counts for
 * shipping ({@link ServiceCounts#seal}: histogram encoding), and encoding/decoding one histogram.
 * Minutes come from the generated hour, in turn.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class HistogramBenchmark {
  private ServiceCounts[] minutes;
  private ServiceCounts window;
  private Histogram hour;
  private byte[] hourEncoded;
  private int i;

  @Setup
  public void setUp() {
    List<ServiceCounts> m = Samples.get().minutes;
    minutes = m.stream().map(ServiceCounts::copyOf).toArray(ServiceCounts[]::new);
    window = new ServiceCounts();
    for (ServiceCounts c : minutes) {
      window.add(c);
    }
    hour = window.ttr().copy();
    hourEncoded = Durations.encode(hour);
    double meanMinute = m.stream().mapToInt(c -> length(c.frtEncoded) + length(c.ttrEncoded) + length(c.queueEncoded))
        .average().orElse(0);
    System.out.printf("%n[sizes] %d minutes; encoded histograms of one minute (frt+ttr+queue) %.0f bytes mean; "
        + "1h ttr histogram %d values, %d bytes encoded%n", minutes.length, meanMinute, hour.getTotalCount(),
        hourEncoded.length);
  }

  private static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }

  private ServiceCounts nextMinute() {
    i = i + 1 == minutes.length ? 0 : i + 1;
    return minutes[i];
  }

  /** A window slides by one minute: the new minute added, the oldest subtracted (here the same one). */
  @Benchmark
  public ServiceCounts addAndSubtractMinute() {
    ServiceCounts m = nextMinute();
    window.add(m);
    window.subtract(m);
    return window;
  }

  @Benchmark
  public ServiceCounts sealWindow() {
    return window.seal();
  }

  @Benchmark
  public byte[] encodeHistogram() {
    return Durations.encode(hour);
  }

  @Benchmark
  public Histogram decodeHistogram() {
    return Durations.decode(hourEncoded);
  }
}
