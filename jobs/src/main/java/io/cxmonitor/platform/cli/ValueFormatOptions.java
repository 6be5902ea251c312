package io.cxmonitor.platform.cli;

import io.cxmonitor.platform.kafka.SchemaRegistryClient;
import io.cxmonitor.platform.kafka.ValueFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How Avro topics frame their values (a picocli mixin of the jobs, the generator and the replay):
 * single-object encoding, or Confluent framing with a schema registry (README "Confluent framing
 * and a schema registry").
 */
public final class ValueFormatOptions {
  @Option(names = "--value-format", paramLabel = "[TOPIC=]single-object|confluent", converter = SettingConverter.class,
      split = ",", defaultValue = "${env:CX_VALUE_FORMAT}",
      description = "How the Avro topics frame their values — a job's inputs and outputs (SLA alerts, at-risk events, "
          + "follow-ups; dead letters keep the original bytes), or what a producer writes: single-object (Avro "
          + "single-object encoding, writer schemas by fingerprint from the shipped history) or confluent (magic byte "
          + "0, schema id, Avro body; writer schemas are looked up by id in --schema-registry, and schemas written are "
          + "registered there under <topic>-value). FORMAT sets every topic (default single-object); TOPIC=FORMAT, "
          + "repeated or comma-separated, sets one topic (env CX_VALUE_FORMAT). A confluent topic also reads the "
          + "single-object records it held before it switched.")
  public List<Setting> settings = new ArrayList<>();

  @Option(names = "--schema-registry", paramLabel = "URL", defaultValue = "${env:CX_SCHEMA_REGISTRY}",
      description = "Confluent-compatible schema registry API for --value-format confluent (env CX_SCHEMA_REGISTRY), "
          + "e.g. http://registry:8081 or Apicurio's http://registry:8080/apis/ccompat/v7.")
  public String schemaRegistry;

  @Option(names = "--schema-registry-credentials-file", paramLabel = "FILE",
      defaultValue = "${env:CX_SCHEMA_REGISTRY_CREDENTIALS_FILE}",
      description = "File holding user:password for the registry's HTTP basic authentication (env "
          + "CX_SCHEMA_REGISTRY_CREDENTIALS_FILE), read where the records are read or written.")
  public Path schemaRegistryCredentialsFile;

  /** One --value-format: a framing for every topic (topic null) or for one. */
  public record Setting(String topic, ValueFormat.Kind kind) {}

  /** Picocli converter of "single-object", "confluent" and "TOPIC=FORMAT". */
  static final class SettingConverter implements CommandLine.ITypeConverter<Setting> {
    @Override
    public Setting convert(String value) {
      int eq = value.lastIndexOf('=');
      String topic = eq < 0 ? null : value.substring(0, eq).strip();
      if (topic != null && topic.isEmpty()) {
        throw new CommandLine.TypeConversionException("'" + value + "' names no topic before '=': write TOPIC=FORMAT, "
            + "e.g. cx.surveys=confluent");
      }
      try {
        return new Setting(topic, ValueFormat.Kind.parse(value.substring(eq + 1).strip()));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** The framing of every topic not set on its own. */
  public ValueFormat.Kind defaultKind() {
    return settings.stream().filter(s -> s.topic() == null).map(Setting::kind).reduce((a, b) -> b)
        .orElse(ValueFormat.Kind.SINGLE_OBJECT);
  }

  /** The topics set on their own (TOPIC=FORMAT; the last setting of a topic wins). */
  public Map<String, ValueFormat.Kind> topicKinds() {
    Map<String, ValueFormat.Kind> m = new LinkedHashMap<>();
    settings.stream().filter(s -> s.topic() != null).forEach(s -> m.put(s.topic(), s.kind()));
    return m;
  }

  private boolean anyConfluent() {
    return defaultKind() == ValueFormat.Kind.CONFLUENT || topicKinds().containsValue(ValueFormat.Kind.CONFLUENT);
  }

  /** The format the options name. */
  public ValueFormat valueFormat() {
    if (!anyConfluent()) {
      return ValueFormat.SINGLE_OBJECT;
    }
    return new ValueFormat(defaultKind(), SchemaRegistryClient.Config.of(schemaRegistry).withCredentialsFile(
        schemaRegistryCredentialsFile == null ? null : schemaRegistryCredentialsFile.toAbsolutePath().toString()),
        topicKinds());
  }

  /** Throws a picocli error that says what is wrong and how to fix it. */
  public void validate(CommandLine cmd) {
    if (settings.stream().filter(s -> s.topic() == null).map(Setting::kind).distinct().count() > 1) {
      throw new CommandLine.ParameterException(cmd, "--value-format is given both single-object and confluent for "
          + "every topic: give one, and TOPIC=FORMAT for the topics that differ");
    }
    if (anyConfluent() && (schemaRegistry == null || schemaRegistry.isBlank())) {
      List<String> confluent = topicKinds().entrySet().stream()
          .filter(e -> e.getValue() == ValueFormat.Kind.CONFLUENT).map(Map.Entry::getKey).toList();
      String which = defaultKind() == ValueFormat.Kind.CONFLUENT ? "--value-format confluent"
          : "--value-format " + String.join("=confluent, ", confluent) + "=confluent";
      throw new CommandLine.ParameterException(cmd, which + " needs --schema-registry URL (or env "
          + "CX_SCHEMA_REGISTRY): the registry the producers registered their schemas in, e.g. "
          + "http://registry:8081 or http://registry:8080/apis/ccompat/v7; or set those topics to single-object");
    }
    if (schemaRegistry != null && !schemaRegistry.startsWith("http://") && !schemaRegistry.startsWith("https://")) {
      throw new CommandLine.ParameterException(cmd, "--schema-registry must start with http:// or https://, got '"
          + schemaRegistry + "'");
    }
  }
}
