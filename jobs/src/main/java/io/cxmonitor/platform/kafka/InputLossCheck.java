package io.cxmonitor.platform.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices input that Kafka deleted before the job read it (retention, {@code deleteRecords}), which
 * the consumer otherwise hides by resetting to the new log start.
 *
 * <p>It watches the offsets of the records a source subtask reads. A jump in offsets alone is not
 * loss: transaction markers take an offset, aborted records are skipped and compaction leaves
 * holes. It is loss when the partition's log start offset has moved past the offset the job was
 * to read next: those records existed and are gone. So a jump triggers one look-up of the log
 * start offset, and only a log start beyond the expected offset counts. The first record of a
 * partition is checked the same way against the group's committed offset when the job starts from
 * committed offsets. Lost records are counted (metric {@code cxInputRecordsLost}, offsets skipped,
 * so control records in the hole count too), logged as data loss, and fail a bounded run.
 *
 * <p>A bounded run from committed offsets also checks before it starts ({@link #checkBoundedStart})
 * for partitions with nothing left after the hole. Not seen: a hole before the first record of a
 * job started from EARLIEST or LATEST, or restored from a checkpoint without committed offsets (no
 * expected offset to compare with), and otherwise a hole after a partition's last record (no
 * later record shows it). If retention deletes exactly up to a gap of control records while the
 * job reads at the log start, that gap is counted.
 */
public final class InputLossCheck implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(InputLossCheck.class);
  /** Name of the counter in the source's metric group. */
  public static final String METRIC = "cxInputRecordsLost";

  /** The broker's view of a partition; one instance per look-up, closed after it. */
  public interface Offsets extends AutoCloseable {
    long logStart(TopicPartition partition) throws Exception;

    /** The group's committed offset, or null if it has none. */
    Long committed(String groupId, TopicPartition partition) throws Exception;

    @Override
    void close();
  }

  /** Opens {@link Offsets} on the task (clients are not serializable). */
  @FunctionalInterface
  public interface OffsetsFactory extends Serializable {
    Offsets open();
  }

  private final String groupId;
  private final boolean checkStartAgainstCommitted;
  private final boolean failOnLoss;
  private final OffsetsFactory offsets;
  /** Per partition, the offset expected next (−1 before its first record), in an array so a record updates it in place. */
  private transient Map<TopicPartition, long[]> next;
  /** The partition of the last record and its entry: records come in runs of one partition. */
  private transient String lastTopic;
  private transient int lastPartition;
  private transient long[] lastExpected;
  private transient Counter lost;

  /**
   * @param checkStartAgainstCommitted whether the job starts from the group's committed offsets
   * @param failOnLoss whether loss ends the job (bounded runs) rather than being counted and logged
   */
  public InputLossCheck(String groupId, boolean checkStartAgainstCommitted, boolean failOnLoss, OffsetsFactory offsets) {
    this.groupId = groupId;
    this.checkStartAgainstCommitted = checkStartAgainstCommitted;
    this.failOnLoss = failOnLoss;
    this.offsets = offsets;
  }

  /** A check that asks the brokers at {@code bootstrapServers} (with the source's client properties). */
  public static InputLossCheck onBrokers(String bootstrapServers, Properties clientProperties, String groupId,
      KafkaIo.StartFrom startFrom, boolean bounded) {
    Properties p = new Properties();
    if (clientProperties != null) {
      p.putAll(clientProperties);
    }
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return new InputLossCheck(groupId, startFrom == KafkaIo.StartFrom.COMMITTED, bounded, () -> new AdminOffsets(p));
  }

  /**
   * Before a bounded run from committed offsets: a partition whose commit is behind its log start
   * and that has nothing left to read would end the run at once, with no record to show the hole,
   * so it is reported here. (Where records follow the hole, the first of them reports it.)
   *
   * @throws IllegalStateException naming the lost offsets
   */
  public static void checkBoundedStart(String bootstrapServers, Properties clientProperties, String topic, String groupId) {
    Properties p = new Properties();
    if (clientProperties != null) {
      p.putAll(clientProperties);
    }
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    List<String> holes = new ArrayList<>();
    try (Admin admin = Admin.create(p)) {
      var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (var partition : description.partitions()) {
        TopicPartition tp = new TopicPartition(topic, partition.partition());
        earliest.put(tp, OffsetSpec.earliest());
        latest.put(tp, OffsetSpec.latest());
      }
      var starts = admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
      var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      var commits = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      for (TopicPartition tp : earliest.keySet()) {
        OffsetAndMetadata c = commits.get(tp);
        long logStart = starts.get(tp).offset();
        if (c != null && c.offset() < logStart && logStart >= ends.get(tp).offset()) {
          holes.add(String.format("%s: offsets %d..%d (%,d records) were never read: group '%s' had committed offset %d, "
              + "the log now starts at %d and holds nothing after it", tp, c.offset(), logStart - 1, logStart - c.offset(),
              groupId, c.offset(), logStart));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      LOG.warn("cannot check {} for lost input before the run: {}", topic, e.toString());
      return;
    }
    if (!holes.isEmpty()) {
      String message = "DATA LOSS on " + String.join("; ", holes) + ". Retention or deleteRecords removed them: check the "
          + "topic's retention.ms/retention.bytes, re-publish the lost range, and rerun. A bounded run fails rather than "
          + "report figures from part of its input.";
      LOG.error(message);
      throw new IllegalStateException(message);
    }
  }

  public void open(MetricGroup metrics) {
    next = new HashMap<>();
    lastExpected = null;
    lost = metrics == null ? new SimpleCounter() : metrics.counter(METRIC);
  }

  /** Records lost so far on this subtask. */
  public long lost() {
    return lost == null ? 0 : lost.getCount();
  }

  /** Called for every record, in the order read; throws only when loss must fail the run. */
  public void observe(String topic, int partition, long offset) throws InputLossException {
    if (next == null) {
      open(null);
    }
    long[] entry = lastExpected;
    if (entry == null || partition != lastPartition || !topic.equals(lastTopic)) {
      entry = next.computeIfAbsent(new TopicPartition(topic, partition), tp -> new long[] {-1});
      lastTopic = topic;
      lastPartition = partition;
      lastExpected = entry;
    }
    long expected = entry[0];
    entry[0] = offset + 1;
    if (expected < 0) {
      if (checkStartAgainstCommitted) {
        checkStart(new TopicPartition(topic, partition), offset);
      }
    } else if (offset > expected) {
      TopicPartition tp = new TopicPartition(topic, partition);
      Long logStart = lookUp(tp, o -> o.logStart(tp));
      if (logStart != null && logStart > expected) {
        report(tp, expected, offset, logStart, "the job had read up to offset " + (expected - 1));
      }
    }
  }

  private void checkStart(TopicPartition tp, long offset) throws InputLossException {
    Long committed = lookUp(tp, o -> o.committed(groupId, tp));
    if (committed == null || offset <= committed) {
      return;
    }
    Long logStart = lookUp(tp, o -> o.logStart(tp));
    if (logStart != null && logStart > committed) {
      report(tp, committed, offset, logStart, "group '" + groupId + "' had committed offset " + committed);
    }
  }

  private void report(TopicPartition tp, long from, long to, long logStart, String where) throws InputLossException {
    long n = to - from;
    lost.inc(n);
    String message = String.format("DATA LOSS on %s: offsets %d..%d (up to %,d records) were never read: the log "
        + "start moved to %d, past the offset this job was to read next (%s), and the consumer skipped ahead. "
        + "Retention or deleteRecords removed them: check the topic's retention.ms/retention.bytes and that "
        + "producers stamp records with the publish time (cx-replay does), then re-publish the lost range.",
        tp, from, to - 1, n, logStart, where);
    LOG.error(message);
    if (failOnLoss) {
      throw new InputLossException(message + " A bounded run fails rather than report figures from part of its input.");
    }
  }

  @FunctionalInterface
  private interface LookUp<V> {
    V apply(Offsets offsets) throws Exception;
  }

  private <V> V lookUp(TopicPartition tp, LookUp<V> what) throws InputLossException {
    try (Offsets o = offsets.open()) {
      return what.apply(o);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InputLossException("interrupted while checking " + tp + " for lost input");
    } catch (Exception e) {
      // Cannot tell: better a warning than failing a healthy job because the admin call failed.
      LOG.warn("cannot check {} for lost input: {}", tp, e.toString());
      return null;
    }
  }

  /** {@link Offsets} through a short-lived admin client. */
  private static final class AdminOffsets implements Offsets {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Admin admin;

    AdminOffsets(Properties p) {
      admin = Admin.create(p);
    }

    @Override
    public long logStart(TopicPartition tp) throws Exception {
      return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
    }

    @Override
    public Long committed(String groupId, TopicPartition tp) throws Exception {
      OffsetAndMetadata o = admin.listConsumerGroupOffsets(Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(tp))))
          .partitionsToOffsetAndMetadata(groupId).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(tp);
      return o == null ? null : o.offset();
    }

    @Override
    public void close() {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
