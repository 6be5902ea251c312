package io.cxmonitor.platform.testing;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A point in a test run that an {@link InMemorySource} can hold its next records back for; a
 * {@link CollectingSink} opens it when a matching result arrives. Whether a record is late at an
 * operator fed by several inputs depends on how far the other inputs have got, so such a test
 * waits for proof (e.g. "the minute ending 10:20 was written") instead of hoping or sleeping.
 *
 * <p>The handle is serializable and names shared state in this JVM, where the MiniCluster runs.
 */
public final class Gate implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, State> STATES = new ConcurrentHashMap<>();

  private final String id;
  private final String description;
  private final Duration timeout;

  private static final class State {
    /** Completed when the gate opens or its timeout passes; lets the waiting source run either way. */
    final CompletableFuture<Void> released = new CompletableFuture<>();
    volatile boolean open;
  }

  private Gate(String description, Duration timeout) {
    this.id = UUID.randomUUID().toString();
    this.description = description;
    this.timeout = timeout;
  }

  static Gate create(String description, Duration timeout) {
    Gate gate = new Gate(description, timeout);
    STATES.put(gate.id, new State());
    return gate;
  }

  void open() {
    State s = state();
    s.open = true;
    s.released.complete(null);
  }

  boolean isOpen() {
    return state().open;
  }

  /**
   * Completes when the gate opens, or after the timeout so that a source waiting for a gate that
   * never opens fails the job (see {@link InMemorySource}) instead of hanging the build.
   */
  CompletableFuture<Void> released() {
    return state().released.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  Duration timeout() {
    return timeout;
  }

  void discard() {
    STATES.remove(id);
  }

  private State state() {
    State s = STATES.get(id);
    if (s == null) {
      throw new IllegalStateException("gate '" + description + "' was discarded (its sink was closed)");
    }
    return s;
  }

  @Override
  public String toString() {
    return description;
  }
}
