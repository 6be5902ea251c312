package io.cxmonitor.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** The benchmark's results as a Markdown report and a PNG bar chart of the drain rates. */
final class Report {
  private Report() {}

  /** The throughput table: one row per runner and JVM state. */
  static String throughputTable(List<RunResult> results) {
    StringBuilder md = new StringBuilder();
    md.append("| run | JVM | events | events/s | vs. pass-through | CPU s / M events | influxd CPU s / M events "
        + "| points/event drain / all | checkpoints | checkpoint max size | checkpoint max / avg | heap max | GC | tail |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (RunResult r : results) {
      String baseline = Runners.all().containsKey(r.runner()) ? Runners.byName(r.runner()).baseline() : null;
      String ratio = "—";
      if (baseline != null) {
        for (RunResult b : results) {
          if (b.runner().equals(baseline) && b.jvm().equals(r.jvm()) && b.eventsPerSecond() > 0) {
            ratio = String.format(Locale.ROOT, "%.0f %%", 100 * r.eventsPerSecond() / b.eventsPerSecond());
          }
        }
      }
      boolean checkpointed = r.checkpoints() > 0;
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f | %s | %s | %s | %s | %s | %s | %d ms | %.1f s |\n",
          r.runner(), r.jvm(), count(r.events()), count(Math.round(r.eventsPerSecond())), ratio, r.cpuSecondsPerMillion(),
          r.influxdCpuSecondsPerMillion() < 0 ? "—" : String.format(Locale.ROOT, "%.1f", r.influxdCpuSecondsPerMillion()),
          r.points() == 0 ? "—" : String.format(Locale.ROOT, "%.3f / %.3f", r.drainPointsPerEvent(), r.pointsPerEvent()),
          checkpointed ? Long.toString(r.checkpoints()) : "—",
          checkpointed ? bytes(r.checkpointMaxBytes()) : "—",
          checkpointed ? r.checkpointMaxMillis() + " / " + r.checkpointAvgMillis() + " ms" : "—",
          bytes(r.heapMaxBytes()), r.gcMillis(), r.tailSeconds()));
    }
    return md.toString();
  }

  static String latencyTable(LatencyProbe.Result l) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "Survey job, live: %d responses/s for %.0f s, %d closed 1m windows, %d events in them.%n%n",
        l.ratePerSecond(), l.seconds(), l.windows(), l.events()));
    md.append("| latency | samples | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n");
    row(md, "window close → point visible (after the watermark passes the window end)", l.closeToVisible());
    row(md, "event → all its window's points visible", l.eventToVisible());
    if (l.eventToProvisional() != null && l.eventToProvisional().count() > 0) {
      row(md, "event → provisional point visible (the overall 1m NPS point counts it)", l.eventToProvisional());
    }
    return md.toString();
  }

  /**
   * The dashboard queries: per query, rows returned and milliseconds (p50 / p99 / max) over the raw
   * points and over the survey job's points, and how many times slower the raw one is at p50.
   */
  static String queryTable(List<DashboardQueries.Timing> timings, int repeats) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "Dashboard queries (InfluxQL; %d timed runs each after one untimed, ms p50 / p99 / max):%n%n",
        repeats));
    md.append("| query | rows raw | raw: ms | rows pre-computed | pre-computed: ms | raw ÷ pre-computed (p50) |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    for (DashboardQueries.Timing t : timings) {
      boolean pre = t.preRows() >= 0;
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |\n", t.what(), t.rawRows(), millis(t.rawMillis()),
          pre ? Long.toString(t.preRows()) : "—", pre ? millis(t.preMillis()) : "—",
          pre && t.preMillis().p50() > 0 ? String.format(Locale.ROOT, "%.0f×", t.rawMillis().p50() / t.preMillis().p50()) : "—"));
    }
    return md.toString();
  }

  private static String millis(Percentiles p) {
    return String.format(Locale.ROOT, "%s / %s / %s", ms(p.p50()), ms(p.p99()), ms(p.max()));
  }

  /** Milliseconds with a decimal below 10 ms, whole above. */
  private static String ms(double millis) {
    return millis < 10 ? String.format(Locale.ROOT, "%.1f", millis) : String.format(Locale.ROOT, "%.0f", millis);
  }

  private static void row(StringBuilder md, String what, Percentiles p) {
    md.append(String.format(Locale.ROOT, "| %s | %d | %.2f s | %.2f s | %.2f s |\n", what, p.count(), p.p50(), p.p99(), p.max()));
  }

  static String count(long n) {
    if (n >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }
    if (n >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", n / 1e3);
    }
    return Long.toString(n);
  }

  static String bytes(long b) {
    if (b >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
    }
    if (b >= 1L << 20) {
      return String.format(Locale.ROOT, "%.0f MiB", b / (double) (1L << 20));
    }
    if (b >= 1L << 10) {
      return String.format(Locale.ROOT, "%.0f KiB", b / (double) (1L << 10));
    }
    return b + " B";
  }

  /** Horizontal bars: events/s per runner, fresh and warmed side by side. */
  static void chart(List<RunResult> results, String subtitle, Path png) throws IOException {
    Map<String, Map<String, Double>> rates = new LinkedHashMap<>();
    double max = 1;
    for (RunResult r : results) {
      rates.computeIfAbsent(r.runner(), k -> new LinkedHashMap<>()).put(r.jvm(), r.eventsPerSecond());
      max = Math.max(max, r.eventsPerSecond());
    }
    List<String> runners = new ArrayList<>(rates.keySet());
    int left = 210;
    int right = 90;
    int top = 60;
    int barHeight = 16;
    int groupHeight = 2 * barHeight + 14;
    int width = 900;
    int height = top + runners.size() * groupHeight + 50;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString("cx-monitor benchmark: drain rate, events/s (parallelism 2)", 12, 22);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawString(subtitle, 12, 40);
      double scale = (width - left - right) / max;
      Color fresh = new Color(0x9ecae1);
      Color warmed = new Color(0x3182bd);
      for (int i = 0; i < runners.size(); i++) {
        int y = top + i * groupHeight;
        g.setColor(Color.BLACK);
        g.drawString(runners.get(i), 10, y + barHeight + 4);
        int k = 0;
        for (String jvm : RunnerProcess.JVM_RUNS) {
          Double rate = rates.get(runners.get(i)).get(jvm);
          int by = y + k++ * barHeight;
          if (rate == null) {
            continue;
          }
          int w = (int) Math.round(rate * scale);
          g.setColor("fresh".equals(jvm) ? fresh : warmed);
          g.fillRect(left, by, Math.max(1, w), barHeight - 2);
          g.setColor(Color.DARK_GRAY);
          g.drawString(count(Math.round(rate)), left + w + 5, by + barHeight - 4);
        }
      }
      g.setColor(Color.GRAY);
      g.setStroke(new BasicStroke(1));
      g.drawLine(left, top - 4, left, height - 40);
      int ly = height - 22;
      g.setColor(fresh);
      g.fillRect(left, ly - 10, 14, 10);
      g.setColor(Color.BLACK);
      g.drawString("fresh JVM", left + 20, ly);
      g.setColor(warmed);
      g.fillRect(left + 110, ly - 10, 14, 10);
      g.setColor(Color.BLACK);
      g.drawString("warmed JVM (second run)", left + 130, ly);
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", png.toFile());
  }

  /** How the report names a {@link LocalFlink} state backend. */
  static String stateBackend(String name) {
    return LocalFlink.ROCKSDB.equals(name) ? "RocksDB state, incremental checkpoints" : "heap state, full snapshots";
  }
}
