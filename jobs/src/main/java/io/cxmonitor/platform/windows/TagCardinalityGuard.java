package io.cxmonitor.platform.windows;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Caps the distinct tag values of each grouping: once a grouping has {@code maxValues} values,
 * every new one is written as {@link #OTHER}, so a producer that suddenly puts ticket ids into
 * the team field adds one series, not millions (InfluxDB's series index and every dashboard
 * variable would suffer). Values seen before the cap keep their own series. The first value folded
 * in each grouping is reported once (the caller logs it and counts every fold).
 *
 * <p>Kept per subtask of the pre-aggregator (and checkpointed there), so a job of parallelism p
 * writes at most p × maxValues values per tag; values arrive spread over the subtasks alike, so in
 * practice the same ones are admitted everywhere.
 */
public final class TagCardinalityGuard {
  /** The tag value that stands for every value beyond the cap. */
  public static final String OTHER = "other";
  /** Global job parameter carrying {@code --max-tag-values}. */
  public static final String PARAMETER = "cx.max-tag-values";
  public static final int DEFAULT_MAX_VALUES = 1_000;

  /** Told of the first value a grouping folds. */
  @FunctionalInterface
  public interface Overflow {
    void firstFolded(Grouping grouping, String value, int maxValues);
  }

  private final int maxValues;
  private final Overflow overflow;
  private final Map<Grouping, Set<String>> admitted = new EnumMap<>(Grouping.class);
  private final Set<Grouping> reported = new HashSet<>();

  public TagCardinalityGuard(int maxValues, Overflow overflow) {
    if (maxValues < 1) {
      throw new IllegalArgumentException("maxValues must be at least 1, got " + maxValues);
    }
    this.maxValues = maxValues;
    this.overflow = overflow;
  }

  /** The tag value to write for {@code value} of {@code grouping}: itself, or {@link #OTHER} beyond the cap. */
  public String admit(Grouping grouping, String value) {
    if (grouping == Grouping.OVERALL || Grouping.UNKNOWN.equals(value) || OTHER.equals(value)) {
      return value;
    }
    Set<String> values = admitted.computeIfAbsent(grouping, g -> new HashSet<>());
    if (values.contains(value)) {
      return value;
    }
    if (values.size() < maxValues) {
      values.add(value);
      return value;
    }
    if (reported.add(grouping)) {
      overflow.firstFolded(grouping, value, maxValues);
    }
    return OTHER;
  }

  /** The admitted values as {@code grouping=value} entries, for a checkpoint. */
  public List<String> snapshot() {
    List<String> entries = new ArrayList<>();
    admitted.forEach((g, values) -> values.forEach(v -> entries.add(new Grouping.Key(g, v).toString())));
    return entries;
  }

  /** Admits an entry of {@link #snapshot()} again (values beyond the cap, e.g. after rescaling, are dropped). */
  public void restore(String entry) {
    Grouping.Key key = Grouping.Key.parse(entry);
    Set<String> values = admitted.computeIfAbsent(key.grouping(), g -> new HashSet<>());
    if (values.size() < maxValues) {
      values.add(key.value());
    }
  }
}
