package io.cxmonitor.platform.influx;

import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Flink Sink V2 writing {@link KpiPoint}s to InfluxDB through its v1 HTTP API. At-least-once
 * delivery (every checkpoint flushes the buffer before the barrier passes) plus idempotent
 * points gives exactly-once results in InfluxDB.
 */
public final class InfluxSink implements Sink<KpiPoint> {
  private static final long serialVersionUID = 1L;

  private final InfluxSinkOptions options;
  private final String job;
  private final RejectedPoints rejected;

  /** A sink whose refused points are only counted and logged ({@link RejectedPoints#NONE}). */
  public InfluxSink(InfluxSinkOptions options, String job) {
    this(options, job, RejectedPoints.NONE);
  }

  /**
   * @param job value of the {@code job} tag of this sink's own {@code cx_sink} points
   * @param rejected where points the server refuses as malformed go (the dead-letter topic)
   */
  public InfluxSink(InfluxSinkOptions options, String job, RejectedPoints rejected) {
    this.options = options;
    this.job = job;
    this.rejected = rejected;
  }

  @Override
  public SinkWriter<KpiPoint> createWriter(WriterInitContext context) throws IOException {
    return new InfluxSinkWriter(options, job, context.getTaskInfo().getIndexOfThisSubtask(),
        context.getProcessingTimeService(), context.metricGroup(), rejected);
  }
}
