package io.cxmonitor.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Says precisely why a message is or is not a single-object-encoded record the jobs can read:
 * for producers in other languages, whose usual mistakes (another framing, a fingerprint of a
 * differently laid-out canonical form, the fingerprint in the wrong byte order, a body that does
 * not match its schema) all look alike to a job ("unknown fingerprint", "corrupt body").
 */
public final class MessageCheck {
  private static final int HEADER = 10;

  private MessageCheck() {}

  /**
   * @param ok whether a job expecting {@code expected} would decode it
   * @param record the shipped version the header names, or null
   * @param reason what was found, in one sentence
   * @param json the decoded record as JSON (read with the current schema), or null
   */
  public record Verdict(boolean ok, Fingerprints.Shipped record, String reason, String json) {}

  /**
   * Checks {@code value}.
   *
   * @param expected the record type the topic carries ({@code SurveyResponse}), or null for any shipped type
   */
  public static Verdict check(byte[] value, String expected) {
    if (value == null) {
      return bad(null, "empty value (null): a tombstone, or a producer that sent no value");
    }
    if (value.length == 0) {
      return bad(null, "empty value (0 bytes)");
    }
    if (value.length < 2 || value[0] != (byte) 0xC3 || value[1] != 0x01) {
      return bad(null, "wrong marker: the value starts with " + hex(value, Math.min(2, value.length))
          + ", single-object encoding starts with c3 01" + framingHint(value));
    }
    if (value.length < HEADER) {
      return bad(null, "truncated header: " + value.length + " bytes, where the marker and the 8-byte fingerprint take 10");
    }
    long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Fingerprints.Shipped shipped = Fingerprints.find(fingerprint);
    if (shipped == null) {
      return bad(null, unknownFingerprint(fingerprint, expected));
    }
    if (expected != null && !shipped.record().equals(expected)) {
      return bad(shipped, "a " + shipped.label() + " record, not a " + expected + ": a record of another type on this topic");
    }
    Schema reader = WireFormat.currentSchemas().get(shipped.record());
    BodyWalk.Outcome walk = BodyWalk.walk(shipped.schema(), value, HEADER, BodyWalk.enumsOf(reader));
    if (walk.status() != BodyWalk.Status.COMPLETE) {
      return bad(shipped, shipped.label() + " body does not match its schema: " + walk.detail());
    }
    if (walk.end() < value.length) {
      return bad(shipped, (value.length - walk.end()) + " trailing bytes after the " + shipped.label()
          + " record, which ends at byte " + walk.end() + " of " + value.length
          + ": two records in one value, or a body written with another schema than the fingerprint names");
    }
    String json;
    try {
      BinaryDecoder in = DecoderFactory.get().binaryDecoder(value, HEADER, value.length - HEADER, null);
      json = String.valueOf(new GenericDatumReader<Object>(shipped.schema(), reader).read(null, in));
    } catch (Exception e) {
      return bad(shipped, shipped.label() + " body cannot be read: " + e);
    }
    String note = walk.unknownSymbols().isEmpty() ? ""
        : "; enum symbols this job does not know, read as the enum's default: " + String.join(", ", walk.unknownSymbols());
    return new Verdict(true, shipped, "a " + shipped.label() + " record, " + value.length + " bytes" + note, json);
  }

  private static Verdict bad(Fingerprints.Shipped record, String reason) {
    return new Verdict(false, record, reason, null);
  }

  private static String unknownFingerprint(long fingerprint, String expected) {
    String prefix = "unknown fingerprint " + Fingerprints.headerHex(fingerprint).substring(6) + ": ";
    Fingerprints.Shipped swapped = Fingerprints.find(Long.reverseBytes(fingerprint));
    if (swapped != null) {
      return prefix + "it is " + swapped.label() + "'s fingerprint written big-endian; single-object encoding "
          + "writes it little-endian (header " + Fingerprints.headerHex(swapped.fingerprint()) + ")";
    }
    for (Fingerprints.Shipped s : Fingerprints.shipped()) {
      if (expected != null && !s.record().equals(expected)) {
        continue;
      }
      for (Fingerprints.Layout layout : Fingerprints.Layout.values()) {
        if (layout != Fingerprints.Layout.SPECIFICATION
            && Fingerprints.fingerprint(Fingerprints.canonicalForm(s.schema(), layout)) == fingerprint) {
          return prefix + "it is the CRC-64-AVRO of " + s.label() + "'s canonical form " + layout.description()
              + ". The jobs use the form the specification defines: write the header "
              + Fingerprints.headerHex(s.fingerprint()) + " (see `schemas list`)";
        }
      }
    }
    return prefix + "no shipped " + (expected == null ? "schema" : expected + " version")
        + " has it, in any canonical-form layout tried (" + List.of(Fingerprints.Layout.values())
        + "): the producer's schema differs in fields, types, order, names or enum symbols; compare its canonical "
        + "form with `schemas list`";
  }

  /** What the first bytes look like instead. */
  private static String framingHint(byte[] value) {
    if (value[0] == 0 && value.length >= 5) {
      int id = ByteBuffer.wrap(value, 1, 4).getInt();
      return " (this looks like Confluent Schema Registry framing: magic byte 0 and schema id " + id
          + "; the jobs read Avro single-object encoding, no registry)";
    }
    if (value[0] == '{' || value[0] == '[') {
      return " (this looks like JSON text)";
    }
    if (value.length >= 4 && value[0] == 'O' && value[1] == 'b' && value[2] == 'j' && value[3] == 1) {
      return " (this is an Avro object container file; send each record single-object encoded instead)";
    }
    return "";
  }

  private static String hex(byte[] b, int n) {
    return java.util.HexFormat.ofDelimiter(" ").formatHex(b, 0, n);
  }
}
