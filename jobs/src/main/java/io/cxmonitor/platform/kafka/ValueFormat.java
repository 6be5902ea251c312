package io.cxmonitor.platform.kafka;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * How a topic's record values are framed: Avro single-object encoding (the writer's fingerprint,
 * resolved against the schemas the jobs ship) or Confluent framing (the writer's id in a schema
 * registry, looked up there).
 *
 * @param registry where Confluent-framed ids are looked up; null for single-object encoding
 */
public record ValueFormat(Kind kind, SchemaRegistryClient.Config registry) implements Serializable {
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
    if ((kind == Kind.CONFLUENT) != (registry != null)) {
      throw new IllegalArgumentException(kind == Kind.CONFLUENT ? "Confluent framing needs a schema registry"
          : "single-object encoding uses no schema registry");
    }
  }

  public static ValueFormat confluent(SchemaRegistryClient.Config registry) {
    return new ValueFormat(Kind.CONFLUENT, registry);
  }
}
