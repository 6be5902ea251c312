package io.cxmonitor.platform.influx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.influxdb.dto.Point;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers points and writes them synchronously: when the batch is full, on a processing-time
 * timer, and on every checkpoint ({@link #flush}). A failing write is retried with exponential
 * backoff for up to {@code maxRetryTime}; then the writer throws, the job restarts from its last
 * checkpoint and the idempotent points are simply written again. Points the server rejects for
 * good (HTTP 4xx other than 429) are counted from the server's reply and logged with it, not
 * retried forever; there is no dead-letter output for them. Tag values are made safe for the line
 * protocol first ({@link TagValues}); each replaced value is counted and logged with its original.
 *
 * <p>All methods run on the task's mailbox thread, including timer callbacks, so no locking.
 */
final class InfluxSinkWriter implements SinkWriter<KpiPoint> {
  private static final Logger LOG = LoggerFactory.getLogger(InfluxSinkWriter.class);

  private final InfluxSinkOptions options;
  private final String job;
  private final int subtask;
  private final ProcessingTimeService time;
  private final InfluxWriteClient client;
  private final List<Point> buffer;
  private final Counter pointsOut;
  private final Counter retriesOut;
  private final Counter rejectedOut;
  private final Counter tagValuesReplacedOut;

  private long pointsTotal;
  private long retriesTotal;
  private long rejectedTotal;
  private long tagValuesReplaced;
  private long lastFlushMs;
  private long nextStatsAt;
  private boolean closed;

  InfluxSinkWriter(InfluxSinkOptions options, String job, int subtask, ProcessingTimeService time,
      MetricGroup metrics) throws IOException {
    this.options = options;
    this.job = job;
    this.subtask = subtask;
    this.time = time;
    this.client = new InfluxWriteClient(options);
    this.buffer = new ArrayList<>(options.batchSize());
    this.pointsOut = metrics.counter("influxPointsWritten");
    this.retriesOut = metrics.counter("influxWriteRetries");
    this.rejectedOut = metrics.counter("influxPointsRejected");
    this.tagValuesReplacedOut = metrics.counter("influxTagValuesReplaced");
    metrics.gauge("influxLastFlushMs", () -> lastFlushMs);
    if (options.createDatabase()) {
      try {
        withRetry("CREATE DATABASE " + options.database(), () -> {
          client.createDatabase();
          return null;
        });
      } catch (IOException | RuntimeException e) {
        client.close();
        throw e;
      }
    }
    this.nextStatsAt = time.getCurrentProcessingTime() + options.statsInterval().toMillis();
    scheduleTimer();
    LOG.info("InfluxDB sink subtask {} writing to {}", subtask, options);
  }

  @Override
  public void write(KpiPoint point, Context context) throws IOException {
    buffer.add(toPoint(point, this::onReplaced));
    if (buffer.size() >= options.batchSize()) {
      flushBuffer();
    }
  }

  @Override
  public void flush(boolean endOfInput) throws IOException {
    if (endOfInput) {
      addStatsPoint(time.getCurrentProcessingTime());
    }
    flushBuffer();
  }

  private void scheduleTimer() {
    time.registerTimer(time.getCurrentProcessingTime() + options.flushInterval().toMillis(), this::onTimer);
  }

  private void onTimer(long now) throws IOException {
    if (closed) {
      return;
    }
    if (now >= nextStatsAt) {
      addStatsPoint(now);
      nextStatsAt = now + options.statsInterval().toMillis();
    }
    flushBuffer();
    scheduleTimer();
  }

  private void addStatsPoint(long now) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(InfluxSchema.FIELD_POINTS_TOTAL, pointsTotal);
    fields.put(InfluxSchema.FIELD_RETRIES_TOTAL, retriesTotal);
    fields.put(InfluxSchema.FIELD_REJECTED_TOTAL, rejectedTotal);
    fields.put(InfluxSchema.FIELD_LAST_FLUSH_MS, lastFlushMs);
    buffer.add(toPoint(new KpiPoint(InfluxSchema.MEASUREMENT_SINK,
        Map.of(InfluxSchema.TAG_JOB, job, InfluxSchema.TAG_SUBTASK, Integer.toString(subtask)), fields, now),
        this::onReplaced));
  }

  private void flushBuffer() throws IOException {
    if (buffer.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<Point> batch = List.copyOf(buffer);
    try {
      withRetry("write of " + batch.size() + " points", () -> {
        client.write(batch);
        return null;
      });
      pointsTotal += batch.size();
      pointsOut.inc(batch.size());
    } catch (InfluxWriteClient.RejectedWriteException e) {
      long rejected = rejectedCount(e.getMessage(), batch.size());
      rejectedTotal += rejected;
      rejectedOut.inc(rejected);
      pointsTotal += batch.size() - rejected;
      pointsOut.inc(batch.size() - rejected);
      LOG.error("InfluxDB rejected {} of {} points for good; they are dropped (no dead-letter output for the sink)."
          + " The server said: {}", rejected, batch.size(), abbreviate(e.getMessage(), MAX_LOGGED_REPLY));
    }
    buffer.clear();
    lastFlushMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static final int MAX_LOGGED_REPLY = 4_000;
  private static final Pattern DROPPED = Pattern.compile("dropped=(\\d+)\\s*$");
  private static final String UNPARSABLE = "unable to parse '";

  /**
   * How many points of a refused batch the server really dropped. InfluxDB 1.x names each line it
   * could not parse ({@code unable to parse '<line>': <reason>}, one per line of its message) and
   * ends a partial write with {@code dropped=N} for points refused after parsing (type conflict,
   * beyond retention); for parse failures that N is 0, so both are added. A reply naming neither
   * (authorization, unknown) loses the whole batch. Never 0: the server refused something.
   * Limitation: when a batch has both kinds, InfluxDB 1.x reports only the {@code dropped=N} of the
   * second kind, so parse failures in it are not seen (points from {@link TagValues#safe} with
   * numeric fields do not fail to parse).
   */
  static long rejectedCount(String message, int batchSize) {
    if (message == null) {
      return batchSize;
    }
    long unparsable = message.lines().filter(line -> line.contains(UNPARSABLE)).count();
    Matcher dropped = DROPPED.matcher(message);
    long refused = dropped.find() ? Long.parseLong(dropped.group(1)) : 0;
    long rejected = unparsable + refused;
    return rejected <= 0 ? batchSize : Math.min(batchSize, rejected);
  }

  private static String abbreviate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "… (" + (s.length() - max) + " more characters)";
  }

  private void onReplaced(String original, String safe) {
    tagValuesReplaced++;
    tagValuesReplacedOut.inc();
    if (tagValuesReplaced <= 20 || tagValuesReplaced % 1_000 == 0) {
      LOG.warn("InfluxDB line protocol cannot carry {}: written as {} (control characters and a trailing backslash"
          + " become U+FFFD; {} values replaced so far)", TagValues.visible(original), TagValues.visible(safe),
          tagValuesReplaced);
    }
  }

  private interface Action<T> {
    T run() throws IOException;
  }

  private <T> T withRetry(String what, Action<T> action) throws IOException {
    long deadline = System.nanoTime() + options.maxRetryTime().toNanos();
    long backoff = options.initialBackoff().toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return action.run();
      } catch (InfluxWriteClient.RetryableWriteException e) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) > deadline) {
          throw new IOException("InfluxDB " + what + " still failing after " + attempt
              + " attempts over " + options.maxRetryTime() + " (" + options.url() + "): " + e.getMessage()
              + ". Check that InfluxDB is up and reachable; the job restarts from its last checkpoint.", e);
        }
        retriesTotal++;
        retriesOut.inc();
        LOG.warn("InfluxDB {} failed (attempt {}), retrying in {} ms: {}", what, attempt, backoff, e.getMessage());
        sleep(backoff);
        if (e.getMessage() != null && e.getMessage().startsWith("database not found") && options.createDatabase()) {
          try {
            client.createDatabase();
          } catch (IOException createFailed) {
            LOG.warn("CREATE DATABASE {} failed: {}", options.database(), createFailed.getMessage());
          }
        }
        backoff = Math.min(backoff * 2, options.maxBackoff().toMillis());
      }
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to retry an InfluxDB write", e);
    }
  }

  /**
   * The client's point, with the measurement, tag keys and tag values made safe; {@code onReplaced}
   * hears (original, written) for each of them that changed.
   */
  static Point toPoint(KpiPoint p, BiConsumer<String, String> onReplaced) {
    Point.Builder b = Point.measurement(safe(p.measurement(), onReplaced)).time(p.timeMillis(), TimeUnit.MILLISECONDS);
    for (Map.Entry<String, String> tag : p.tags().entrySet()) {
      b.tag(safe(tag.getKey(), onReplaced), safe(tag.getValue(), onReplaced));
    }
    for (Map.Entry<String, Object> f : p.fields().entrySet()) {
      if (f.getValue() instanceof Long l) {
        b.addField(f.getKey(), l.longValue());
      } else {
        b.addField(f.getKey(), ((Double) f.getValue()).doubleValue());
      }
    }
    return b.build();
  }

  private static String safe(String s, BiConsumer<String, String> onReplaced) {
    String safe = TagValues.safe(s);
    if (!safe.equals(s)) {
      onReplaced.accept(s, safe);
    }
    return safe;
  }

  @Override
  public void close() throws Exception {
    closed = true;
    client.close();
  }
}
