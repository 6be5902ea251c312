package org.apache.flink.metrics.prometheus;

import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter with its HTTP endpoint bound to one address. Flink 2.2.1's own
 * {@link PrometheusReporter} binds the wildcard address ({@code new InetSocketAddress(port)}) and
 * has no host option, so it would expose every metric to the network. This class is in Flink's
 * package only because the reporter's registry is package-private; the metric names, labels and
 * types are Flink's, unchanged. Created by {@link io.cxmonitor.flink.metrics.BoundPrometheusReporterFactory}.
 */
public final class BoundPrometheusReporter extends AbstractPrometheusReporter {
  private final HTTPServer httpServer;
  private final InetSocketAddress address;

  /** Binds the first free port of {@code ports} on {@code host}. */
  public BoundPrometheusReporter(InetAddress host, PortRange ports) {
    HTTPServer server = null;
    InetSocketAddress bound = null;
    IOException last = null;
    for (Iterator<Integer> it = ports.getPortsIterator(); it.hasNext() && server == null; ) {
      InetSocketAddress candidate = new InetSocketAddress(host, it.next());
      try {
        server = new HTTPServer(candidate, registry);
        bound = candidate;
      } catch (IOException e) {
        last = e;
        log.debug("Could not start the Prometheus endpoint on {}.", candidate, e);
      }
    }
    if (server == null) {
      throw new IllegalStateException("Could not start the Prometheus endpoint on " + host.getHostAddress()
          + " at any port of " + ports + " (all in use?); give metrics.reporter.<name>.port a range with a free "
          + "port for every JobManager and TaskManager on this host.", last);
    }
    this.httpServer = server;
    this.address = bound;
    log.info("Prometheus metrics on http://{}:{}/metrics", bound.getAddress().getHostAddress(), bound.getPort());
  }

  /** The address the endpoint listens on. */
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    httpServer.stop();
    super.close();
  }
}
