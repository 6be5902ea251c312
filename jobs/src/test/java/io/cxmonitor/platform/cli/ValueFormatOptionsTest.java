package io.cxmonitor.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.platform.kafka.ValueFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ValueFormatOptionsTest {

  private static JobOptions parse(String... args) {
    JobOptions options = new JobOptions();
    CommandLine cmd = new CommandLine(options);
    cmd.parseArgs(args);
    options.validate(cmd);
    return options;
  }

  @Test
  void singleObjectByDefault() {
    assertThat(parse().valueFormat()).isEqualTo(ValueFormat.SINGLE_OBJECT);
    assertThat(parse("--value-format", "single-object").valueFormat()).isEqualTo(ValueFormat.SINGLE_OBJECT);
  }

  @Test
  void confluentWithItsRegistry() {
    ValueFormat f = parse("--value-format", "confluent", "--schema-registry", "http://127.0.0.1:8081/",
        "--schema-registry-credentials-file", "registry.cred").valueFormat();
    assertThat(f.kind()).isEqualTo(ValueFormat.Kind.CONFLUENT);
    assertThat(f.registry().url()).isEqualTo("http://127.0.0.1:8081");
    assertThat(f.registry().credentialsFile()).isEqualTo(Path.of("registry.cred").toAbsolutePath().toString());
  }

  @Test
  void confluentNeedsARegistry() {
    assertThatThrownBy(() -> parse("--value-format", "confluent"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("needs --schema-registry");
    assertThatThrownBy(() -> parse("--value-format", "confluent", "--schema-registry", "registry:8081"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("http://");
  }

  @Test
  void aTopicCanBeSetOnItsOwn() {
    ValueFormat f = parse("--value-format", "cx.surveys=confluent", "--value-format", "cx.lifecycle=single-object",
        "--schema-registry", "http://127.0.0.1:8081").valueFormat();
    assertThat(f.kindOf("cx.surveys")).isEqualTo(ValueFormat.Kind.CONFLUENT);
    assertThat(f.kindOf("cx.lifecycle")).isEqualTo(ValueFormat.Kind.SINGLE_OBJECT);
    assertThat(f.kindOf("cx.interactions")).as("the default").isEqualTo(ValueFormat.Kind.SINGLE_OBJECT);
    assertThat(f.forTopic("cx.surveys").registry().url()).isEqualTo("http://127.0.0.1:8081");
    assertThat(f.forTopic("cx.interactions")).isEqualTo(ValueFormat.SINGLE_OBJECT);

    ValueFormat commas = parse("--value-format", "cx.surveys=confluent,cx.interactions=confluent",
        "--schema-registry", "http://127.0.0.1:8081").valueFormat();
    assertThat(commas.topics()).containsOnlyKeys("cx.surveys", "cx.interactions");

    ValueFormat g = parse("--value-format", "confluent", "--value-format", "cx.lifecycle=single-object",
        "--schema-registry", "http://127.0.0.1:8081").valueFormat();
    assertThat(g.kindOf("cx.lifecycle")).isEqualTo(ValueFormat.Kind.SINGLE_OBJECT);
    assertThat(g.kindOf("cx.surveys")).isEqualTo(ValueFormat.Kind.CONFLUENT);
  }

  @Test
  void aConfluentTopicWithoutARegistryIsAnErrorThatSaysHowToFixIt() {
    assertThatThrownBy(() -> parse("--value-format", "cx.surveys=confluent"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--value-format cx.surveys=confluent needs --schema-registry URL")
        .hasMessageContaining("or set those topics to single-object");
    assertThat(parse("--value-format", "cx.surveys=single-object").valueFormat()).isEqualTo(ValueFormat.SINGLE_OBJECT);
  }

  @Test
  void twoFormatsForEveryTopicAreRefused() {
    assertThatThrownBy(() -> parse("--value-format", "confluent", "--value-format", "single-object",
        "--schema-registry", "http://127.0.0.1:8081"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("TOPIC=FORMAT");
    assertThatThrownBy(() -> parse("--value-format", "=confluent"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("names no topic");
  }

  @Test
  void anUnknownFormatIsNamed() {
    assertThatThrownBy(() -> parse("--value-format", "json"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("'json' is not a value format");
  }
}
