package io.cxmonitor.platform.influx;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the sink writes. Defaults suit a local InfluxDB 1.x; InfluxDB 2.x/3.x serve the
 * same v1 {@code /write} API (with a DBRP mapping, token as password).
 *
 * @param url             base URL, e.g. {@code http://127.0.0.1:8086}
 * @param database        database (v1) or DBRP-mapped bucket
 * @param username        may be null when auth is off
 * @param password        where the writer reads the password ({@link PasswordSource#NONE} when auth is off):
 *                        a reference, so the password itself is neither serialized into the job graph nor logged
 * @param batchSize       points per write request; reached → written at once
 * @param flushInterval   buffered points are written at least this often
 * @param maxRetryTime    how long a failing write is retried before the job fails (and restarts
 *                        from its last checkpoint, which re-writes the same idempotent points)
 * @param initialBackoff  first retry delay; doubles up to {@code maxBackoff}
 * @param maxBackoff      cap of the retry delay
 * @param statsInterval   how often each writer reports its own counters as a {@code cx_sink} point
 * @param createDatabase  issue {@code CREATE DATABASE} on start (skip for 2.x/3.x or without admin rights)
 * @param caFile          PEM file of the CA certificate(s) an {@code https://} server's certificate must chain to,
 *                        read by the writer; null = the JVM's default trust store
 */
public record InfluxSinkOptions(
    String url,
    String database,
    String username,
    PasswordSource password,
    int batchSize,
    Duration flushInterval,
    Duration maxRetryTime,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration statsInterval,
    boolean createDatabase,
    String caFile)
    implements Serializable {

  public InfluxSinkOptions {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(password, "password (PasswordSource.NONE for none)");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
  }

  /**
   * How often a writer sends what it holds when its batch is not full. Short, so that a provisional point
   * (written every {@code --provisional-interval}) is visible within a second of its events; a writer with
   * nothing buffered sends nothing, and a busy one sends full batches before the timer.
   */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(100);

  public static InfluxSinkOptions defaults(String url, String database) {
    return new InfluxSinkOptions(url, database, null, PasswordSource.NONE, 5_000, DEFAULT_FLUSH_INTERVAL,
        Duration.ofMinutes(2), Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(10), true, null);
  }

  public InfluxSinkOptions withCredentials(String user, PasswordSource pass) {
    return new InfluxSinkOptions(url, database, user, pass, batchSize, flushInterval, maxRetryTime,
        initialBackoff, maxBackoff, statsInterval, createDatabase, caFile);
  }

  public InfluxSinkOptions withRetry(Duration maxRetry, Duration initial, Duration max) {
    return new InfluxSinkOptions(url, database, username, password, batchSize, flushInterval, maxRetry,
        initial, max, statsInterval, createDatabase, caFile);
  }

  public InfluxSinkOptions withBatching(int size, Duration interval) {
    return new InfluxSinkOptions(url, database, username, password, size, interval, maxRetryTime,
        initialBackoff, maxBackoff, statsInterval, createDatabase, caFile);
  }

  public InfluxSinkOptions withCreateDatabase(boolean create) {
    return new InfluxSinkOptions(url, database, username, password, batchSize, flushInterval, maxRetryTime,
        initialBackoff, maxBackoff, statsInterval, create, caFile);
  }

  /** Trusts the CA certificate(s) in this PEM file for {@code https://} URLs (null: the JVM's trust store). */
  public InfluxSinkOptions withCaFile(String pemFile) {
    return new InfluxSinkOptions(url, database, username, password, batchSize, flushInterval, maxRetryTime,
        initialBackoff, maxBackoff, statsInterval, createDatabase, pemFile);
  }

  /** For logs: names where the password comes from, never the password (this object does not hold it). */
  @Override
  public String toString() {
    return "InfluxSinkOptions{url=" + url + ", database=" + database + ", user=" + username + ", password from "
        + password + (caFile == null ? "" : ", CA file " + caFile) + ", batchSize=" + batchSize
        + ", flushInterval=" + flushInterval + ", maxRetryTime=" + maxRetryTime + '}';
  }
}
