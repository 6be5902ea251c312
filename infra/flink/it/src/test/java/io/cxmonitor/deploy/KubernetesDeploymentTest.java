package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The FlinkDeployments in infra/kubernetes (no Kubernetes cluster exists here): their arguments are parsed by the
 * job's own picocli command and validated by its own checks, their secrets are files of mounted Secrets, their state
 * goes to durable storage, and their Flink settings are those of infra/flink/config.yaml where both set one.
 */
class KubernetesDeploymentTest {
  private static final Path FLINK_DIR = Path.of(System.getProperty("cx.flink.dir", ".."));
  private static final Path K8S = FLINK_DIR.resolve("../kubernetes");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String USRLIB_JAR = "/opt/flink/usrlib/cx-jobs.jar";
  /** Storage that outlives the pods; file:// would be the pod's own disk unless it is a shared volume. */
  private static final Set<String> DURABLE_SCHEMES = Set.of("s3", "s3a", "s3p", "gs", "hdfs", "abfs", "abfss", "oss");
  /** Options whose value is a file holding, or referring to, a secret: it must be mounted. */
  private static final Set<String> FILE_OPTIONS = Set.of("--influx-password-file", "--kafka-config", "--influx-ca-file");
  /** A config-provider reference to a file, ${dir:DIR:KEY} or ${file:FILE:KEY}, as KafkaClientOptions registers them. */
  private static final Pattern FILE_REFERENCE = Pattern.compile("\\$\\{(dir|file):([^:}]+):([^}]+)}");

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"surveys", "service", "churn"})
  void deploymentIsAValidFlinkDeploymentOfTheJob(String name) throws Exception {
    JsonNode d = yaml(name + ".yaml");
    assertThat(d.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
    assertThat(d.path("kind").asText()).isEqualTo("FlinkDeployment");
    JsonNode spec = d.path("spec");
    String flink = EnvironmentInformation.getVersion(); // the Flink the jobs are built against, e.g. 2.2.1
    String[] v = flink.split("\\.");
    assertThat(spec.path("flinkVersion").asText()).as("flinkVersion for Flink " + flink).isEqualTo("v" + v[0] + "_" + v[1]);

    JsonNode job = spec.path("job");
    assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
    assertThat(job.path("state").asText()).isEqualTo("running");
    assertThat(job.path("jarURI").asText()).isEqualTo("local://" + USRLIB_JAR);

    Configuration conf = flinkConfiguration(spec);
    for (String dir : new String[] {conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY),
        conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY), conf.get(HighAvailabilityOptions.HA_STORAGE_PATH)}) {
      assertThat(dir).as("checkpoint, savepoint and HA directories").isNotBlank();
      assertThat(URI.create(dir).getScheme()).as(dir).isIn(DURABLE_SCHEMES);
      assertThat(dir).as("one directory per job, so jobs never restore each other's state").endsWith("/" + name);
    }

    for (String role : new String[] {"jobManager", "taskManager"}) {
      JsonNode resource = spec.path(role).path("resource");
      assertThat(MemorySize.parse(resource.path("memory").asText()).getMebiBytes()).as(role + " memory").isGreaterThan(512);
      assertThat(resource.path("cpu").asDouble()).as(role + " cpu").isPositive();
    }

    int parallelism = job.path("parallelism").asInt();
    int slots = conf.get(TaskManagerOptions.NUM_TASK_SLOTS);
    assertThat(parallelism).isPositive();
    assertThat(parallelism % slots).as("parallelism %d fills whole TaskManagers of %d slots", parallelism, slots)
        .isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"surveys", "service", "churn"})
  void argumentsAreOptionsOfTheJobAndPassItsOwnChecks(String name) throws Exception {
    JsonNode job = yaml(name + ".yaml").path("spec").path("job");
    Class<?> entry = Class.forName(job.path("entryClass").asText());
    Method main = entry.getMethod("main", String[].class);
    assertThat(Modifier.isStatic(main.getModifiers())).as(entry + ".main is static").isTrue();
    List<String> args = args(job);

    // The job's own command line: an unknown or misspelled option fails here.
    CommandLine cmd = new CommandLine(entry.getDeclaredConstructor().newInstance());
    CommandLine.ParseResult parsed = cmd.parseArgs(args.toArray(String[]::new));
    assertThat(parsed.unmatched()).isEmpty();
    assertThat(parsed.hasMatchedOption("--parallelism")).as("spec.job.parallelism sets the parallelism").isFalse();
    assertThat(parsed.hasMatchedOption("--checkpoint-dir")).as("the cluster's execution.checkpointing.dir applies")
        .isFalse();

    // The job's own validation (the literal-password refusal of --kafka-config among it), with the mounted files
    // replaced by their contents from the manifests.
    List<String> local = new ArrayList<>(args);
    int i = local.indexOf("--kafka-config");
    if (i >= 0) {
      Path kafkaConfig = Files.writeString(tmp.resolve("kafka.properties"), kafkaProperties());
      local.set(i + 1, kafkaConfig.toString());
    }
    Method fromArgs = entry.getMethod("fromArgs", String[].class);
    fromArgs.invoke(null, (Object) local.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"surveys", "service", "churn"})
  void secretsAreMountedFilesNeverValues(String name) throws Exception {
    JsonNode spec = yaml(name + ".yaml").path("spec");
    Map<String, JsonNode> mounts = mounts(spec.path("podTemplate").path("spec"));
    List<String> args = args(spec.path("job"));
    assertThat(args).contains("--influx-password-file", "--kafka-config");

    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (FILE_OPTIONS.contains(option)) {
        String file = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : args.get(i + 1);
        JsonNode volume = volumeOf(mounts, file);
        if (option.equals("--influx-password-file")) {
          assertSecretKey(volume, file);
        } else if (option.equals("--kafka-config")) {
          assertThat(volume.path("configMap").path("name").asText()).isEqualTo(yaml("kafka-config.yaml").path("metadata").path("name").asText());
        }
      } else if (option.matches("--.*(password|secret|token).*")) {
        fail(option + " is not a file option: a secret would be a literal argument");
      }
    }

    // Every file the Kafka properties refer to for a secret is a key of the mounted Secret.
    Matcher m = FILE_REFERENCE.matcher(kafkaProperties());
    int references = 0;
    while (m.find()) {
      String file = m.group(1).equals("dir") ? m.group(2) + "/" + m.group(3) : m.group(2);
      assertSecretKey(volumeOf(mounts, file), file);
      references++;
    }
    assertThat(references).as("the SASL password is a reference in kafka.properties").isPositive();

    // No password in the pods' environment or the Flink configuration.
    for (JsonNode c : spec.path("podTemplate").path("spec").path("containers")) {
      for (JsonNode env : c.path("env")) {
        if (env.path("name").asText().matches("(?i).*(password|secret|token|key).*")) {
          assertThat(env.has("value")).as(env.path("name").asText() + " must come from valueFrom.secretKeyRef").isFalse();
        }
      }
    }
    assertThat(flinkConfiguration(spec).keySet()).noneMatch(k -> k.matches("(?i).*(password|secret|access-key).*"));
  }

  @Test
  void exampleSecretHoldsPlaceholdersOnly() throws Exception {
    JsonNode secret = yaml("secret.example.yaml");
    assertThat(secret.path("kind").asText()).isEqualTo("Secret");
    assertThat(secret.has("data")).as("base64 data would hide what is in it").isFalse();
    Iterator<Map.Entry<String, JsonNode>> values = secret.path("stringData").fields();
    assertThat(values.hasNext()).isTrue();
    values.forEachRemaining(e -> assertThat(e.getValue().asText()).as(e.getKey()).startsWith("<REPLACE"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"surveys", "service", "churn"})
  void flinkSettingsAreThoseOfTheStandaloneCluster(String name) throws Exception {
    Map<String, String> k8s = flinkConfiguration(yaml(name + ".yaml").path("spec")).toMap();
    Map<String, String> standalone = ClusterConfigTest.flat();
    for (String key : new String[] {"state.backend.type", "execution.checkpointing.incremental",
        "execution.checkpointing.interval", "execution.checkpointing.mode",
        "execution.checkpointing.externalized-checkpoint-retention", "env.java.opts.all"}) {
      assertThat(k8s).as("set in both").containsKey(key);
      assertThat(standalone).as("set in both").containsKey(key);
    }
    // The one intended difference: the metrics reporter. Pods are scraped on their own address by
    // Flink's reporter; the standalone cluster binds loopback with ours (BoundPrometheusReporterFactory).
    assertThat(k8s).containsEntry("metrics.reporter.prom.factory.class",
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory").containsEntry("metrics.reporters", "prom");
    k8s.forEach((key, value) -> {
      if (standalone.containsKey(key) && !key.startsWith("metrics.reporter.prom.")) {
        assertThat(value).as(key).isEqualTo(standalone.get(key));
      }
    });
  }

  @Test
  void imageHoldsTheJobJarWhereTheDeploymentsLookAndTheFlinkTheyAreBuiltFor() throws Exception {
    List<String> lines = Files.readAllLines(K8S.resolve("Dockerfile"));
    assertThat(lines).anyMatch(l -> l.matches("ARG FLINK_IMAGE=flink:" + Pattern.quote(EnvironmentInformation.getVersion())
        + "-java17"));
    assertThat(lines).anyMatch(l -> l.startsWith("COPY ") && l.endsWith(" " + USRLIB_JAR));
  }

  // --- helpers --------------------------------------------------------------------------------------

  private static JsonNode yaml(String file) throws Exception {
    return YAML.readTree(K8S.resolve(file).toFile());
  }

  private static List<String> args(JsonNode job) {
    List<String> args = new ArrayList<>();
    job.path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  private static Configuration flinkConfiguration(JsonNode spec) {
    Map<String, String> map = new HashMap<>();
    spec.path("flinkConfiguration").fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return Configuration.fromMap(map);
  }

  private static String kafkaProperties() throws Exception {
    String text = yaml("kafka-config.yaml").path("data").path("kafka.properties").asText();
    Properties p = new Properties();
    p.load(new StringReader(text)); // must read as a properties file
    assertThat(p).containsKey("sasl.jaas.config");
    return text;
  }

  /** The main container's mount path to its volume. */
  private static Map<String, JsonNode> mounts(JsonNode podSpec) {
    Map<String, JsonNode> volumes = new HashMap<>();
    podSpec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
    Map<String, JsonNode> mounts = new HashMap<>();
    for (JsonNode c : podSpec.path("containers")) {
      if (c.path("name").asText().equals("flink-main-container")) {
        c.path("volumeMounts").forEach(m -> {
          assertThat(volumes).as("volume of mount " + m).containsKey(m.path("name").asText());
          mounts.put(m.path("mountPath").asText(), volumes.get(m.path("name").asText()));
        });
      }
    }
    assertThat(mounts).as("the operator's main container is named flink-main-container").isNotEmpty();
    return mounts;
  }

  private static JsonNode volumeOf(Map<String, JsonNode> mounts, String file) {
    return Stream.of(Path.of(file).getParent())
        .map(dir -> mounts.get(dir.toString()))
        .filter(v -> v != null)
        .findFirst()
        .orElseGet(() -> fail(file + " is not in a mounted volume; mounts: " + mounts.keySet()));
  }

  private static void assertSecretKey(JsonNode volume, String file) throws Exception {
    JsonNode secret = yaml("secret.example.yaml");
    assertThat(volume.path("secret").path("secretName").asText()).as(file + " comes from a Secret")
        .isEqualTo(secret.path("metadata").path("name").asText());
    assertThat(secret.path("stringData").has(Path.of(file).getFileName().toString()))
        .as(file + " is a key of the Secret").isTrue();
  }
}
