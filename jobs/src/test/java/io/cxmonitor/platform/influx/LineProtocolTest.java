package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;
import org.junit.jupiter.api.Test;

/**
 * Our line protocol against influxdb-java's own {@code Point.lineProtocol}, the writer it replaces:
 * the same measurement, tags, field values and time for random points with every character line
 * protocol reserves, and floats in exactly the client's decimal notation.
 */
class LineProtocolTest {
  private static final Random RANDOM = new Random(42);
  private static final String ALPHABET = "ab Z,=\\\"'-_.é漢\n\t";

  private static String randomText(int maxLength) {
    StringBuilder sb = new StringBuilder();
    int n = RANDOM.nextInt(maxLength + 1);
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  private static double randomDouble() {
    return switch (RANDOM.nextInt(5)) {
      case 0 -> RANDOM.nextDouble();
      case 1 -> (RANDOM.nextDouble() - 0.5) * Math.pow(10, RANDOM.nextInt(40) - 20);
      case 2 -> RANDOM.nextInt(1000) / 1000.0;
      case 3 -> (double) RANDOM.nextInt(100_000);
      default -> {
        double d;
        do {
          d = Double.longBitsToDouble(RANDOM.nextLong());
        } while (!Double.isFinite(d));
        yield d;
      }
    };
  }

  /** The client's own formatting of a float field (influxdb-java's Point.NUMBER_FORMATTER). */
  private static String clientFormat(double d) {
    NumberFormat f = NumberFormat.getInstance(Locale.ENGLISH);
    f.setMaximumFractionDigits(340);
    f.setGroupingUsed(false);
    f.setMinimumFractionDigits(1);
    return f.format(d);
  }

  @Test
  void floatsAreWrittenExactlyAsTheClientWritesThem() {
    List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 0.1, 1e-3, 9.999e-4, 1e7, 1.0E7 - 1, 12345.678,
        1e20, 1.5e-10, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 100.0, 1e22, 123456789.0));
    for (int i = 0; i < 100_000; i++) {
      values.add(randomDouble());
    }
    for (double d : values) {
      StringBuilder sb = new StringBuilder();
      LineProtocol.appendPlain(sb, d);
      assertThat(sb.toString()).as("%s", d).isEqualTo(clientFormat(d));
    }
  }

  @Test
  void randomPointsReadTheSameAsTheClientsLines() {
    for (int i = 0; i < 20_000; i++) {
      Map<String, String> tags = new LinkedHashMap<>();
      for (int t = RANDOM.nextInt(5); t > 0; t--) {
        tags.put(randomText(6), randomText(8));
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      for (int f = 1 + RANDOM.nextInt(6); f > 0; f--) {
        String key = TagValues.safe("f" + randomText(5)); // the jobs' field keys are constants: no trailing backslash
        fields.put(key, RANDOM.nextBoolean() ? (Object) (RANDOM.nextLong() >> RANDOM.nextInt(64)) : randomDouble());
      }
      KpiPoint p = new KpiPoint("cx_" + randomText(6), tags, fields, RANDOM.nextLong() >>> 24);
      List<String> ours = new ArrayList<>();
      List<String> theirs = new ArrayList<>();
      String line = LineProtocol.line(p, (original, safe) -> ours.add(original));
      String client = clientPoint(p, (original, safe) -> theirs.add(original)).lineProtocol(TimeUnit.MILLISECONDS);
      assertThat(parse(line)).as("%s%nvs %s", line, client).isEqualTo(parse(client));
      assertThat(ours).isEqualTo(theirs);
      assertThat(LineProtocol.time(line)).isEqualTo(p.timeMillis());
    }
  }

  /** What the sink built before: the client's Point, with measurement and tags made safe the same way. */
  private static Point clientPoint(KpiPoint p, java.util.function.BiConsumer<String, String> onReplaced) {
    Point.Builder b = Point.measurement(safe(p.measurement(), onReplaced)).time(p.timeMillis(), TimeUnit.MILLISECONDS);
    for (Map.Entry<String, String> tag : p.tags().entrySet()) {
      String value = safe(tag.getValue(), onReplaced);
      b.tag(safe(tag.getKey(), onReplaced), value);
    }
    for (Map.Entry<String, Object> f : p.fields().entrySet()) {
      if (f.getValue() instanceof Long l) {
        b.addField(f.getKey(), l.longValue());
      } else {
        b.addField(f.getKey(), ((Double) f.getValue()).doubleValue());
      }
    }
    return b.build();
  }

  private static String safe(String s, java.util.function.BiConsumer<String, String> onReplaced) {
    String safe = TagValues.safe(s);
    if (!safe.equals(s)) {
      onReplaced.accept(s, safe);
    }
    return safe;
  }

  /** A line split on its unescaped separators (a separator right after a backslash is escaped, as influxd reads it): measurement, tags and fields as sorted maps, and the time. */
  private static List<Object> parse(String line) {
    List<String> sections = split(line, ' ');
    assertThat(sections).as(line).hasSize(3);
    List<String> head = split(sections.get(0), ',');
    Map<String, String> tags = new TreeMap<>();
    for (String tag : head.subList(1, head.size())) {
      List<String> kv = split(tag, '=');
      tags.put(kv.get(0), kv.get(1));
    }
    Map<String, String> fields = new TreeMap<>();
    for (String field : split(sections.get(1), ',')) {
      List<String> kv = split(field, '=');
      fields.put(kv.get(0), kv.get(1));
    }
    return List.of(head.get(0), tags, fields, sections.get(2));
  }

  private static List<String> split(String s, char separator) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == separator && (i == 0 || s.charAt(i - 1) != '\\')) { // InfluxDB 1.x: escaped when after a backslash
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }
}
