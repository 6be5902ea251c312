package io.cxmonitor.platform.influx;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The tags of a {@link KpiPoint}: an immutable map in key order, held in two arrays. The points of
 * one group and window share one instance, and the point's serializer reads and writes the arrays
 * without building a tree (a {@code TreeMap} per point and per shuffle was a measurable share of the
 * service job's CPU). A point has a handful of tags, so lookups scan.
 */
public final class SortedTags extends AbstractMap<String, String> {
  private static final SortedTags EMPTY = new SortedTags(new String[0], new String[0]);

  private final String[] keys;
  private final String[] values;

  private SortedTags(String[] keys, String[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** The tags in key order: the map itself if it is already a {@code SortedTags}, else a copy. Null keys are refused. */
  public static SortedTags of(Map<String, String> tags) {
    if (tags instanceof SortedTags sorted) {
      return sorted;
    }
    if (tags.isEmpty()) {
      return EMPTY;
    }
    String[] keys = new String[tags.size()];
    String[] values = new String[keys.length];
    int n = 0;
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      keys[n] = tag.getKey();
      values[n++] = tag.getValue();
    }
    return sorting(keys, values);
  }

  /** From distinct keys in any order, sorted in place; the arrays are taken, not copied. Null keys are refused. */
  static SortedTags sorting(String[] keys, String[] values) {
    for (int n = 0; n < keys.length; n++) {
      String key = Objects.requireNonNull(keys[n], "a tag key");
      String value = values[n];
      int i = n;
      while (i > 0 && keys[i - 1].compareTo(key) > 0) { // insertion sort: a handful of tags
        keys[i] = keys[i - 1];
        values[i] = values[i - 1];
        i--;
      }
      keys[i] = key;
      values[i] = value;
      if (i > 0 && keys[i - 1].equals(key)) {
        throw new IllegalArgumentException("tag " + key + " given twice");
      }
    }
    return keys.length == 0 ? EMPTY : new SortedTags(keys, values);
  }

  /** From keys already in strictly ascending order (as {@link #key} returns them); the arrays are taken, not copied. */
  static SortedTags ofSorted(String[] keys, String[] values) {
    for (int i = 1; i < keys.length; i++) {
      if (keys[i - 1].compareTo(keys[i]) >= 0) {
        throw new IllegalArgumentException("tag keys out of order: " + keys[i - 1] + " before " + keys[i]);
      }
    }
    return keys.length == 0 ? EMPTY : new SortedTags(keys, values);
  }

  /** These tags with {@code key} set to {@code value}. */
  public SortedTags with(String key, String value) {
    Objects.requireNonNull(key, "a tag key");
    int i = indexOf(key);
    if (i >= 0) {
      String[] v = values.clone();
      v[i] = value;
      return new SortedTags(keys, v);
    }
    int at = 0;
    while (at < keys.length && keys[at].compareTo(key) < 0) {
      at++;
    }
    String[] k = new String[keys.length + 1];
    String[] v = new String[keys.length + 1];
    System.arraycopy(keys, 0, k, 0, at);
    System.arraycopy(values, 0, v, 0, at);
    k[at] = key;
    v[at] = value;
    System.arraycopy(keys, at, k, at + 1, keys.length - at);
    System.arraycopy(values, at, v, at + 1, keys.length - at);
    return new SortedTags(k, v);
  }

  /** The i-th key in order. */
  public String key(int i) {
    return keys[i];
  }

  /** The value of the i-th key. */
  public String value(int i) {
    return values[i];
  }

  private int indexOf(Object key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public String get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < keys.length; i++) {
      h += keys[i].hashCode() ^ Objects.hashCode(values[i]);
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    if (o instanceof SortedTags other) {
      return Arrays.equals(keys, other.keys) && Arrays.equals(values, other.values);
    }
    return super.equals(o);
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Map.Entry<String, String> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }
}
