package io.cxmonitor.platform.influx;

import java.io.IOException;
import java.io.Serializable;

/**
 * Where the InfluxDB sink sends points the server refused as malformed (HTTP 400: a line it cannot
 * parse, a field type conflict, a time beyond the retention policy), one point at a time with the
 * server's message. Each sink writer opens its own {@link Output}; the sink flushes it before a
 * checkpoint completes, so a refused point is never lost with the offsets moving on.
 */
@FunctionalInterface
public interface RejectedPoints extends Serializable {
  /** Counted and logged only: for tests and tools without a dead-letter topic. */
  RejectedPoints NONE = (job, subtask) -> new Output() {};

  Output open(String job, int subtask) throws IOException;

  /** One sink writer's output of refused points. */
  interface Output extends AutoCloseable {
    /** @param lineProtocol the point as written (millisecond precision) @param serverMessage why it was refused */
    default void rejected(String lineProtocol, long timeMillis, String serverMessage) throws IOException {}

    /** Returns when every point handed over so far is stored, else throws. */
    default void flush() throws IOException {}

    @Override
    default void close() throws IOException {}
  }
}
