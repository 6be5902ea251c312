package io.cxmonitor.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic as the CLIs need it: every partition from the beginning up to the end offsets
 * of the moment the scan starts, without a consumer group (nothing committed, nothing to clean up).
 */
public final class TopicScan {
  private TopicScan() {}

  /**
   * The records of {@code topic} that {@code keep} accepts, at most {@code limit}, partition by
   * partition in offset order.
   *
   * @param extra client properties (security settings), may be empty
   */
  public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrapServers, Properties extra, String topic,
      int limit, Predicate<ConsumerRecord<byte[], byte[]>> keep) {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist on " + bootstrapServers);
      }
      for (PartitionInfo info : infos) {
        TopicPartition tp = new TopicPartition(topic, info.partition());
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        Map<TopicPartition, Long> end = consumer.endOffsets(List.of(tp));
        while (out.size() < limit && consumer.position(tp) < end.get(tp)) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.offset() < end.get(tp) && out.size() < limit && keep.test(r)) {
              out.add(r);
            }
          }
        }
      }
    }
    return out;
  }
}
