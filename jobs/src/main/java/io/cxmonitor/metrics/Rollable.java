package io.cxmonitor.metrics;

/** An exact aggregate that rolling windows can add to and subtract from. */
public interface Rollable<A> {
  void add(A other);

  void subtract(A other);

  boolean isEmpty();
}
