package io.cxmonitor.bench;

import java.util.List;
import java.util.Locale;

/**
 * The cost-growth tables ({@link Growth}): one row per step of a dimension (open tickets,
 * customers, distinct tag values, event density) with its warmed run's figures, and for the keyed
 * dimensions the checkpoint bytes one more key costs.
 */
final class GrowthTable {
  private GrowthTable() {}

  /**
   * One step: {@code size} is the dimension's value (open tickets, customers, distinct values,
   * events per minute); {@code label} how the first column shows it.
   */
  record Row(String label, long size, RunResult fresh, RunResult warmed) {
    /**
     * The checkpoint after the input (see {@link GrowthProcess}), the larger of both runs': the
     * same records, so they differ only by what the state backend had not yet cleaned up.
     */
    long checkpointBytes() {
      return Math.max(warmed.checkpointMaxBytes(), fresh == null ? 0 : fresh.checkpointMaxBytes());
    }
  }

  /**
   * Checkpoint bytes per key between two steps: the difference of their checkpoints over
   * the difference of their sizes; NaN for the same size.
   */
  static double bytesPerKey(long size, long checkpointBytes, long baseSize, long baseCheckpointBytes) {
    if (size == baseSize) {
      return Double.NaN;
    }
    return (double) (checkpointBytes - baseCheckpointBytes) / (size - baseSize);
  }

  /**
   * A keyed dimension's table: events/s of the measured span (warmed, fresh), CPU and points per
   * event of the warmed run, the checkpoint after the input and the bytes per key against the
   * smallest step and against the previous one, checkpoint durations, heap and GC.
   */
  static String keyed(String keyName, List<Row> rows) {
    StringBuilder md = new StringBuilder();
    md.append("| ").append(keyName).append(" | events/s warmed (fresh) | CPU s / M events | points/event "
        + "| checkpoint after input | B per ").append(singular(keyName)).append(" vs. smallest | vs. previous step "
        + "| checkpoint max / avg | heap max | GC |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Row base = rows.stream().min((a, b) -> Long.compare(a.size(), b.size())).orElse(null);
    Row previous = null;
    for (Row r : rows) {
      RunResult w = r.warmed();
      md.append(String.format(Locale.ROOT, "| %s | %s (%s) | %.1f | %.3f | %s | %s | %s | %s | %s | %d ms |\n", r.label(),
          Report.count(Math.round(w.eventsPerSecond())), rate(r.fresh()), w.cpuSecondsPerMillion(),
          w.drainPointsPerEvent(), Report.bytes(r.checkpointBytes()),
          perKey(r, base), perKey(r, previous),
          w.checkpoints() > 0 ? w.checkpointMaxMillis() + " / " + w.checkpointAvgMillis() + " ms" : "—",
          Report.bytes(w.heapMaxBytes()), w.gcMillis()));
      previous = r;
    }
    return md.toString();
  }

  /**
   * A dimension without keyed state (tag values, density): events/s, CPU, InfluxDB points per
   * event and events per point, heap. The points are those written by the checkpoint after the
   * input (see {@link GrowthProcess}): every window the watermark closed, where the drain alone
   * would miss those the watermark closes just after a short drain.
   */
  static String plain(String sizeName, List<Row> rows) {
    StringBuilder md = new StringBuilder();
    md.append("| ").append(sizeName).append(" | events | events/s warmed (fresh) | CPU s / M events "
        + "| points/event | events/point | heap max | GC |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      RunResult w = r.warmed();
      md.append(String.format(Locale.ROOT, "| %s | %s | %s (%s) | %.1f | %.3f | %s | %s | %d ms |\n", r.label(),
          Report.count(w.events()), Report.count(Math.round(w.eventsPerSecond())), rate(r.fresh()),
          w.cpuSecondsPerMillion(), w.pointsPerEvent(),
          w.points() > 0 ? String.format(Locale.ROOT, "%.1f", (double) w.events() / w.points()) : "—",
          Report.bytes(w.heapMaxBytes()), w.gcMillis()));
    }
    return md.toString();
  }

  private static String perKey(Row r, Row other) {
    if (other == null || other.size() == r.size()) {
      return "—";
    }
    double b = bytesPerKey(r.size(), r.checkpointBytes(), other.size(), other.checkpointBytes());
    return String.format(Locale.ROOT, "%.0f", b);
  }

  private static String rate(RunResult r) {
    return r == null ? "—" : Report.count(Math.round(r.eventsPerSecond()));
  }

  private static String singular(String keyName) {
    return keyName.endsWith("s") ? keyName.substring(0, keyName.length() - 1) : keyName;
  }
}
