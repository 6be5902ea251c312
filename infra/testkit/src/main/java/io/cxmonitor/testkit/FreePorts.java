package io.cxmonitor.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on the loopback interface.
 *
 * <p>A port returned here was free a moment ago; another process may take it before the caller
 * binds it. Callers that start a server on it should retry with a new port when the bind fails.
 */
public final class FreePorts {
  private FreePorts() {}

  /**
   * Returns a TCP port that is currently free on 127.0.0.1.
   *
   * @throws UncheckedIOException if the operating system hands out no port
   */
  public static int next() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port on 127.0.0.1: " + e.getMessage(), e);
    }
  }
}
