package io.cxmonitor.platform.startup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.influx.InfluxWriteClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import java.util.Base64;
import java.util.List;

/**
 * Checks, before the job graph is built, that InfluxDB answers at the URL ({@code GET /ping}),
 * accepts the credentials ({@code SHOW DATABASES}), has the database or creates it
 * ({@code CREATE DATABASE}, when asked to), and lets the user write to it. The write check sends
 * an empty body to {@code /write}: InfluxDB 1.x checks the database and the user's write privilege
 * before it reads the body, answers 204 to an empty one and stores nothing, so no check point is
 * left behind.
 */
public final class InfluxCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final String database;
  private final String user;
  private final String password;
  private final Duration timeout;
  private final HttpClient http;

  private InfluxCheck(String url, String database, String user, String password, SSLContext tls, Duration timeout) {
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.database = database;
    this.user = user;
    this.password = password;
    this.timeout = timeout;
    HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5));
    if (tls != null) {
      http.sslContext(tls);
    }
    this.http = http.build();
  }

  /**
   * @param user null when InfluxDB runs without authentication
   * @param tls trusts the server's certificate (--influx-ca-file), or null for the JVM's default trust store
   * @param createDatabase issue {@code CREATE DATABASE} (needs an admin) instead of requiring the database
   * @throws StartupCheckException naming the problem and its fix
   */
  public static void check(String url, String database, String user, String password, SSLContext tls,
      boolean createDatabase, Duration timeout) throws StartupCheckException {
    new InfluxCheck(url, database, user, password, tls, timeout).run(createDatabase);
  }

  private void run(boolean createDatabase) throws StartupCheckException {
    HttpResponse<String> ping = send(HttpRequest.newBuilder(uri("/ping")).GET());
    if (ping.statusCode() != 204) {
      fail("InfluxDB at " + url + " (--influx-url, env CX_INFLUX_URL) answered GET /ping with HTTP " + ping.statusCode()
          + ", not 204: is this an InfluxDB HTTP API? Check the URL (scheme, host, port, path).");
    }
    HttpResponse<String> show = send(HttpRequest.newBuilder(uri("/query", "q", "SHOW DATABASES")).GET());
    deniedOrFail(show, "SHOW DATABASES");
    boolean exists = databases(show.body()).contains(database);
    if (createDatabase) {
      HttpResponse<String> create = send(HttpRequest.newBuilder(uri("/query", "q",
          "CREATE DATABASE \"" + database.replace("\\", "\\\\").replace("\"", "\\\"") + "\""))
          .POST(HttpRequest.BodyPublishers.noBody()));
      if (create.statusCode() == 403) {
        fail("InfluxDB at " + url + " does not let " + who() + " create databases (HTTP 403: " + create.body().trim()
            + "). CREATE DATABASE needs an admin: " + (exists ? "database '" + database + "' exists, so " : "create '"
            + database + "' as an admin and ") + "start the job with --no-influx-create-db.");
      }
      deniedOrFail(create, "CREATE DATABASE " + database);
    }
    HttpResponse<String> write = send(HttpRequest.newBuilder(uri("/write", "db", database, "precision", "ms"))
        .POST(HttpRequest.BodyPublishers.noBody()));
    if (write.statusCode() == 404) {
      fail("InfluxDB at " + url + " has no database '" + database + "' (--influx-db, env CX_INFLUX_DB)"
          + (user == null ? "" : " that " + who() + " can see") + ". Create it (CREATE DATABASE \"" + database
          + "\" as an admin) and grant the user WRITE on it, or start without --no-influx-create-db.");
    }
    deniedOrFail(write, "a write to database '" + database + "'");
  }

  private void deniedOrFail(HttpResponse<String> r, String what) throws StartupCheckException {
    int code = r.statusCode();
    if (code == 401 || code == 403) {
      fail(InfluxWriteClient.accessDenied(url, database, user, code, error(r.body())));
    }
    if (code / 100 != 2) {
      fail("InfluxDB at " + url + " refused " + what + " with HTTP " + code + ": " + r.body().trim());
    }
    String error = error(r.body());
    if (!error.isEmpty()) {
      fail("InfluxDB at " + url + " refused " + what + ": " + error);
    }
  }

  private String who() {
    return user == null ? "an anonymous client (no --influx-user)" : "user '" + user + "'";
  }

  /** The top-level or first statement's {@code error}, or "". */
  private static String error(String body) {
    try {
      JsonNode n = JSON.readTree(body.isBlank() ? "{}" : body);
      if (n.hasNonNull("error")) {
        return n.get("error").asText();
      }
      JsonNode first = n.path("results").path(0);
      return first.hasNonNull("error") ? first.get("error").asText() : "";
    } catch (IOException notJson) {
      return "";
    }
  }

  private static List<String> databases(String body) {
    try {
      List<String> names = new java.util.ArrayList<>();
      for (JsonNode row : JSON.readTree(body).path("results").path(0).path("series").path(0).path("values")) {
        names.add(row.path(0).asText());
      }
      return names;
    } catch (IOException notJson) {
      return List.of();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws StartupCheckException {
    if (user != null) {
      String login = user + ":" + (password == null ? "" : password);
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)));
    }
    HttpRequest r = request.timeout(timeout).build();
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new StartupCheckException(List.of("InfluxDB at " + url + " (--influx-url, env CX_INFLUX_URL) did not "
          + "answer " + r.method() + " " + r.uri().getPath() + " within " + timeout.toSeconds() + " s. Check that it "
          + "runs and that nothing between here and there drops the connection."));
    } catch (IOException e) {
      throw new StartupCheckException(List.of("InfluxDB at " + url + " (--influx-url, env CX_INFLUX_URL) is not "
          + "reachable: " + KafkaCheck.rootMessage(e) + ". Start InfluxDB or fix the URL."));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupCheckException(List.of("interrupted while checking InfluxDB at " + url));
    }
  }

  private URI uri(String path, String... params) {
    StringBuilder s = new StringBuilder(url).append(path);
    for (int i = 0; i < params.length; i += 2) {
      s.append(i == 0 ? '?' : '&').append(params[i]).append('=')
          .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
    }
    return URI.create(s.toString());
  }

  private static void fail(String problem) throws StartupCheckException {
    throw new StartupCheckException(List.of(problem));
  }
}
