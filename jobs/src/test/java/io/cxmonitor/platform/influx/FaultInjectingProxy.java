package io.cxmonitor.platform.influx;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a real influxd that answers the next {@code /write} requests with
 * scripted error statuses (e.g. 503, 429), or holds them for a while before forwarding them
 * (a slow server), and forwards everything else unchanged. It simulates an overloaded or
 * restarting server; the data always ends up in the real one. Requests are handled one at a time.
 */
public final class FaultInjectingProxy implements AutoCloseable {
  private final HttpServer server;
  private final String target;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Deque<Integer> faults = new ArrayDeque<>();
  final AtomicInteger writeRequests = new AtomicInteger();
  final AtomicInteger injected = new AtomicInteger();
  private final AtomicInteger delayed = new AtomicInteger();
  private volatile int writesToDelay;
  private volatile Duration writeDelay = Duration.ZERO;

  public FaultInjectingProxy(String targetUrl) throws IOException {
    this.target = targetUrl;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized void failNextWrites(int... statuses) {
    for (int s : statuses) {
      faults.add(s);
    }
  }

  /** Holds each of the next {@code count} write requests for {@code delay} before forwarding it. */
  public synchronized void delayNextWrites(int count, Duration delay) {
    writeDelay = delay;
    writesToDelay = count;
  }

  /** How many write requests were held back so far. */
  public int delayedWrites() {
    return delayed.get();
  }

  private synchronized boolean takeDelay() {
    if (writesToDelay <= 0) {
      return false;
    }
    writesToDelay--;
    return true;
  }

  private synchronized Integer nextFault() {
    return faults.poll();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    if (ex.getRequestURI().getPath().equals("/write")) {
      writeRequests.incrementAndGet();
      Integer fault = nextFault();
      if (fault != null) {
        injected.incrementAndGet();
        respond(ex, fault, ("{\"error\":\"injected fault " + fault + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return;
      }
      if (takeDelay()) {
        delayed.incrementAndGet();
        try {
          Thread.sleep(writeDelay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    try {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
          .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      if (type != null) {
        req.header("Content-Type", type);
      }
      HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      resp.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
      respond(ex, resp.statusCode(), resp.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      respond(ex, 502, new byte[0]);
    }
  }

  private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
    if (status == 204) {
      ex.sendResponseHeaders(204, -1);
    } else {
      ex.getResponseHeaders().putIfAbsent("Content-Type", java.util.List.of("application/json"));
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
