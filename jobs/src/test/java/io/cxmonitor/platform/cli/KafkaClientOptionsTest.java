package io.cxmonitor.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaClientOptionsTest {
  private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"cx\" ";

  @TempDir
  Path dir;

  private static Properties parse(String... args) {
    KafkaClientOptions options = new KafkaClientOptions();
    CommandLine cmd = new CommandLine(options);
    cmd.parseArgs(args);
    return options.clientProperties(cmd);
  }

  @Test
  void fileThenSinglePropertiesWithTheConfigProvidersAdded() throws Exception {
    Path file = Files.writeString(dir.resolve("kafka.properties"),
        "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nrequest.timeout.ms=1000\n");
    Properties p = parse("--kafka-config", file.toString(), "--kafka-property", "request.timeout.ms=2000",
        "--kafka-property", "sasl.jaas.config=" + PLAIN + "password=\"${env:CX_KAFKA_PASSWORD}\";");

    assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("request.timeout.ms", "2000")
        .containsEntry("sasl.jaas.config", PLAIN + "password=\"${env:CX_KAFKA_PASSWORD}\";")
        .containsEntry("config.providers", "file,dir,env")
        .containsEntry("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
  }

  @Test
  void noProvidersWithoutAReference() {
    assertThat(parse("--kafka-property", "security.protocol=SSL")).containsOnlyKeys("security.protocol");
    assertThat(parse()).isEmpty();
  }

  @Test
  void ownConfigProvidersAreLeftAlone() {
    Properties p = parse("--kafka-property", "config.providers=vault",
        "--kafka-property", "config.providers.vault.class=com.example.Vault",
        "--kafka-property", "ssl.key.password=${vault:kafka:key}");
    assertThat(p).containsEntry("config.providers", "vault").doesNotContainKey("config.providers.file.class");
  }

  @Test
  void aPasswordWrittenOutInFullIsRefusedWithoutBeingRepeated() {
    String secret = "hunter2-literal";
    assertThatThrownBy(() -> parse("--kafka-property", "sasl.jaas.config=" + PLAIN + "password=\"" + secret + "\";"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("sasl.jaas.config (password)")
        .hasMessageContaining("${file:")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(() -> parse("--kafka-property", "ssl.truststore.password=" + secret))
        .hasMessageContaining("ssl.truststore.password").hasMessageNotContaining(secret);
    assertThatThrownBy(() -> parse("--kafka-property", "ssl.key.password=${file:/x.properties:key} and more"))
        .hasMessageContaining("ssl.key.password");
  }

  @Test
  void referencesAreAcceptedForEveryPasswordSetting() {
    Properties p = parse("--kafka-property", "ssl.truststore.password=${file:/etc/cx/kafka.properties:truststore}",
        "--kafka-property", "ssl.keystore.password=${dir:/run/secrets:keystore}",
        "--kafka-property", "sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule "
            + "required clientId=\"cx\" clientSecret=\"${env:CX_OAUTH_SECRET}\";");
    assertThat(p).containsEntry("ssl.keystore.password", "${dir:/run/secrets:keystore}");
  }

  @Test
  void anUnreadableFileIsAParameterError() {
    assertThatThrownBy(() -> parse("--kafka-config", dir.resolve("missing.properties").toString()))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("missing.properties");
  }
}
