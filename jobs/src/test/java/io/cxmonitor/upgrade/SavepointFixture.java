package io.cxmonitor.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.testkit.KafkaBroker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/**
 * The data behind the upgrade fixtures: which records, split into the batch before the savepoint
 * (1) and the batch after it (2), and how each job was started. Records are stored as published
 * bytes, so later changes to the generator or the schemas cannot change what the savepoint saw.
 */
public final class SavepointFixture {
  private SavepointFixture() {}

  public static final String RECORDS = "records.bin.gz";
  public static final List<String> JOBS = List.of("surveys", "service", "churn");
  public static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");
  /** Records emitted before this are batch 1, the rest batch 2. */
  public static final Instant CUT = T0.plus(Duration.ofMinutes(70));

  /** One published record: its batch, topic, key, bytes and Kafka timestamp (its event time). */
  public record Record(int batch, String topic, String key, byte[] value, long timestamp) {}

  public static SimulationConfig simulation() {
    return SimulationConfig.defaults(20261126L, T0, Duration.ofHours(2))
        .withRate(20)
        .withCustomers(1_500, 0.02)
        .withDisorder(0.05, Duration.ofSeconds(20), 0.0);
  }

  public static List<String> topicsOf(String job) {
    return switch (job) {
      case "surveys" -> List.of(Topics.SURVEYS);
      case "service" -> List.of(Topics.INTERACTIONS);
      case "churn" -> List.of(Topics.LIFECYCLE, Topics.SURVEYS, Topics.INTERACTIONS, Topics.FOLLOW_UPS_DONE);
      default -> throw new IllegalArgumentException(job);
    };
  }

  /** The entry class of {@code job}, for {@code flink run -c}. */
  public static String jobClass(String job) {
    return switch (job) {
      case "surveys" -> SurveyKpiJob.class.getName();
      case "service" -> ServiceKpiJob.class.getName();
      case "churn" -> ChurnKpiJob.class.getName();
      default -> throw new IllegalArgumentException(job);
    };
  }

  /** Defines {@code job} with {@code args} on {@code env}, as its main does (local mode). */
  public static void configure(String job, String[] args, StreamExecutionEnvironment env) {
    switch (job) {
      case "surveys" -> SurveyKpiJob.fromArgs(args).configure(env);
      case "service" -> ServiceKpiJob.fromArgs(args).configure(env);
      case "churn" -> ChurnKpiJob.fromArgs(args).configure(env);
      default -> throw new IllegalArgumentException(job);
    }
  }

  /** The command line every fixture and upgrade run uses, so the only difference is the code. */
  public static String[] args(String job, String bootstrap, String influxUrl, String runName) {
    return new String[] {
        "--bootstrap-servers", bootstrap, "--group-id", runName + "-" + job, "--start-from", "EARLIEST",
        "--influx-url", influxUrl, "--influx-db", "cx_" + runName.replace('-', '_'),
        "--checkpoint-interval", "PT1S", "--parallelism", "1", "--stats-interval", "PT1S"};
  }

  public static void writeRecords(List<Record> records, Path file) throws IOException {
    try (OutputStream f = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(new GZIPOutputStream(f))) {
      for (Record r : records) {
        out.writeByte(r.batch());
        out.writeUTF(r.topic());
        out.writeUTF(r.key() == null ? "" : r.key());
        out.writeLong(r.timestamp());
        out.writeInt(r.value().length);
        out.write(r.value());
      }
    }
  }

  public static List<Record> readRecords(InputStream in) throws IOException {
    List<Record> records = new ArrayList<>();
    try (DataInputStream data = new DataInputStream(new GZIPInputStream(in))) {
      while (true) {
        int batch;
        try {
          batch = data.readByte();
        } catch (EOFException end) {
          return records;
        }
        String topic = data.readUTF();
        String key = data.readUTF();
        long ts = data.readLong();
        byte[] value = new byte[data.readInt()];
        data.readFully(value);
        records.add(new Record(batch, topic, key.isEmpty() ? null : key, value, ts));
      }
    }
  }

  /** Publishes the records of batches up to {@code lastBatch}, in their original order. */
  public static void publish(String bootstrap, List<Record> records, int lastBatch) {
    try (KafkaPublisher publisher = new KafkaPublisher(bootstrap)) {
      for (Record r : records) {
        if (r.batch() <= lastBatch) {
          // Stamped with the publish time, as a live producer would: with the historic event time
          // the broker's retention deletes the records before the jobs read them.
          publisher.sendRaw(r.topic(), r.key(), r.value());
        }
      }
      publisher.flush();
      assertThat(publisher.failed()).as("publish failures").isZero();
    }
  }

  /**
   * Deletes the batch-1 records of every topic (partition 0) from {@code kafka}: the log then starts
   * where the savepoints' offsets point, so a run that did not restore its savepoint would read
   * only batch 2 and count and write less, instead of reading batch 1 again and matching a clean
   * run by accident.
   */
  public static void deleteBatchOne(KafkaBroker kafka, List<Record> records) throws Exception {
    Map<TopicPartition, RecordsToDelete> before = new HashMap<>();
    for (Record r : records) {
      if (r.batch() == 1) {
        before.merge(new TopicPartition(r.topic(), 0), RecordsToDelete.beforeOffset(1),
            (a, b) -> RecordsToDelete.beforeOffset(a.beforeOffset() + 1));
      }
    }
    try (Admin admin = Admin.create(kafka.adminProps())) {
      admin.deleteRecords(before).all().get();
    }
  }

  /**
   * Waits until each job's consumer group has committed the end of each of its topics. Offsets
   * are committed when a checkpoint completes, so by then the job's state holds every record.
   */
  public static void awaitConsumed(KafkaBroker kafka, String runName, Collection<String> jobs) {
    try (Admin admin = Admin.create(kafka.adminProps())) {
      Awaitility.await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(500))
          .alias("committed offsets of " + runName + " " + jobs)
          .until(() -> lagging(admin, runName, jobs), List::isEmpty);
    }
  }

  /** Partitions whose committed offset is behind the end, as "topic committed/end". */
  private static List<String> lagging(Admin admin, String runName, Collection<String> jobs) throws Exception {
    List<String> behind = new ArrayList<>();
    for (String job : jobs) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (String topic : topicsOf(job)) {
        latest.put(new TopicPartition(topic, 0), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest).all().get();
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(runName + "-" + job).partitionsToOffsetAndMetadata().get();
      for (var end : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(end.getKey());
        if ((c == null ? 0 : c.offset()) < end.getValue().offset()) {
          behind.add(end.getKey().topic() + " " + (c == null ? "-" : c.offset()) + "/" + end.getValue().offset());
        }
      }
    }
    return behind;
  }
}
