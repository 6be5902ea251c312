package io.cxmonitor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class InfluxServerSecuredITCase {

  @Test
  void servesHttpsWithItsOwnCertificateAndDemandsTheAdminUser() throws Exception {
    try (InfluxServer influx = InfluxServer.start(new InfluxServer.Security("admin", "pw-" + System.nanoTime(), true))) {
      assertThat(influx.url()).isEqualTo("https://127.0.0.1:" + influx.port());
      assertThat(Files.readString(influx.caFile())).startsWith("-----BEGIN CERTIFICATE-----");

      influx.createDatabase("cx");
      influx.write("cx", "kpi,channel=chat n=1i 1700000000000");
      assertThat(influx.query("cx", "SELECT n FROM kpi")).contains("[1700000000000,1]");

      HttpClient plainTrust = HttpClient.newHttpClient();
      assertThatThrownBy(() -> plainTrust.send(HttpRequest.newBuilder(URI.create(influx.url() + "/ping")).build(),
          HttpResponse.BodyHandlers.discarding()))
          .isInstanceOf(SSLHandshakeException.class);

      HttpClient trusting = HttpClient.newBuilder().sslContext(SelfSignedCertificate.trusting(influx.caFile())).build();
      HttpResponse<String> anonymous = trusting.send(HttpRequest.newBuilder(
          URI.create(influx.url() + "/query?db=cx&q=SELECT%20n%20FROM%20kpi")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void refusesAUserWithoutPassword() {
    assertThatThrownBy(() -> new InfluxServer.Security("admin", null, false)).isInstanceOf(IllegalArgumentException.class);
  }
}
