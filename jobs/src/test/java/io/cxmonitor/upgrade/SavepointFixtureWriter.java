package io.cxmonitor.upgrade;

import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes the upgrade fixtures that {@link SavepointUpgradeITCase} restores: the records it
 * publishes ({@link SavepointFixture#RECORDS}) and a canonical savepoint of each KPI job taken
 * after the first batch. Not a test: it runs only with {@code CX_WRITE_SAVEPOINTS=<dir>} set and
 * writes there; the checked-in fixtures were written by the release named in their README.
 */
class SavepointFixtureWriter {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  @Test
  @EnabledIfEnvironmentVariable(named = "CX_WRITE_SAVEPOINTS", matches = ".+")
  void write() throws Exception {
    Path out = Paths.get(System.getenv("CX_WRITE_SAVEPOINTS"));
    Files.createDirectories(out);
    try (KafkaBroker kafka = KafkaBroker.start(); InfluxServer influx = InfluxServer.start()) {
      kafka.createTopics(1, Topics.ALL.toArray(String[]::new));
      List<SavepointFixture.Record> records = new ArrayList<>();
      try (KafkaPublisher encoder = new KafkaPublisher(kafka.bootstrapServers())) {
        CxSimulation sim = new CxSimulation(SavepointFixture.simulation());
        while (sim.hasNext()) {
          GeneratedRecord r = sim.next();
          records.add(new SavepointFixture.Record(r.emitTime() < SavepointFixture.CUT.toEpochMilli() ? 1 : 2,
              r.topic(), r.key(), encoder.encode(r.record()), r.eventTime()));
        }
      }
      SavepointFixture.writeRecords(records, out.resolve(SavepointFixture.RECORDS));
      SavepointFixture.publish(kafka.bootstrapServers(), records, 1);
      Map<String, JobClient> jobs = new LinkedHashMap<>();
      for (String job : SavepointFixture.JOBS) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        String[] args = SavepointFixture.args(job, kafka.bootstrapServers(), influx.url(), "fixture");
        SavepointFixture.configure(job, args, env);
        jobs.put(job, env.executeAsync("fixture-" + job));
      }
      SavepointFixture.awaitConsumed(kafka, "fixture", jobs.keySet());
      for (Map.Entry<String, JobClient> e : jobs.entrySet()) {
        Path tmp = Files.createTempDirectory("sp-" + e.getKey());
        String path = e.getValue().stopWithSavepoint(false, tmp.toUri().toString(), SavepointFormatType.CANONICAL).get();
        copyTree(Paths.get(java.net.URI.create(path.startsWith("file:") ? path : "file:" + path)), out.resolve(e.getKey()));
      }
    }
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
