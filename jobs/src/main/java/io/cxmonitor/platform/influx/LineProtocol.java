package io.cxmonitor.platform.influx;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A {@link KpiPoint} as one line of InfluxDB line protocol (millisecond precision), written the way
 * influxdb-java's {@code Point.lineProtocol} writes it — the same escaping, {@code i}-suffixed
 * integers, floats in plain decimal notation — without its per-point tree maps and
 * {@code DecimalFormat} (they were a sixth of the service job's CPU). Measurement, tag keys and tag
 * values are first made safe ({@link TagValues#safe}); {@code onReplaced} hears each that changed.
 * Tags are in the point's (sorted) order; fields in the order the job built them, which InfluxDB
 * does not care about.
 */
public final class LineProtocol {
  private LineProtocol() {}

  public static String line(KpiPoint p, BiConsumer<String, String> onReplaced) {
    StringBuilder sb = new StringBuilder(64 + 24 * p.fields().size());
    escapeKey(sb, safe(p.measurement(), onReplaced));
    SortedTags tags = (SortedTags) p.tags(); // what the point's constructor makes of any map
    for (int i = 0; i < tags.size(); i++) {
      String value = safe(tags.value(i), onReplaced);
      String key = safe(tags.key(i), onReplaced);
      if (key.isEmpty() || value.isEmpty()) {
        continue; // the client drops empty tags too: line protocol cannot carry them
      }
      sb.append(',');
      escapeKey(sb, key);
      sb.append('=');
      escapeKey(sb, value);
    }
    char separator = ' ';
    for (Map.Entry<String, Object> f : p.fields().entrySet()) {
      sb.append(separator);
      separator = ',';
      escapeKey(sb, f.getKey());
      sb.append('=');
      if (f.getValue() instanceof Long l) {
        sb.append(l.longValue()).append('i');
      } else {
        appendPlain(sb, (Double) f.getValue());
      }
    }
    return sb.append(' ').append(p.timeMillis()).toString();
  }

  /** The line's timestamp (ms), or -1 when it has none. */
  public static long time(String line) {
    try {
      return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String safe(String s, BiConsumer<String, String> onReplaced) {
    String safe = TagValues.safe(s);
    if (!safe.equals(s)) {
      onReplaced.accept(s, safe);
    }
    return safe;
  }

  /** Escapes what line protocol reserves in measurements, tag keys, tag values and field keys. */
  private static void escapeKey(StringBuilder sb, String key) {
    int start = 0; // appended in runs: most names need no escape and go in one copy
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == ' ' || c == ',' || c == '=') {
        sb.append(key, start, i).append('\\');
        start = i;
      }
    }
    if (start == 0) {
      sb.append(key);
    } else {
      sb.append(key, start, key.length());
    }
  }

  /**
   * A finite double in plain notation with at least one fractional digit: the shortest digits that
   * read back as the same double ({@link Double#toString}), with its exponent, if any, written out —
   * what {@code NumberFormat} (English, no grouping, 1 to 340 fraction digits) produces.
   */
  static void appendPlain(StringBuilder sb, double d) {
    String s = Double.toString(d);
    int e = s.indexOf('E');
    if (e < 0) {
      sb.append(s);
      return;
    }
    int start = s.charAt(0) == '-' ? 1 : 0;
    if (start == 1) {
      sb.append('-');
    }
    int dot = s.indexOf('.');
    String digits = s.substring(start, dot) + s.substring(dot + 1, e);
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--; // "1.0E10": the mantissa's trailing zero is not a digit of the value
    }
    digits = digits.substring(0, end);
    int point = (dot - start) + Integer.parseInt(s.substring(e + 1));
    if (point <= 0) {
      sb.append("0.");
      sb.append("0".repeat(-point));
      sb.append(digits);
    } else if (point >= digits.length()) {
      sb.append(digits);
      sb.append("0".repeat(point - digits.length()));
      sb.append(".0");
    } else {
      sb.append(digits, 0, point).append('.').append(digits, point, digits.length());
    }
  }
}
