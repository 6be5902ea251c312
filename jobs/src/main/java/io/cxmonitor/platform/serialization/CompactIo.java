package io.cxmonitor.platform.serialization;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Variable-length numbers and strings for the jobs' own Flink serializers: small values in few
 * bytes, and strings without Flink's {@code StringValue} (a thread-local lookup and a call per
 * character). Every reader checks what it reads and says that the data was not written by these
 * writers, never returns garbage.
 */
public final class CompactIo {
  /** Longest string a header can describe: 1 + 2n + 1 stays an int. */
  private static final int MAX_TEXT_LENGTH = (Integer.MAX_VALUE >> 1) - 1;

  /**
   * Tag values that {@link #writeTagValue} writes as one byte (their index + 1): the channels and
   * priorities of the schemas' enums as tag values, and "unknown". Append only: the list is part
   * of every layout that uses it.
   */
  private static final List<String> KNOWN_TAG_VALUES = List.of(
      "phone", "email", "chat", "sms", "zalo_oa", "social", "app", "web", "store", "other",
      "low", "normal", "high", "urgent", "unknown");

  private CompactIo() {}

  /** A nullable tag value: one byte if it is one of {@link #KNOWN_TAG_VALUES}, else 0 and the text. */
  public static void writeTagValue(DataOutputView out, String value) throws IOException {
    int known = value == null ? -1 : KNOWN_TAG_VALUES.indexOf(value);
    out.writeByte(known + 1);
    if (known < 0) {
      writeText(out, value);
    }
  }

  /** Reads what {@link #writeTagValue} wrote. */
  public static String readTagValue(DataInputView in) throws IOException {
    int code = in.readUnsignedByte();
    if (code == 0) {
      return readText(in);
    }
    if (code > KNOWN_TAG_VALUES.size()) {
      throw new IOException("tag value code " + code + " is not one of this release's " + KNOWN_TAG_VALUES.size()
          + ": the data was written by a newer release");
    }
    return KNOWN_TAG_VALUES.get(code - 1);
  }

  /** 7 bits a byte, low bits first, the high bit set on every byte but the last; {@code value} ≥ 0. */
  public static void writeVarInt(DataOutputView out, int value) throws IOException {
    while ((value & ~0x7F) != 0) {
      out.writeByte(value & 0x7F | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  /** Reads what {@link #writeVarInt} wrote: a non-negative int. */
  public static int readVarInt(DataInputView in) throws IOException {
    int value = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (value < 0) {
          break;
        }
        return value;
      }
    }
    throw new IOException("a variable-length int that no writer of this layout writes: the data was not written by it");
  }

  /** Any long, zigzag-encoded so that small negative values are short too (1 byte for −64…63). */
  public static void writeVarLong(DataOutputView out, long value) throws IOException {
    long v = (value << 1) ^ (value >> 63);
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  /** Reads what {@link #writeVarLong} wrote. */
  public static long readVarLong(DataInputView in) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (v >>> 1) ^ -(v & 1);
      }
    }
    throw new IOException("a variable-length long of more than 10 bytes: the data was not written by this layout's writer");
  }

  /**
   * A nullable string: a variable-length header (0 for null, else 1 + length × 2 + 1 if any
   * character is beyond Latin-1) and its bytes, or its UTF-16 chars. Names, ids and tag values are
   * mostly ASCII: one byte a character.
   */
  public static void writeText(DataOutputView out, String s) throws IOException {
    if (s == null) {
      out.writeByte(0);
      return;
    }
    int n = s.length();
    if (n > MAX_TEXT_LENGTH) {
      throw new IOException("a string of " + n + " characters is too long to serialise");
    }
    boolean wide = false;
    for (int i = 0; i < n && !wide; i++) {
      wide = s.charAt(i) > 0xFF;
    }
    writeVarInt(out, 1 + (n << 1 | (wide ? 1 : 0)));
    if (wide) {
      for (int i = 0; i < n; i++) {
        out.writeChar(s.charAt(i));
      }
    } else {
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  /** Reads what {@link #writeText} wrote. */
  public static String readText(DataInputView in) throws IOException {
    int header = readVarInt(in);
    if (header == 0) {
      return null;
    }
    int n = (header - 1) >>> 1;
    if (((header - 1) & 1) == 0) {
      byte[] latin1 = new byte[n];
      in.readFully(latin1);
      return new String(latin1, StandardCharsets.ISO_8859_1);
    }
    char[] chars = new char[n];
    for (int i = 0; i < n; i++) {
      chars[i] = in.readChar();
    }
    return new String(chars);
  }

  /** Copies one string that {@link #writeText} wrote, without decoding it. */
  public static void copyText(DataInputView in, DataOutputView out) throws IOException {
    int header = readVarInt(in);
    writeVarInt(out, header);
    if (header != 0) {
      int n = (header - 1) >>> 1;
      out.write(in, ((header - 1) & 1) == 0 ? n : 2 * n);
    }
  }
}
