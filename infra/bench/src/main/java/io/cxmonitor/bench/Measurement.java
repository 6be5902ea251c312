package io.cxmonitor.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Watches one run from this JVM: every 10 ms it reads the run's progress (input records read so
 * far), the heap in use, and — whenever the progress moves — the process CPU time, GC time and the
 * CPU time of the benchmark's {@code influxd} ({@link InfluxdProcess}). The
 * drain is from the first record read to the moment all expected records are read (or, if that
 * count is never reached, the last moment the progress moved). With a {@code skip}, the drain
 * starts once that many records are read (a preload such as open tickets stays out of the figures)
 * and counts the records and output after that moment only.
 */
public final class Measurement implements AutoCloseable {
  private static final long PERIOD_MILLIS = 10;

  private final LongSupplier progress;
  private final LongSupplier output;
  private final long expected;
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
  private final long skip;
  private final LongSupplier influxdCpu = InfluxdProcess.cpuNanos();
  private final Thread thread;
  private volatile boolean running = true;

  private long firstNanos;
  private long firstCpu;
  private long firstGc;
  private long firstInfluxdCpu;
  private long firstProgress;
  private long firstOutput;
  private boolean started;
  private long lastNanos;
  private long lastCpu;
  private long lastGc;
  private long lastInfluxdCpu;
  private long lastProgress;
  private long lastOutput;
  private boolean drained;
  private long heapMax;

  /** The drain as measured; {@code influxdCpuSeconds} is -1 when no influxd was found. */
  public record Drain(long events, double seconds, double cpuSeconds, long gcMillis, long heapMaxBytes, long endNanos,
      long output, double influxdCpuSeconds) {
    /** influxd's CPU seconds per million events, -1 when unknown. */
    public double influxdCpuSecondsPerMillion() {
      return influxdCpuSeconds >= 0 && events > 0 ? influxdCpuSeconds / events * 1e6 : -1;
    }
  }

  /**
   * Starts watching; {@code progress} (records read) and {@code output} (e.g. points written, read
   * when the progress moves) must be cheap and thread-safe.
   */
  public Measurement(LongSupplier progress, LongSupplier output, long expected) {
    this(progress, output, expected, 0);
  }

  /** Same, with the drain starting once {@code skip} records are read. */
  public Measurement(LongSupplier progress, LongSupplier output, long expected, long skip) {
    this.progress = progress;
    this.output = output;
    this.expected = expected;
    this.skip = skip;
    this.thread = new Thread(this::loop, "bench-measurement");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void sample() {
    heapMax = Math.max(heapMax, memory.getHeapMemoryUsage().getUsed());
    if (drained) {
      return;
    }
    long p = progress.getAsLong();
    if (p == lastProgress || p == 0 || p < skip) {
      return;
    }
    long now = System.nanoTime();
    long cpu = os.getProcessCpuTime();
    long gc = gcMillis();
    long influxd = influxdCpu.getAsLong();
    long out = output.getAsLong();
    if (!started) {
      started = true;
      firstNanos = now;
      firstCpu = cpu;
      firstGc = gc;
      firstInfluxdCpu = influxd;
      firstProgress = skip > 0 ? p : 0;
      firstOutput = skip > 0 ? out : 0;
    }
    lastProgress = p;
    lastOutput = out;
    lastNanos = now;
    lastCpu = cpu;
    lastGc = gc;
    lastInfluxdCpu = influxd;
    drained = p >= expected;
  }

  private long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : gcs) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /** Whether every expected record has been read. */
  public synchronized boolean drained() {
    return drained;
  }

  /** Stops watching and returns the drain. */
  public synchronized Drain finish() {
    running = false;
    thread.interrupt();
    sample();
    return new Drain(lastProgress - firstProgress, (lastNanos - firstNanos) / 1e9, (lastCpu - firstCpu) / 1e9,
        lastGc - firstGc, heapMax, lastNanos, lastOutput - firstOutput,
        firstInfluxdCpu < 0 || lastInfluxdCpu < 0 ? -1 : (lastInfluxdCpu - firstInfluxdCpu) / 1e9);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
