package io.cxmonitor.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InfluxServerITCase {

  @Test
  void startsOnLoopbackWritesQueriesAndStops() throws Exception {
    try (InfluxServer a = InfluxServer.start(); InfluxServer b = InfluxServer.start()) {
      assertThat(a.url()).startsWith("http://127.0.0.1:");
      assertThat(a.port()).isNotEqualTo(b.port());
      a.createDatabase("t");
      a.write("t", "m,k=x v=1.5 1000\nm,k=y v=2 2000");
      String json = a.query("t", "SELECT v FROM m");
      assertThat(json).contains("[1000,1.5]").contains("[2000,2]");
      assertThat(b.query("", "SHOW DATABASES")).doesNotContain("[\"t\"]");
      assertThat(a.query("", "SHOW DATABASES")).contains("[\"t\"]");
    }
  }
}
