package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.flink.metrics.BoundPrometheusReporterFactory;
import io.cxmonitor.testkit.FreePorts;
import io.cxmonitor.testkit.ListeningSockets;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.apache.flink.metrics.prometheus.BoundPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.junit.jupiter.api.Test;

/** The cluster's Prometheus reporter factory binds the configured address, on a free port of the configured range. */
class BoundPrometheusReporterTest {
  @Test
  void bindsLoopbackByDefaultAndServesMetrics() throws Exception {
    int port = FreePorts.next();
    BoundPrometheusReporter reporter = create(null, String.valueOf(port));
    try {
      assertThat(ListeningSockets.addressesListeningOn(port)).as("listeners on %d", port).containsExactly("127.0.0.1");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    } finally {
      reporter.close();
    }
    assertThat(ListeningSockets.addressesListeningOn(port)).as("listeners on %d after close", port).isEmpty();
  }

  @Test
  void eachReporterOnOneHostTakesTheNextFreePortOfTheRange() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int busy = taken.getLocalPort();
      List<Integer> free = List.of(FreePorts.next(), FreePorts.next());
      String range = busy + "," + free.get(0) + "," + free.get(1);
      BoundPrometheusReporter first = create("127.0.0.1", range);
      BoundPrometheusReporter second = create("127.0.0.1", range);
      try {
        assertThat(List.of(first.address().getPort(), second.address().getPort())).isEqualTo(free);
        assertThatThrownBy(() -> create("127.0.0.1", range)).hasMessageContaining("at any port of");
      } finally {
        first.close();
        second.close();
      }
    }
  }

  @Test
  void flinkFindsTheFactoryByItsClassName() {
    assertThat(ServiceLoader.load(MetricReporterFactory.class).stream().map(p -> p.type().getName()))
        .contains(BoundPrometheusReporterFactory.class.getName());
  }

  private static BoundPrometheusReporter create(String host, String ports) {
    Properties p = new Properties();
    if (host != null) {
      p.setProperty(BoundPrometheusReporterFactory.ARG_HOST, host);
    }
    p.setProperty(BoundPrometheusReporterFactory.ARG_PORT, ports);
    return new BoundPrometheusReporterFactory().createMetricReporter(p);
  }
}
