package io.cxmonitor.platform.kafka;

/** The Kafka coordinates and bytes of a consumed record, kept so a record can be dead-lettered as it came. */
public class RawOrigin {
  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public byte[] rawKey;
  public byte[] rawValue;

  public RawOrigin() {}
}
