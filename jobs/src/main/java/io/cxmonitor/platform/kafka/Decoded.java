package io.cxmonitor.platform.kafka;

/**
 * A consumed record after decoding and validation: either {@link #value} is set, or
 * {@link #failureKind} and {@link #failureReason} say why not. The origin fields are kept either
 * way so any later stage (e.g. the lateness check) can still dead-letter the original bytes.
 */
public final class Decoded<T> extends RawOrigin {
  public T value;
  public DeadLetter.Kind failureKind;
  public String failureReason;
  /** Set by a job that deduplicates: a copy of a record already counted, to be counted as a duplicate only. */
  public boolean duplicate;
  /** {@code Record.field = SYMBOL} of enum symbols the job does not know, read as the enum's default; null almost always. */
  public String unknownSymbols;

  public Decoded() {}

  public boolean ok() {
    return value != null;
  }

  public DeadLetter toDeadLetter(DeadLetter.Kind kind, String reason, String job) {
    return new DeadLetter(kind, reason, job, this);
  }
}
