package io.cxmonitor.deploy;

import io.cxmonitor.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/** How far a job's consumer group has read, from the offsets it commits on each checkpoint. */
final class KafkaProgress {
  private KafkaProgress() {}

  /**
   * Waits until {@code group} has committed the end of every partition of {@code topics}: the job's
   * state then holds every record published so far.
   */
  static void awaitConsumed(KafkaBroker kafka, String group, String... topics) throws Exception {
    try (Admin admin = Admin.create(kafka.adminProps())) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(List.of(topics)).allTopicNames().get().forEach((name, description) ->
          description.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
          .alias("offsets committed by " + group)
          .until(() -> lagging(admin, group, latest), List::isEmpty);
    }
  }

  /** Partitions whose committed offset is behind the end, as "topic-partition committed/end". */
  private static List<String> lagging(Admin admin, String group, Map<TopicPartition, OffsetSpec> latest) throws Exception {
    var ends = admin.listOffsets(latest).all().get();
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    List<String> behind = new ArrayList<>();
    for (var end : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(end.getKey());
      if ((c == null ? 0 : c.offset()) < end.getValue().offset()) {
        behind.add(end.getKey() + " " + (c == null ? "-" : c.offset()) + "/" + end.getValue().offset());
      }
    }
    return behind;
  }
}
