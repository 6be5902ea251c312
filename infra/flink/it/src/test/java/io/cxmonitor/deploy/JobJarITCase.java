package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the job jar holds: the jobs and what they need, not Flink (the cluster's), not the tests,
 * not a logging configuration that would override the cluster's. A failsafe test because the jar
 * exists only after {@code package}.
 */
class JobJarITCase {
  private static List<String> entries;

  @BeforeAll
  static void readJar() throws Exception {
    entries = entries(System.getProperty("cx.job.jar", ""));
  }

  private static List<String> entries(String jarPath) throws Exception {
    try (JarFile jar = new JarFile(Path.of(jarPath).toFile())) {
      return jar.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void holdsEveryJobAndWhatTheJobsNeed() {
    assertThat(entries).contains(
        "io/cxmonitor/surveys/SurveyKpiJob.class", "io/cxmonitor/service/ServiceKpiJob.class",
        "io/cxmonitor/churn/ChurnKpiJob.class",
        "io/cxmonitor/schemas/SurveyResponse.class", // generated Avro classes
        "org/apache/avro/Schema.class",
        "org/apache/flink/connector/kafka/source/KafkaSource.class",
        "org/apache/flink/formats/avro/AvroSerializationSchema.class",
        "org/apache/kafka/clients/consumer/KafkaConsumer.class",
        "org/influxdb/InfluxDB.class",
        "org/HdrHistogram/Histogram.class",
        "picocli/CommandLine.class");
  }

  @Test
  void leavesFlinkAndLoggingToTheCluster() {
    assertThat(entries).noneMatch(e -> e.startsWith("org/apache/flink/runtime/")
        || e.startsWith("org/apache/flink/streaming/api/") || e.startsWith("org/apache/flink/api/")
        || e.startsWith("org/apache/flink/configuration/") || e.startsWith("org/apache/flink/shaded/"));
    assertThat(entries).noneMatch(e -> e.startsWith("org/slf4j/") || e.startsWith("org/apache/logging/log4j/"));
    assertThat(entries).noneMatch(e -> e.matches("(.*/)?log4j2?(-test)?\\.(properties|xml)"));
  }

  @Test
  void holdsNoTestClasses() throws Exception {
    List<String> testClasses = entries(System.getProperty("cx.tests.jar", "")).stream()
        .filter(e -> e.endsWith(".class")).toList();
    assertThat(testClasses).as("classes of jobs/src/test").contains("io/cxmonitor/ArchitectureTest.class");
    assertThat(entries).doesNotContainAnyElementsOf(testClasses);
  }

  @Test
  void relocatesWhatAFlinkClasspathMayCarryInAnotherVersion() {
    for (String pkg : List.of("com/fasterxml/jackson/", "okhttp3/", "okio/", "retrofit2/", "com/squareup/moshi/",
        "org/yaml/snakeyaml/", "org/apache/commons/math3/")) {
      assertThat(entries).as(pkg).noneMatch(e -> e.startsWith(pkg));
      assertThat(entries).as(pkg).anyMatch(e -> e.startsWith("io/cxmonitor/shaded/" + pkg));
    }
  }
}
