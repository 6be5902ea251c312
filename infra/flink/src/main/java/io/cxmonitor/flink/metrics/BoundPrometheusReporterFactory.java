package io.cxmonitor.flink.metrics;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Properties;
import org.apache.flink.metrics.prometheus.BoundPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * {@code metrics.reporter.<name>.factory.class} of the cluster's Prometheus endpoint: Flink's
 * Prometheus reporter bound to {@code metrics.reporter.<name>.host} (default {@value #DEFAULT_HOST},
 * where Flink's own binds every interface) on the first free port of
 * {@code metrics.reporter.<name>.port} (a port or a range such as {@code 9250-9259}, so several
 * TaskManagers on one host each get one; default {@value #DEFAULT_PORT}).
 */
public final class BoundPrometheusReporterFactory implements MetricReporterFactory {
  public static final String ARG_HOST = "host";
  public static final String ARG_PORT = "port";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_PORT = "9249";

  @Override
  public BoundPrometheusReporter createMetricReporter(Properties properties) {
    String host = properties.getProperty(ARG_HOST, DEFAULT_HOST).trim();
    try {
      return new BoundPrometheusReporter(InetAddress.getByName(host),
          new PortRange(properties.getProperty(ARG_PORT, DEFAULT_PORT)));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("metrics.reporter.<name>.host '" + host + "' is not an address of this "
          + "host: " + e.getMessage(), e);
    }
  }
}
