package io.cxmonitor.platform.kafka;

/**
 * A record a job could not use, with the original bytes and where it came from. Written to the
 * dead-letter topic with the reason in headers, so it can be inspected and replayed.
 */
public final class DeadLetter {
  /** Headers of a dead-letter record. */
  public static final String HEADER_REASON = "cx.reason";
  public static final String HEADER_KIND = "cx.kind";
  public static final String HEADER_JOB = "cx.job";
  public static final String HEADER_TOPIC = "cx.source.topic";
  public static final String HEADER_PARTITION = "cx.source.partition";
  public static final String HEADER_OFFSET = "cx.source.offset";
  public static final String HEADER_TIMESTAMP = "cx.source.timestamp";
  /** Present ("true") when key and value were cut to the dead-letter size limit; the sizes before follow. */
  public static final String HEADER_TRUNCATED = "cx.truncated";
  public static final String HEADER_ORIGINAL_KEY_SIZE = "cx.original.key.size";
  public static final String HEADER_ORIGINAL_VALUE_SIZE = "cx.original.value.size";

  /** Why a record was set aside. */
  public enum Kind {
    /** Not a single-object-encoded record of a known schema version. */
    UNDECODABLE,
    /** Decoded, but a field is missing or out of range. */
    INVALID,
    /** Valid, but its event-time minute was already closed by the watermark. */
    LATE,
    /** A KPI point InfluxDB refused as malformed (HTTP 400): its line protocol, the server's message as reason. */
    REJECTED
  }

  public Kind kind;
  public String reason;
  public String job;
  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public byte[] key;
  public byte[] value;

  public DeadLetter() {}

  public DeadLetter(Kind kind, String reason, String job, RawOrigin origin) {
    this.kind = kind;
    this.reason = reason;
    this.job = job;
    this.topic = origin.topic;
    this.partition = origin.partition;
    this.offset = origin.offset;
    this.timestamp = origin.timestamp;
    this.key = origin.rawKey;
    this.value = origin.rawValue;
  }

  @Override
  public String toString() {
    return "DeadLetter{" + kind + ": " + reason + " @" + topic + "/" + partition + "/" + offset + '}';
  }
}
