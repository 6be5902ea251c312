package io.cxmonitor.functions;

import io.cxmonitor.schemas.FollowUpAction;

/**
 * Savepoint format, not a function: the state class below is written into savepoints under the
 * binary name {@code io.cxmonitor.functions.FollowUpFunction$Action}, the name it had when {@code io.cxmonitor.churn.followups.FollowUpFunction} was released
 * inside this class. Flink's POJO serializer resolves state classes by that name, so this holder
 * keeps it; the function itself lives in {@code io.cxmonitor.churn.followups.FollowUpFunction}. Add fields freely (POJO schema evolution); never
 * rename or move the class (see the README, "Savepoint format").
 */
public final class FollowUpFunction {
  private FollowUpFunction() {}

  /** What the job keeps per action. */
  public static final class Action {
    public long createdAt = Long.MIN_VALUE;
    public long dueAt = Long.MIN_VALUE;
    public long doneAt = Long.MIN_VALUE;
    public String region;
    public String product;
    public FollowUpAction event;

    public Action() {}
  }
}
