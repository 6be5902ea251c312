package io.cxmonitor.platform.influx;

import io.cxmonitor.platform.pipeline.JobMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers points and writes them synchronously: when the batch is full, on a processing-time
 * timer, and on every checkpoint ({@link #flush}). A failing write is retried with exponential
 * backoff for up to {@code maxRetryTime}; then the writer throws, the job restarts from its last
 * checkpoint and the idempotent points are simply written again. A batch the server refuses as
 * malformed (HTTP 400) is split in halves until each refused point is alone; those points go to
 * {@link RejectedPoints} (the dead-letter topic) with the server's message and are counted, the
 * others are written (again: idempotent). Refused credentials or privileges (401, 403) fail the
 * job without restarts ({@link SuppressRestartsException}) before the checkpoint completes, so
 * no point is dropped: they are written after the fix, from the last checkpoint. Tag values are
 * made safe for the line protocol first ({@link TagValues}); each replaced value is counted and
 * logged with its original.
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
  private final RejectedPoints.Output rejected;
  private final List<String> buffer;
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
      MetricGroup metrics, RejectedPoints rejectedPoints) throws IOException {
    this.options = options;
    this.job = job;
    this.subtask = subtask;
    this.time = time;
    this.client = new InfluxWriteClient(options);
    this.rejected = rejectedPoints.open(job, subtask);
    this.buffer = new ArrayList<>(options.batchSize());
    this.pointsOut = metrics.counter("influxPointsWritten");
    this.retriesOut = metrics.counter("influxWriteRetries");
    this.rejectedOut = metrics.counter("influxPointsRejected");
    this.tagValuesReplacedOut = metrics.counter("influxTagValuesReplaced");
    metrics.gauge("influxLastFlushMs", () -> lastFlushMs);
    // The same counters in the jobs' metric group, keyed like cx_sink points (Prometheus label sink=<job>).
    MetricGroup cx = metrics.addGroup(JobMetrics.GROUP).addGroup(JobMetrics.SINK, job);
    cx.counter(JobMetrics.POINTS_WRITTEN, pointsOut);
    cx.counter(JobMetrics.RETRIES, retriesOut);
    cx.counter(JobMetrics.POINTS_REJECTED, rejectedOut);
    if (options.createDatabase()) {
      try {
        withRetry("CREATE DATABASE " + options.database(), () -> {
          client.createDatabase();
          return null;
        });
      } catch (InfluxWriteClient.AccessDeniedException e) {
        close();
        throw permanent(e);
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }
    this.nextStatsAt = time.getCurrentProcessingTime() + options.statsInterval().toMillis();
    scheduleTimer();
    LOG.info("InfluxDB sink subtask {} writing to {}", subtask, options);
  }

  @Override
  public void write(KpiPoint point, Context context) throws IOException {
    buffer.add(LineProtocol.line(point, this::onReplaced));
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
    rejected.flush();
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
    buffer.add(LineProtocol.line(new KpiPoint(InfluxSchema.MEASUREMENT_SINK,
        Map.of(InfluxSchema.TAG_JOB, job, InfluxSchema.TAG_SUBTASK, Integer.toString(subtask)), fields, now),
        this::onReplaced));
  }

  private void flushBuffer() throws IOException {
    if (buffer.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<String> batch = List.copyOf(buffer);
    long rejectedBefore = rejectedTotal;
    try {
      writeOrSplit(batch);
    } catch (InfluxWriteClient.AccessDeniedException e) {
      throw permanent(e);
    }
    if (rejectedTotal > rejectedBefore) {
      LOG.error("InfluxDB refused {} of {} points as malformed; they went to the dead-letter topic with the server's "
          + "message ({} refused so far).", rejectedTotal - rejectedBefore, batch.size(), rejectedTotal);
    }
    buffer.clear();
    lastFlushMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /**
   * Writes the batch; if the server refuses it as malformed, writes each half on its own, down to
   * single points, which are the refused ones. InfluxDB 1.x does not name the points it dropped
   * after parsing (a type conflict says only {@code dropped=N}), and re-writing an accepted point
   * is harmless (same series and time: the same point), so this finds them exactly with about
   * 2·k·log2(n) requests for k refused points among n.
   */
  private void writeOrSplit(List<String> batch) throws IOException {
    try {
      withRetry("write of " + batch.size() + " points", () -> {
        client.write(batch);
        return null;
      });
      pointsTotal += batch.size();
      pointsOut.inc(batch.size());
    } catch (InfluxWriteClient.RejectedWriteException e) {
      if (batch.size() > 1) {
        int half = batch.size() / 2;
        writeOrSplit(batch.subList(0, half));
        writeOrSplit(batch.subList(half, batch.size()));
        return;
      }
      String line = batch.get(0);
      String message = abbreviate(e.getMessage(), MAX_LOGGED_REPLY);
      rejected.rejected(line, LineProtocol.time(line), message);
      rejectedTotal++;
      rejectedOut.inc();
      if (rejectedTotal <= 20 || rejectedTotal % 1_000 == 0) {
        LOG.warn("InfluxDB refused point {}: {}", abbreviate(line, 500), message);
      }
    }
  }

  /** A refusal no retry or restart can cure: the job ends with its reason instead of restarting for ever. */
  private SuppressRestartsException permanent(InfluxWriteClient.AccessDeniedException e) {
    LOG.error("{} The job stops without restarting. No point is lost: restart it from its latest checkpoint after "
        + "the fix and the points since then are written again.", e.getMessage());
    return new SuppressRestartsException(new InfluxWriteClient.AccessDeniedException(e.getMessage() + " The job "
        + "stops; restart it from its latest checkpoint after the fix: no point is lost.", e.status(), e));
  }

  private static final int MAX_LOGGED_REPLY = 4_000;

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

  @Override
  public void close() throws IOException {
    closed = true;
    try {
      client.close();
    } finally {
      rejected.close();
    }
  }
}
