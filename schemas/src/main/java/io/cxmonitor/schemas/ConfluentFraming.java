package io.cxmonitor.schemas;

import java.nio.ByteBuffer;

/**
 * The Confluent schema registry wire format: magic byte {@code 0x00}, the writer schema's registry
 * id as 4 bytes big-endian, then the Avro binary body ({@link WireFormat.Codec#decodeBody}).
 */
public final class ConfluentFraming {
  public static final byte MAGIC = 0x00;
  /** Bytes before the body: the magic byte and the schema id. */
  public static final int HEADER = 5;

  private ConfluentFraming() {}

  /**
   * The schema id in the header.
   *
   * @throws WireFormat.DecodeException if the value is empty, shorter than the header or does not start with the magic byte
   */
  public static int schemaId(byte[] bytes) throws WireFormat.DecodeException {
    if (bytes == null) {
      throw new WireFormat.DecodeException("empty record value (null): a tombstone or a producer that sent no value", null);
    }
    if (bytes.length == 0) {
      throw new WireFormat.DecodeException("empty record value (0 bytes)", null);
    }
    if (bytes[0] != MAGIC) {
      boolean singleObject = bytes.length >= 2 && bytes[0] == (byte) 0xC3 && bytes[1] == 0x01;
      throw new WireFormat.DecodeException(String.format("not Confluent framing: the first byte is 0x%02X, not the "
          + "magic byte 0x00%s", bytes[0] & 0xff, singleObject
              ? " (C3 01 starts Avro single-object encoding: this topic's producer writes --value-format single-object)"
              : ""), null);
    }
    if (bytes.length < HEADER) {
      throw new WireFormat.DecodeException("Confluent header cut short: " + bytes.length + " bytes, where the magic "
          + "byte and the 4-byte schema id need " + HEADER, null);
    }
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  /** The header for {@code schemaId} followed by {@code body}. */
  public static byte[] frame(int schemaId, byte[] body) {
    return ByteBuffer.allocate(HEADER + body.length).put(MAGIC).putInt(schemaId).put(body).array();
  }
}
