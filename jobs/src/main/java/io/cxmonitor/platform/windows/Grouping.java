package io.cxmonitor.platform.windows;

/**
 * The dimensions every KPI is reported by. Each event counts once per grouping: once overall,
 * once for its channel, once for its region, and so on.
 */
public enum Grouping {
  OVERALL,
  CHANNEL,
  REGION,
  TEAM,
  PRODUCT,
  /** Ticket priority; service KPIs only. */
  PRIORITY,
  /** Subscription plan; churn KPIs only. */
  PLAN;

  /** Tag value of a dimension a point is not grouped by. */
  public static final String ALL = "all";
  /** Tag value of a missing dimension value. */
  public static final String UNKNOWN = "unknown";

  private static final Grouping[] VALUES = values();

  /** A group: grouping plus tag value, written as {@code channel=chat} when used as a Flink key. */
  public record Key(Grouping grouping, String value) {
    public static Key parse(String key) {
      int eq = key.indexOf('=');
      return new Key(valueOf(key.substring(0, eq).toUpperCase(java.util.Locale.ROOT)), key.substring(eq + 1));
    }

    @Override
    public String toString() {
      return grouping.name().toLowerCase(java.util.Locale.ROOT) + '=' + value;
    }
  }

  public static Grouping of(int ordinal) {
    return VALUES[ordinal];
  }

  /**
   * Normalises a dimension value into a bounded, tag-safe form: lower case, trimmed, missing
   * becomes {@link #UNKNOWN}, the reserved word {@link #ALL} becomes {@code "all_"} so that a
   * team named "all" is never mistaken for the overall figure.
   */
  public static String tagValue(String raw) {
    if (raw == null) {
      return UNKNOWN;
    }
    String v = raw.trim().toLowerCase(java.util.Locale.ROOT);
    if (v.isEmpty()) {
      return UNKNOWN;
    }
    return v.equals(ALL) ? ALL + "_" : v;
  }
}
