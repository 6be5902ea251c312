package io.cxmonitor.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body over its writer's schema without building values, to learn before
 * Avro decodes it where the record ends and whether it can be what it claims: a length prefix
 * that claims more bytes than the record holds (Avro would allocate it: 18 bytes claiming a
 * 1.5 GB string end in {@code OutOfMemoryError} on every restart), a body that ends early, a bad
 * union branch or enum index, bytes left after the record, and enum symbols the reader does not
 * know (Avro reads them as the reader enum's default).
 */
final class BodyWalk {
  /** What the walk found. */
  enum Status {
    /** The body is one whole record; {@link Outcome#end} says where it ends. */
    COMPLETE,
    /** A length prefix claims more than the record holds. */
    OVERSIZED,
    /** The body ends inside a value. */
    TRUNCATED,
    /** An index (union branch, enum symbol) or a varint is out of range. */
    MALFORMED
  }

  /**
   * @param end where the record ends (COMPLETE) or where the walk stopped
   * @param detail for anything but COMPLETE, what was wrong where, fit for a dead-letter reason
   * @param unknownSymbols {@code path = SYMBOL} of every enum symbol the reader does not know
   */
  record Outcome(Status status, int end, String detail, List<String> unknownSymbols) {}

  private static final int MAX_DEPTH = 64;

  private final byte[] bytes;
  private final Map<String, Set<String>> readerEnums;
  private final List<String> unknownSymbols = new ArrayList<>(0);
  private final String root;
  /**
   * The path to the value at each depth, built only for a reason: a record field ({@link
   * Schema.Field}), {@code "[]"} or {@code "<key>"}, or null (a union branch adds nothing).
   */
  private final Object[] segments = new Object[MAX_DEPTH + 2];
  private int pos;

  private BodyWalk(byte[] bytes, int start, String root, Map<String, Set<String>> readerEnums) {
    this.bytes = bytes;
    this.pos = start;
    this.root = root;
    this.readerEnums = readerEnums;
  }

  /** The symbols of every enum in {@code reader}, by full name (for {@link #walk}). */
  static Map<String, Set<String>> enumsOf(Schema reader) {
    Map<String, Set<String>> enums = new HashMap<>();
    collectEnums(reader, enums, new HashSet<>());
    return enums;
  }

  private static void collectEnums(Schema s, Map<String, Set<String>> enums, Set<String> seen) {
    switch (s.getType()) {
      case ENUM -> enums.put(s.getFullName(), Set.copyOf(s.getEnumSymbols()));
      case RECORD -> {
        if (seen.add(s.getFullName())) {
          s.getFields().forEach(f -> collectEnums(f.schema(), enums, seen));
        }
      }
      case UNION -> s.getTypes().forEach(t -> collectEnums(t, enums, seen));
      case ARRAY -> collectEnums(s.getElementType(), enums, seen);
      case MAP -> collectEnums(s.getValueType(), enums, seen);
      default -> { }
    }
  }

  /**
   * Walks the body that starts at {@code start} as {@code writer} wrote it.
   *
   * @param readerEnums the reader's enums ({@link #enumsOf}); an enum of the writer missing from
   *     it is not checked for unknown symbols
   */
  static Outcome walk(Schema writer, byte[] bytes, int start, Map<String, Set<String>> readerEnums) {
    BodyWalk w = new BodyWalk(bytes, start, writer.getName(), readerEnums);
    try {
      w.skip(writer, 0);
      return new Outcome(Status.COMPLETE, w.pos, null, List.copyOf(w.unknownSymbols));
    } catch (Stop e) {
      return new Outcome(e.status, w.pos, e.getMessage(), List.copyOf(w.unknownSymbols));
    }
  }

  /** The path of the value at {@code depth}, e.g. {@code SurveyResponse.comment}: for reasons only, so it is built then. */
  private String path(int depth) {
    StringBuilder path = new StringBuilder(root);
    for (int i = 1; i <= depth; i++) {
      if (segments[i] instanceof Schema.Field f) {
        path.append('.').append(f.name());
      } else if (segments[i] != null) {
        path.append((String) segments[i]);
      }
    }
    return path.toString();
  }

  private void skip(Schema s, int depth) throws Stop {
    if (depth > MAX_DEPTH) {
      throw new Stop(Status.OVERSIZED, path(depth) + " is nested more than " + MAX_DEPTH + " levels deep");
    }
    switch (s.getType()) {
      case NULL -> { }
      case BOOLEAN -> advance(1, depth);
      case INT, LONG -> varLong(depth);
      case ENUM -> enumSymbol(s, depth);
      case FLOAT -> advance(4, depth);
      case DOUBLE -> advance(8, depth);
      case FIXED -> advance(s.getFixedSize(), depth);
      case STRING, BYTES -> advance(claimed(varLong(depth), "bytes", depth), depth);
      case RECORD -> {
        for (Schema.Field f : s.getFields()) {
          segments[depth + 1] = f;
          skip(f.schema(), depth + 1);
        }
      }
      case UNION -> {
        long branch = varLong(depth);
        if (branch < 0 || branch >= s.getTypes().size()) {
          throw new Stop(Status.MALFORMED, path(depth) + " has union branch " + branch + " of " + s.getTypes().size()
              + " at byte " + (pos - 1));
        }
        segments[depth + 1] = null;
        skip(s.getTypes().get((int) branch), depth + 1);
      }
      case ARRAY, MAP -> {
        for (long n = varLong(depth); n != 0; n = varLong(depth)) {
          if (n < 0) { // a block that states its byte size, which must fit too
            n = -n;
            claimed(varLong(depth), "bytes", depth);
          }
          // Every item takes at least a byte in our schemas; Avro sizes its list by this count.
          long items = claimed(n, "items", depth);
          for (long i = 0; i < items; i++) {
            if (s.getType() == Schema.Type.MAP) {
              segments[depth + 1] = "<key>";
              advance(claimed(varLong(depth + 1), "bytes", depth + 1), depth + 1);
              segments[depth + 1] = "[]";
              skip(s.getValueType(), depth + 1);
            } else {
              segments[depth + 1] = "[]";
              skip(s.getElementType(), depth + 1);
            }
          }
        }
      }
      default -> throw new Stop(Status.MALFORMED, path(depth) + " has unsupported type " + s.getType());
    }
  }

  private void enumSymbol(Schema s, int depth) throws Stop {
    long index = varLong(depth);
    List<String> symbols = s.getEnumSymbols();
    if (index < 0 || index >= symbols.size()) {
      throw new Stop(Status.MALFORMED, path(depth) + " has enum index " + index + " but " + s.getName() + " has "
          + symbols.size() + " symbols");
    }
    Set<String> known = readerEnums.get(s.getFullName());
    String symbol = symbols.get((int) index);
    if (known != null && !known.contains(symbol)) {
      unknownSymbols.add(path(depth) + " = " + symbol);
    }
  }

  private long claimed(long n, String unit, int depth) throws Stop {
    int left = bytes.length - pos;
    if (n < 0 || n > left) {
      throw new Stop(Status.OVERSIZED, path(depth) + " claims " + n + " " + unit + " where only " + left + " of the record's "
          + bytes.length + " bytes are left: refused before allocating it");
    }
    return n;
  }

  private void advance(long n, int depth) throws Stop {
    if (n > bytes.length - pos) {
      throw truncated(depth);
    }
    pos += (int) n;
  }

  private Stop truncated(int depth) {
    return new Stop(Status.TRUNCATED, "truncated: the record's " + bytes.length + " bytes end inside " + path(depth));
  }

  /** Avro's zig-zag variable-length long. */
  private long varLong(int depth) throws Stop {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos >= bytes.length) {
        throw truncated(depth);
      }
      int b = bytes[pos++] & 0xff;
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new Stop(Status.MALFORMED, path(depth) + " has a variable-length number longer than 10 bytes");
  }

  private static final class Stop extends Exception {
    private static final long serialVersionUID = 1L;
    private final Status status;

    Stop(Status status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
