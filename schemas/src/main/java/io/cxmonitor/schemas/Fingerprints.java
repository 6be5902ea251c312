package io.cxmonitor.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The fingerprints a single-object header may carry for this project's records: every shipped
 * version's Parsing Canonical Form and its CRC-64-AVRO, as the jobs check them, and the same
 * forms written in other layouts that producers in other languages compute by mistake.
 */
public final class Fingerprints {
  private Fingerprints() {}

  /** One shipped schema version. {@code current} marks the version the jobs' classes are generated from. */
  public record Shipped(String record, int version, boolean current, Schema schema, String canonicalForm, long fingerprint) {
    /** {@code SurveyResponse v1}. */
    public String label() {
      return record + " v" + version;
    }
  }

  /**
   * Ways to write a schema's canonical form. Only {@link #SPECIFICATION} gives the fingerprint the
   * jobs know; the others are what a producer gets when it builds the form differently.
   */
  public enum Layout {
    SPECIFICATION("as the Avro specification defines it: named types defined inline where first used, full names"),
    REFERENCED("with the named types it uses (e.g. the Channel enum) referenced by name instead of defined inline, "
        + "as fastavro computes it when the enum is passed through named_schemas"),
    SHORT_NAMES("with names stripped of their namespace (io.cxmonitor.schemas)"),
    REFERENCED_SHORT_NAMES("with named types referenced by name and names stripped of their namespace");

    private final String description;

    Layout(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private static final List<Shipped> SHIPPED = load();
  private static final Map<Long, Shipped> BY_FINGERPRINT = index();

  /** Every shipped version of every record type, by record name and version. */
  public static List<Shipped> shipped() {
    return SHIPPED;
  }

  /** The shipped version with this fingerprint, or null. */
  public static Shipped find(long fingerprint) {
    return BY_FINGERPRINT.get(fingerprint);
  }

  /** {@code FollowUpDone v1} for a shipped fingerprint, null for any other. */
  public static String shippedAs(long fingerprint) {
    Shipped s = find(fingerprint);
    return s == null ? null : s.label();
  }

  /** The canonical form of {@code schema} in {@code layout}; {@link Layout#SPECIFICATION} is Avro's own. */
  public static String canonicalForm(Schema schema, Layout layout) {
    StringBuilder out = new StringBuilder();
    build(schema, layout, new HashMap<>(), true, out);
    return out.toString();
  }

  public static long fingerprint(String canonicalForm) {
    return SchemaNormalization.fingerprint64(canonicalForm.getBytes(StandardCharsets.UTF_8));
  }

  /** The 10 bytes every record of this fingerprint starts with, as hex: {@code c3 01} and the fingerprint little-endian. */
  public static String headerHex(long fingerprint) {
    byte[] header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) 0xC3).put((byte) 0x01).putLong(fingerprint).array();
    return HexFormat.ofDelimiter(" ").formatHex(header);
  }

  /** Mirrors Avro's {@code SchemaNormalization.build}, with the layout's two departures. */
  private static void build(Schema s, Layout layout, Map<String, String> seen, boolean top, StringBuilder o) {
    Schema.Type type = s.getType();
    switch (type) {
      case UNION -> {
        o.append('[');
        boolean first = true;
        for (Schema branch : s.getTypes()) {
          if (!first) {
            o.append(',');
          }
          first = false;
          build(branch, layout, seen, false, o);
        }
        o.append(']');
      }
      case ARRAY, MAP -> {
        o.append("{\"type\":\"").append(type.getName()).append('"');
        o.append(type == Schema.Type.ARRAY ? ",\"items\":" : ",\"values\":");
        build(type == Schema.Type.ARRAY ? s.getElementType() : s.getValueType(), layout, seen, false, o);
        o.append('}');
      }
      case ENUM, FIXED, RECORD -> {
        boolean shortNames = layout == Layout.SHORT_NAMES || layout == Layout.REFERENCED_SHORT_NAMES;
        boolean referenced = layout == Layout.REFERENCED || layout == Layout.REFERENCED_SHORT_NAMES;
        String quoted = '"' + (shortNames ? s.getName() : s.getFullName()) + '"';
        if (seen.containsKey(s.getFullName()) || (referenced && !top)) {
          o.append(quoted);
          return;
        }
        seen.put(s.getFullName(), quoted);
        o.append("{\"name\":").append(quoted).append(",\"type\":\"").append(type.getName()).append('"');
        if (type == Schema.Type.ENUM) {
          o.append(",\"symbols\":[");
          boolean first = true;
          for (String symbol : s.getEnumSymbols()) {
            if (!first) {
              o.append(',');
            }
            first = false;
            o.append('"').append(symbol).append('"');
          }
          o.append(']');
        } else if (type == Schema.Type.FIXED) {
          o.append(",\"size\":").append(s.getFixedSize());
        } else {
          o.append(",\"fields\":[");
          boolean first = true;
          for (Schema.Field f : s.getFields()) {
            if (!first) {
              o.append(',');
            }
            first = false;
            o.append("{\"name\":\"").append(f.name()).append("\",\"type\":");
            build(f.schema(), layout, seen, false, o);
            o.append('}');
          }
          o.append(']');
        }
        o.append('}');
      }
      default -> o.append('"').append(type.getName()).append('"');
    }
  }

  private static List<Shipped> load() {
    List<Shipped> all = new ArrayList<>();
    new TreeMap<>(WireFormat.currentSchemas()).forEach((name, current) -> {
      long currentPrint = SchemaNormalization.parsingFingerprint64(current);
      List<Schema> versions = WireFormat.history(name);
      for (int v = 0; v < versions.size(); v++) {
        Schema s = versions.get(v);
        String form = SchemaNormalization.toParsingForm(s);
        long print = fingerprint(form);
        all.add(new Shipped(name, v + 1, print == currentPrint, s, form, print));
      }
    });
    return List.copyOf(all);
  }

  private static Map<Long, Shipped> index() {
    Map<Long, Shipped> byPrint = new HashMap<>();
    SHIPPED.forEach(s -> byPrint.put(s.fingerprint(), s));
    return byPrint;
  }
}
