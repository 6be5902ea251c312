package io.cxmonitor.platform.influx;

/**
 * Makes a tag value (or a measurement name or tag key) safe for the line protocol influxdb-java
 * writes. The client escapes only space, comma and {@code =} in tags; a newline ends the line (the
 * rest becomes a point of its own, e.g. an injected {@code cx_nps} series), and a trailing
 * backslash escapes the separator after it, which InfluxDB 1.x refuses as "invalid tag format"
 * even when it is doubled. Both are replaced by U+FFFD (not by a space, so a replaced value never
 * collides with a real value that has a space there, and the replacement is visible on a
 * dashboard). Every other control character (tab, carriage return, U+0000–U+001F,
 * U+007F–U+009F) and the Unicode line and paragraph separators are replaced too, so a value shows
 * as one readable line. Spaces, commas, {@code =}, quotes, inner backslashes and non-ASCII text
 * are kept: the client escapes them and the server stores them unchanged.
 */
public final class TagValues {
  /** What an unsafe character becomes. */
  public static final char REPLACEMENT = '\uFFFD';

  private TagValues() {}

  /** The value with unsafe characters replaced by {@link #REPLACEMENT}; the same instance if none. */
  public static String safe(String value) {
    int keep = value.length();
    while (keep > 0 && value.charAt(keep - 1) == '\\') {
      keep--;
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean unsafe = i >= keep || Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
      if (unsafe && out == null) {
        out = new StringBuilder(value.length()).append(value, 0, i);
      }
      if (out != null) {
        out.append(unsafe ? REPLACEMENT : c);
      }
    }
    return out == null ? value : out.toString();
  }

  /** The value as a Java string literal would show it, so a log line shows what was replaced. */
  static String visible(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
