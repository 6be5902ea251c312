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

  /** @param job value of the {@code job} tag of this sink's own {@code cx_sink} points */
  public InfluxSink(InfluxSinkOptions options, String job) {
    this.options = options;
    this.job = job;
  }

  @Override
  public SinkWriter<KpiPoint> createWriter(WriterInitContext context) throws IOException {
    return new InfluxSinkWriter(options, job, context.getTaskInfo().getIndexOfThisSubtask(),
        context.getProcessingTimeService(), context.metricGroup());
  }
}
