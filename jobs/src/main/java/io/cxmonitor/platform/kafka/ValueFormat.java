package io.cxmonitor.platform.kafka;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How topics' record values are framed: Avro single-object encoding (the writer's fingerprint,
 * resolved against the schemas the jobs ship) or Confluent framing (the writer's id in a schema
 * registry, looked up there). One kind for every topic, except those named in {@code topics};
 * whoever reads or writes a topic asks {@link #forTopic}.
 *
 * @param kind the framing of every topic not named in {@code topics}
 * @param registry where Confluent-framed ids are looked up; null when no topic is Confluent-framed
 * @param topics per-topic framings that differ from {@code kind} (--value-format TOPIC=FORMAT)
 */
public record ValueFormat(Kind kind, SchemaRegistryClient.Config registry, Map<String, Kind> topics)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The framing, as --value-format names it. */
  public enum Kind {
    SINGLE_OBJECT("single-object"),
    CONFLUENT("confluent");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }

    /** Parses "single-object" or "confluent" (any case). */
    public static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.label.equals(s.toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException("'" + s + "' is not a value format: single-object or confluent");
    }
  }

  public static final ValueFormat SINGLE_OBJECT = new ValueFormat(Kind.SINGLE_OBJECT, null);

  public ValueFormat {
    Objects.requireNonNull(kind, "kind");
    // serializable, read-only, and equal whatever kind of map was given
    topics = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(topics, "topics")));
    boolean confluent = kind == Kind.CONFLUENT || topics.containsValue(Kind.CONFLUENT);
    if (confluent != (registry != null)) {
      throw new IllegalArgumentException(confluent ? "Confluent framing needs a schema registry"
          : "single-object encoding uses no schema registry");
    }
  }

  /** One framing for every topic. */
  public ValueFormat(Kind kind, SchemaRegistryClient.Config registry) {
    this(kind, registry, Map.of());
  }

  public static ValueFormat confluent(SchemaRegistryClient.Config registry) {
    return new ValueFormat(Kind.CONFLUENT, registry);
  }

  /** The framing of {@code topic}. */
  public Kind kindOf(String topic) {
    return topics.getOrDefault(topic, kind);
  }

  /** The format of {@code topic} alone: its framing, and the registry if it is Confluent-framed. */
  public ValueFormat forTopic(String topic) {
    Kind k = kindOf(topic);
    return new ValueFormat(k, k == Kind.CONFLUENT ? registry : null);
  }
}
