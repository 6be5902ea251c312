package io.cxmonitor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfluxServerITCase {

  @Test
  void writesAndQueriesPoints() throws Exception {
    try (InfluxServer influx = InfluxServer.start()) {
      influx.createDatabase("cx");
      influx.createDatabase("cx"); // exists: no error
      influx.write("cx", "kpi,channel=CHAT nps=42.5,n=10i 1700000000000\n"
          + "kpi,channel=EMAIL nps=-3,n=7i 1700000060000");
      String json = influx.query("cx", "SELECT nps, n FROM kpi WHERE channel = 'CHAT'");
      assertThat(json).contains("\"columns\":[\"time\",\"nps\",\"n\"]").contains("[1700000000000,42.5,10]");
      assertThat(influx.query("cx", "SELECT nps, n FROM kpi WHERE channel = 'EMAIL'"))
          .contains("[1700000060000,-3,7]");
      assertThat(influx.query("cx", "SELECT count(nps) FROM kpi")).contains("[0,2]");
      assertThat(influx.query("no_such_db", "SELECT * FROM kpi")).contains("\"error\":\"database not found: no_such_db\"");
      assertThatThrownBy(() -> influx.query("cx", "SELECT nope FROM"))
          .isInstanceOf(IOException.class).hasMessageContaining("HTTP 400").hasMessageContaining("error parsing query");
    }
  }

  @Test
  void twoServersRunSideBySideOnLoopbackOnly() throws Exception {
    CompletableFuture<InfluxServer> first = CompletableFuture.supplyAsync(InfluxServerITCase::startUnchecked);
    CompletableFuture<InfluxServer> second = CompletableFuture.supplyAsync(InfluxServerITCase::startUnchecked);
    Path dirA;
    try (InfluxServer a = first.join(); InfluxServer b = second.join()) {
      dirA = a.directory();
      assertThat(a.url()).isEqualTo("http://127.0.0.1:" + a.port());
      assertThat(b.port()).isNotEqualTo(a.port());
      assertThat(List.of(a.rpcPort(), b.rpcPort())).doesNotContain(a.port(), b.port()).doesNotHaveDuplicates();

      a.createDatabase("only_a");
      assertThat(a.query(null, "SHOW DATABASES")).contains("[\"only_a\"]");
      assertThat(b.query("", "SHOW DATABASES")).doesNotContain("only_a");

      if (ListeningSockets.available()) {
        for (InfluxServer s : List.of(a, b)) {
          assertThat(ListeningSockets.addressesListeningOn(s.port())).as("http %s", s).containsExactly("127.0.0.1");
          assertThat(ListeningSockets.addressesListeningOn(s.rpcPort())).as("rpc %s", s).containsExactly("127.0.0.1");
        }
      }
    }
    assertThat(dirA).doesNotExist();
  }

  @Test
  void closeStopsTheProcessAndFreesThePort() throws Exception {
    InfluxServer influx = InfluxServer.start();
    int port = influx.port();
    influx.close();
    influx.close(); // idempotent
    assertThat(influx.directory()).doesNotExist();
    assumeTrue(ListeningSockets.available());
    assertThat(ListeningSockets.addressesListeningOn(port)).isEmpty();
  }

  @Test
  void restartsOnTheSamePortWithTheSameData() throws Exception {
    try (InfluxServer influx = InfluxServer.start()) {
      influx.createDatabase("cx");
      influx.write("cx", "kpi,channel=CHAT nps=42.5 1700000000000");
      int port = influx.port();

      influx.stop();
      assertThat(influx.isRunning()).isFalse();
      assertThatThrownBy(() -> influx.query("cx", "SELECT nps FROM kpi")).isInstanceOf(IOException.class);

      influx.restart();
      assertThat(influx.isRunning()).isTrue();
      assertThat(influx.port()).isEqualTo(port);
      assertThat(influx.query("cx", "SELECT nps FROM kpi")).contains("[1700000000000,42.5]");
    }
  }

  @Test
  void missingBinaryIsExplained(@TempDir Path empty) {
    assertThatThrownBy(() -> InfluxServer.findBinary(Map.of("PATH", empty.toString()), List.of(empty)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sudo apt-get install -y influxdb")
        .hasMessageContaining(InfluxServer.BINARY_ENV);
    assertThatThrownBy(() -> InfluxServer.findBinary(Map.of(InfluxServer.BINARY_ENV, empty.resolve("nope").toString()),
        List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not an executable file");
  }

  @Test
  void binaryIsFoundOnThePath(@TempDir Path bin) throws Exception {
    Path fake = Files.createFile(bin.resolve("influxd"));
    fake.toFile().setExecutable(true);
    assertThat(InfluxServer.findBinary(Map.of("PATH", "/nonexistent:" + bin), List.of())).isEqualTo(fake);
  }

  @Test
  void aTakenPortIsReportedAsSuchWithTheLog() throws Exception {
    Path binary = InfluxServer.findBinary(System.getenv(), List.of(Path.of("/usr/bin"), Path.of("/usr/sbin")));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> InfluxServer.startOnce(binary, taken.getLocalPort(), FreePorts.next()))
          .isInstanceOf(InfluxServer.PortTakenException.class)
          .hasMessageContaining("influxd exited with code")
          .hasMessageContaining("address already in use");
    }
  }

  @Test
  void aDyingProcessIsReportedWithTheTailOfItsLog(@TempDir Path bin) throws Exception {
    Path fake = bin.resolve("influxd");
    StringBuilder script = new StringBuilder("#!/bin/sh\n");
    for (int i = 1; i <= 60; i++) {
      script.append("echo line").append(i).append('\n');
    }
    script.append("exit 3\n");
    Files.writeString(fake, script);
    fake.toFile().setExecutable(true);
    assertThatThrownBy(() -> InfluxServer.startOnce(fake, FreePorts.next(), FreePorts.next()))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(InfluxServer.PortTakenException.class)
        .hasMessageContaining("influxd exited with code 3")
        .hasMessageContaining("line21\n").hasMessageEndingWith("line60")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("line20\n"));
  }

  private static InfluxServer startUnchecked() {
    try {
      return InfluxServer.start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
