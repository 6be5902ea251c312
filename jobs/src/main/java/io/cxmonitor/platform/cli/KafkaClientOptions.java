package io.cxmonitor.platform.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Kafka client properties (SSL, SASL, timeouts ...) that every consumer, producer and admin client
 * of a job or tool gets: {@code --kafka-config FILE} in Kafka's properties format, then
 * {@code --kafka-property KEY=VALUE} on top. A picocli mixin.
 *
 * <p>These properties travel in the job graph (Flink serializes each source's and sink's client
 * properties), so a password may not be written into them: password-type settings
 * ({@code sasl.jaas.config}'s password, {@code ssl.*.password}, ...) must refer to a file or an
 * environment variable through Kafka's config providers, {@code ${file:/path/to/file.properties:key}},
 * {@code ${dir:/path/to/dir:file}} or {@code ${env:VARIABLE}}, which every Kafka client resolves
 * when it starts (on the TaskManager). The three providers are registered here when a value refers
 * to one, unless {@code config.providers} is given.
 */
public final class KafkaClientOptions {
  /** Environment variable naming a default {@code --kafka-config} file. */
  public static final String CONFIG_ENV = "CX_KAFKA_CONFIG";

  /** A config-provider reference, {@code ${provider:[path:]key}}, as Kafka's ConfigTransformer reads it. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{[^}]*?:[^}]*?\\}");
  /** A JAAS option whose name says it holds a secret, and its value (quoted or not). */
  private static final Pattern JAAS_SECRET = Pattern.compile(
      "(\\w*(?:password|secret|token)\\w*)\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s;]+)", Pattern.CASE_INSENSITIVE);

  @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:" + CONFIG_ENV + "}",
      description = "Kafka client properties file (Kafka's format: security.protocol, sasl.*, ssl.* ...) for every Kafka "
          + "consumer, producer and admin client (env " + CONFIG_ENV + "). Passwords in it must be references "
          + "such as ${file:/etc/cx/kafka-secrets.properties:password} or ${env:CX_KAFKA_PASSWORD}, resolved by "
          + "the Kafka client where it runs.")
  Path configFile;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "One Kafka client property for every client, over --kafka-config (repeatable), e.g. "
          + "security.protocol=SASL_SSL. Passwords only as references (see --kafka-config).")
  Map<String, String> properties = new LinkedHashMap<>();

  /**
   * The client properties: the file's, then the single ones, with the config providers added.
   *
   * @throws CommandLine.ParameterException if the file cannot be read or a password is written out in full
   */
  public Properties clientProperties(CommandLine cmd) {
    Properties p = new Properties();
    if (configFile != null) {
      try (Reader in = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
        p.load(in);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(cmd, "--kafka-config " + configFile + " cannot be read: " + e);
      }
    }
    p.putAll(properties);
    List<String> literal = literalSecrets(p);
    if (!literal.isEmpty()) {
      throw new CommandLine.ParameterException(cmd, "Kafka client properties " + literal + " hold a password in full "
          + "(from " + (configFile == null ? "--kafka-property" : "--kafka-config " + configFile + " or --kafka-property")
          + "). It would be copied into the job graph. Put it in a file or an environment variable and refer to it: "
          + "password=\"${file:/etc/cx/kafka-secrets.properties:password}\" or ${env:CX_KAFKA_PASSWORD}.");
    }
    withConfigProviders(p);
    return p;
  }

  /** These options as command-line arguments, to hand on to another command (the demo to its jobs and generator). */
  public List<String> args() {
    List<String> args = new ArrayList<>();
    if (configFile != null) {
      args.add("--kafka-config");
      args.add(configFile.toString());
    }
    properties.forEach((k, v) -> {
      args.add("--kafka-property");
      args.add(k + "=" + v);
    });
    return args;
  }

  /** The password-type settings of {@code p} that are not references to a config provider (their names only). */
  static List<String> literalSecrets(Properties p) {
    List<String> literal = new ArrayList<>();
    for (String key : new TreeSet<>(p.stringPropertyNames())) {
      String value = p.getProperty(key);
      if (key.equals(SaslConfigs.SASL_JAAS_CONFIG)) {
        Matcher m = JAAS_SECRET.matcher(value);
        while (m.find()) {
          if (!isReference(unquote(m.group(2)))) {
            literal.add(key + " (" + m.group(1) + ")");
          }
        }
      } else if (PASSWORD_KEYS.contains(key) && !value.isEmpty() && !isReference(value.strip())) {
        literal.add(key);
      }
    }
    return literal;
  }

  private static boolean isReference(String value) {
    return REFERENCE.matcher(value).matches();
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  /**
   * Registers the file, directory and environment config providers when a value refers to a provider
   * ({@code ${...}}), unless {@code config.providers} is set.
   */
  static void withConfigProviders(Properties p) {
    if (p.containsKey("config.providers") || p.values().stream().noneMatch(v -> v.toString().contains("${"))) {
      return;
    }
    p.setProperty("config.providers", "file,dir,env");
    p.setProperty("config.providers.file.class", FileConfigProvider.class.getName());
    p.setProperty("config.providers.dir.class", DirectoryConfigProvider.class.getName());
    p.setProperty("config.providers.env.class", EnvVarConfigProvider.class.getName());
  }

  /** Every client setting Kafka itself types as a password (sasl.jaas.config is checked option by option). */
  private static final Set<String> PASSWORD_KEYS = passwordKeys(
      ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef());

  private static Set<String> passwordKeys(ConfigDef... defs) {
    Set<String> keys = new TreeSet<>();
    for (ConfigDef def : defs) {
      def.configKeys().forEach((name, key) -> {
        if (key.type == ConfigDef.Type.PASSWORD) {
          keys.add(name);
        }
      });
    }
    return Set.copyOf(keys);
  }
}
