package io.cxmonitor.platform.cli;

import io.cxmonitor.platform.kafka.SchemaRegistryClient;
import io.cxmonitor.platform.kafka.ValueFormat;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How Avro topics frame their values (a picocli mixin of the jobs, the generator and the replay):
 * single-object encoding, or Confluent framing with a schema registry (README "Confluent framing
 * and a schema registry").
 */
public final class ValueFormatOptions {
  @Option(names = "--value-format", paramLabel = "single-object|confluent", defaultValue = "single-object",
      converter = KindConverter.class,
      description = "How the Avro topics frame their values — a job's inputs and outputs (SLA alerts, at-risk events, "
          + "follow-ups; dead letters keep the original bytes), or what a producer writes: single-object (Avro "
          + "single-object encoding, writer schemas by fingerprint from the shipped history) or confluent (magic byte "
          + "0, schema id, Avro body; writer schemas are looked up by id in --schema-registry, and schemas written are "
          + "registered there under <topic>-value). Default: ${DEFAULT-VALUE}")
  public ValueFormat.Kind kind;

  @Option(names = "--schema-registry", paramLabel = "URL", defaultValue = "${env:CX_SCHEMA_REGISTRY}",
      description = "Confluent-compatible schema registry API for --value-format confluent (env CX_SCHEMA_REGISTRY), "
          + "e.g. http://registry:8081 or Apicurio's http://registry:8080/apis/ccompat/v7.")
  public String schemaRegistry;

  @Option(names = "--schema-registry-credentials-file", paramLabel = "FILE",
      defaultValue = "${env:CX_SCHEMA_REGISTRY_CREDENTIALS_FILE}",
      description = "File holding user:password for the registry's HTTP basic authentication (env "
          + "CX_SCHEMA_REGISTRY_CREDENTIALS_FILE), read where the records are read or written.")
  public Path schemaRegistryCredentialsFile;

  /** Picocli converter of "single-object" / "confluent". */
  static final class KindConverter implements CommandLine.ITypeConverter<ValueFormat.Kind> {
    @Override
    public ValueFormat.Kind convert(String value) {
      try {
        return ValueFormat.Kind.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** The format the options name. */
  public ValueFormat valueFormat() {
    if (kind != ValueFormat.Kind.CONFLUENT) {
      return ValueFormat.SINGLE_OBJECT;
    }
    return ValueFormat.confluent(SchemaRegistryClient.Config.of(schemaRegistry).withCredentialsFile(
        schemaRegistryCredentialsFile == null ? null : schemaRegistryCredentialsFile.toAbsolutePath().toString()));
  }

  /** Throws a picocli error that says what is wrong and how to fix it. */
  public void validate(CommandLine cmd) {
    if (kind == ValueFormat.Kind.CONFLUENT && (schemaRegistry == null || schemaRegistry.isBlank())) {
      throw new CommandLine.ParameterException(cmd, "--value-format confluent needs --schema-registry URL: the "
          + "registry the producers registered their schemas in");
    }
    if (schemaRegistry != null && !schemaRegistry.startsWith("http://") && !schemaRegistry.startsWith("https://")) {
      throw new CommandLine.ParameterException(cmd, "--schema-registry must start with http:// or https://, got '"
          + schemaRegistry + "'");
    }
  }
}
