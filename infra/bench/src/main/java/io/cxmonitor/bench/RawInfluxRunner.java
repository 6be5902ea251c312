package io.cxmonitor.bench;

import io.cxmonitor.inputs.EventTimeCheck;
import io.cxmonitor.inputs.SurveyValidation;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a team without Flink would do: every raw survey response written to InfluxDB as a point
 * ({@link RawSurveyPoints}), the KPIs left to InfluxQL at query time ({@link DashboardQueries}).
 * Not a Flink job: {@code parallelism} threads, each with a plain {@link KafkaConsumer} on its share
 * of the topic's partitions, read the topic from its start to the end it had when the run began,
 * decode and validate with the jobs' own codec and rules ({@link WireFormat#surveys()},
 * {@link SurveyValidation}), skip (and count) what fails, and write each poll's points as one
 * synchronous batch through influxdb-java's {@code BatchPoints} ({@code /write}, nanosecond
 * precision) — the client's documented way, which such a team would use.
 */
final class RawInfluxRunner implements Runner {
  private static final Logger LOG = LoggerFactory.getLogger(RawInfluxRunner.class);
  /** Points per write request (InfluxDB's documentation recommends 5,000 to 10,000) and records per poll. */
  static final int BATCH = 5_000;

  private final String name;
  private final String topic;
  private final String baseline;

  RawInfluxRunner(String name, String topic, String baseline) {
    this.name = name;
    this.topic = topic;
    this.baseline = baseline;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return "plain KafkaConsumer threads (one per subtask of the others) → the jobs' decoder and validation → one InfluxDB "
        + "point per response, batches of " + BATCH + " via influxdb-java; KPIs by InfluxQL at query time";
  }

  @Override
  public List<String> inputs() {
    return List.of(topic);
  }

  @Override
  public String baseline() {
    return baseline;
  }

  /** Counts of one run, shared by its threads. */
  static final class Counts {
    final AtomicLong handled = new AtomicLong();
    final AtomicLong points = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
  }

  @Override
  public RunResult run(RunContext ctx) throws Exception {
    RunSpec s = ctx.spec();
    String db = ctx.database();
    Counts counts = new Counts();
    try (InfluxDB influx = connect(s.influxUrl())) {
      // every run starts from an empty database, so the fresh and the warmed run do the same work
      influx.query(new Query("DROP DATABASE \"" + db + "\""));
      influx.query(new Query("CREATE DATABASE \"" + db + "\""));
      Measurement.Drain drain;
      try (Measurement m = new Measurement(counts.handled::get, counts.points::get, s.expectedEvents())) {
        write(s.bootstrapServers(), ctx.groupId(), influx, db, s.parallelism(), counts);
        drain = m.finish();
      }
      long end = System.nanoTime();
      if (counts.skipped.get() > 0) {
        LOG.warn("{} ({}): skipped {} undecodable or invalid records", name, ctx.jvm(), counts.skipped.get());
      }
      return new RunResult(name, ctx.jvm(), drain.events(), drain.seconds(), (end - drain.endNanos()) / 1e9,
          drain.events() > 0 ? drain.cpuSeconds() / drain.events() * 1e6 : 0, drain.output(), counts.points.get(), 0, 0, 0,
          0, drain.heapMaxBytes(), drain.gcMillis(), drain.influxdCpuSecondsPerMillion());
    }
  }

  static InfluxDB connect(String url) {
    return InfluxDBFactory.connect(url, new OkHttpClient.Builder().connectTimeout(5, TimeUnit.SECONDS)
        .readTimeout(2, TimeUnit.MINUTES).writeTimeout(2, TimeUnit.MINUTES));
  }

  /**
   * Reads the topic to the end it has now with {@code threads} consumers, each on every
   * {@code threads}-th partition, and writes the points of every poll as one batch.
   */
  void write(String bootstrapServers, String groupId, InfluxDB influx, String db, int threads, Counts counts)
      throws Exception {
    List<TopicPartition> partitions = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> probe = consumer(bootstrapServers, groupId)) {
      for (PartitionInfo p : probe.partitionsFor(topic, Duration.ofMinutes(1))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
    }
    int n = Math.max(1, Math.min(threads, partitions.size()));
    ExecutorService pool = Executors.newFixedThreadPool(n, r -> new Thread(r, name + "-reader"));
    try {
      List<Future<?>> readers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<TopicPartition> mine = new ArrayList<>();
        for (int k = i; k < partitions.size(); k += n) {
          mine.add(partitions.get(k));
        }
        readers.add(pool.submit(() -> {
          read(bootstrapServers, groupId, mine, partitions.size(), influx, db, counts);
          return null;
        }));
      }
      for (Future<?> f : readers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void read(String bootstrapServers, String groupId, List<TopicPartition> partitions, int partitionCount,
      InfluxDB influx, String db, Counts counts) {
    WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, groupId)) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
      end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      while (!end.isEmpty()) {
        List<Point> batch = new ArrayList<>(BATCH);
        int records = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          Long last = end.get(new TopicPartition(r.topic(), r.partition()));
          if (last == null || r.offset() >= last) {
            continue; // written after the run began: not part of it
          }
          records++;
          Point p = point(codec, r, partitionCount);
          if (p == null) {
            counts.skipped.incrementAndGet();
          } else {
            batch.add(p);
          }
        }
        if (!batch.isEmpty()) {
          influx.write(BatchPoints.database(db).precision(TimeUnit.NANOSECONDS).points(batch).build());
        }
        counts.points.addAndGet(batch.size());
        counts.handled.addAndGet(records);
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
  }

  /** The record's point, or null when it does not decode or fails the jobs' validation. */
  static Point point(WireFormat.Codec<SurveyResponse> codec, ConsumerRecord<byte[], byte[]> r, int partitionCount) {
    try {
      SurveyResponse s = codec.decode(r.value(), null);
      if (SurveyValidation.problem(s, System.currentTimeMillis(), EventTimeCheck.DEFAULT) != null) {
        return null;
      }
      return RawSurveyPoints.point(s, (r.offset() * partitionCount + r.partition()) % RawSurveyPoints.NANOS_PER_MILLI);
    } catch (WireFormat.DecodeException e) {
      return null;
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String groupId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(p);
  }
}
