package io.cxmonitor.functions;

/**
 * Savepoint format, not a function: the state class below is written into savepoints under the
 * binary name {@code io.cxmonitor.functions.RepeatContactFunction$Contact}, the name it had when {@code io.cxmonitor.service.repeats.RepeatContactFunction} was released
 * inside this class. Flink's POJO serializer resolves state classes by that name, so this holder
 * keeps it; the function itself lives in {@code io.cxmonitor.service.repeats.RepeatContactFunction}. Add fields freely (POJO schema evolution); never
 * rename or move the class (see the README, "Savepoint format").
 */
public final class RepeatContactFunction {
  private RepeatContactFunction() {}

  /** A contact: when, which ticket, on which channel, with its dimensions. */
  public static final class Contact {
    public long at;
    public String ticketId;
    public String channel;
    public String team;
    public String region;
    public String priority;
    public String product;
    /** Added in the repeats release: an anonymous caller's contact (never judged as a repeat). */
    public boolean anonymous;
    /** Added in the repeats release: followed by another contact of the customer within the window. */
    public boolean followed;

    public Contact() {}
  }
}
