package io.cxmonitor.platform.windows;

/** An exact aggregate that rolling windows can add to and subtract from. */
public interface Rollable<A> {
  void add(A other);

  void subtract(A other);

  boolean isEmpty();

  /** Brings serialised fields up to date before Flink state or the network may copy the object. */
  default void prepareForStorage() {}
}
