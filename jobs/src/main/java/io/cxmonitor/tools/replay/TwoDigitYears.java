package io.cxmonitor.tools.replay;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Date patterns with a two-digit year ({@code yy}): Java's pattern letters fix the century at
 * 2000–2099, so a 1999 export would land in 2099; here the century comes from a base year.
 */
final class TwoDigitYears {
  private TwoDigitYears() {}

  /** Whether {@code pattern} has a two-digit year field outside quoted literals. */
  static boolean uses(String pattern) {
    return position(pattern) >= 0;
  }

  /** A formatter for {@code pattern} whose two-digit year, if any, falls in [baseYear, baseYear + 99]. */
  static DateTimeFormatter formatter(String pattern, Integer baseYear) {
    int at = position(pattern);
    if (at < 0 || baseYear == null) {
      return DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
    }
    return new DateTimeFormatterBuilder()
        .appendPattern(pattern.substring(0, at))
        .appendValueReduced(ChronoField.YEAR, 2, 2, baseYear)
        .appendPattern(pattern.substring(at + 2))
        .toFormatter(Locale.ROOT);
  }

  /** Index of the first run of exactly two 'y' or 'u' letters outside quotes, or -1. */
  private static int position(String pattern) {
    boolean quoted = false;
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
        i++;
        continue;
      }
      int end = i + 1;
      while (end < pattern.length() && pattern.charAt(end) == c) {
        end++;
      }
      if (!quoted && (c == 'y' || c == 'u') && end - i == 2) {
        return i;
      }
      i = end;
    }
    return -1;
  }
}
