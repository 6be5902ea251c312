package io.cxmonitor.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;

/**
 * {@link PreboundSocketFactoryManager} whose pre-bound sockets listen on 127.0.0.1 instead of the
 * wildcard address.
 *
 * <p>{@code KafkaClusterTestKit} binds the controller listener before it writes the quorum
 * configuration (so the voters' ports are known), and the stock manager binds that socket to
 * {@code 0.0.0.0}/{@code ::}, whatever the {@code listeners} setting says. This subclass keeps its
 * own socket table; the stock factory looks sockets up through the overridden
 * {@link #getSocketForListenerAndMarkAsUsed}, so the broker and controller get these sockets.
 */
final class LoopbackSocketFactoryManager extends PreboundSocketFactoryManager {
  private final Map<Integer, Map<String, ServerSocketChannel>> sockets = new HashMap<>();
  private final Map<Integer, Set<String>> used = new HashMap<>();
  private boolean closed;

  @Override
  public synchronized ServerSocketChannel getSocketForListenerAndMarkAsUsed(int nodeId, String listener) {
    ServerSocketChannel socket = sockets.getOrDefault(nodeId, Map.of()).get(listener);
    if (socket != null) {
      used.computeIfAbsent(nodeId, id -> new HashSet<>()).add(listener);
    }
    return socket;
  }

  @Override
  public synchronized int getOrCreatePortForListener(int nodeId, String listener) throws IOException {
    Map<String, ServerSocketChannel> forNode = sockets.computeIfAbsent(nodeId, id -> new HashMap<>());
    ServerSocketChannel socket = forNode.get(listener);
    if (socket == null) {
      if (closed) {
        throw new IllegalStateException("cannot open a socket for " + listener + ": manager is closed");
      }
      socket = ServerSocketChannel.open();
      try {
        socket.configureBlocking(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      } catch (IOException e) {
        socket.close();
        throw e;
      }
      forNode.put(listener, socket);
    }
    return ((InetSocketAddress) socket.getLocalAddress()).getPort();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      // Sockets handed to a SocketServer are closed by it; the others are ours to close.
      for (Map.Entry<Integer, Map<String, ServerSocketChannel>> node : sockets.entrySet()) {
        Set<String> usedByNode = used.getOrDefault(node.getKey(), Set.of());
        for (Map.Entry<String, ServerSocketChannel> s : node.getValue().entrySet()) {
          if (!usedByNode.contains(s.getKey())) {
            try {
              s.getValue().close();
            } catch (IOException e) {
              // nothing listens on it any more either way
            }
          }
        }
      }
    }
    try {
      super.close(); // marks the stock manager closed; it holds no sockets of its own
    } catch (Exception e) {
      throw new IllegalStateException("closing the socket manager failed: " + e, e);
    }
  }
}
