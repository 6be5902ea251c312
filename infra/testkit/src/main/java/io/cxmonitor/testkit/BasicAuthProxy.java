package io.cxmonitor.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP reverse proxy on a free loopback port that requires HTTP basic authentication with one
 * user and password and forwards authenticated requests to a server behind it — in tests, a
 * {@link SchemaRegistry}: Apicurio Registry 2.6 cannot require basic authentication by itself (its
 * "basic auth" exchanges the user and password for a token at an OpenID Connect server such as
 * Keycloak, and its build has no embedded user store), so a registry that checks credentials the
 * way a Confluent Schema Registry with {@code authentication.method=BASIC} does is this proxy in
 * front of the real one.
 *
 * <p>Requests without an {@code Authorization} header, or with other credentials, are answered
 * {@code 401} with a {@code WWW-Authenticate: Basic} challenge and a Confluent-style JSON error,
 * and counted ({@link #refused()}).
 */
public final class BasicAuthProxy implements AutoCloseable {
  /** Headers that belong to one hop, not forwarded. */
  private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "host", "authorization",
      "transfer-encoding", "upgrade", "keep-alive", "expect", "te", "trailer", "proxy-authorization");

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI target;
  private final byte[] expected;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicInteger refused = new AtomicInteger();

  private BasicAuthProxy(HttpServer server, ExecutorService executor, URI target, String user, String password) {
    this.server = server;
    this.executor = executor;
    this.target = target;
    this.expected = ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Starts a proxy to {@code target} (scheme, host and port; the request's path and query are
   * appended) on a free loopback port.
   */
  public static BasicAuthProxy start(String target, String user, String password) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "basic-auth-proxy");
      t.setDaemon(true);
      return t;
    });
    URI base = URI.create(target);
    BasicAuthProxy proxy = new BasicAuthProxy(server, executor,
        URI.create(base.getScheme() + "://" + base.getRawAuthority()), user, password);
    server.createContext("/", proxy::handle);
    server.setExecutor(executor);
    server.start();
    return proxy;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  /**
   * {@code upstreamUrl} (a URL of the server behind the proxy, e.g. the registry's Confluent API) as
   * reached through the proxy: the same path on the proxy's address.
   */
  public String through(String upstreamUrl) {
    URI u = URI.create(upstreamUrl);
    return url() + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  /** How many requests were refused for missing or wrong credentials. */
  public int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8), expected)) {
        refused.incrementAndGet();
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"schema-registry\"");
        reply(exchange, 401, "application/json",
            "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getRawPath()
              + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())))
          .timeout(Duration.ofSeconds(30))
          .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
          values.forEach(v -> forward.header(name, v));
        }
      });
      HttpResponse<byte[]> r;
      try {
        r = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        reply(exchange, 502, "text/plain", ("upstream " + target + " unreachable: " + e).getBytes(StandardCharsets.UTF_8));
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reply(exchange, 503, "text/plain", new byte[0]);
        return;
      }
      reply(exchange, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
    }
  }

  private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    if (contentType != null) {
      exchange.getResponseHeaders().put("Content-Type", List.of(contentType));
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
