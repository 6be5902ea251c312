package io.cxmonitor.platform.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.influx.PasswordSource;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up writer schemas by id in a Confluent-compatible schema registry ({@code GET
 * /schemas/ids/<id>}), with a bounded cache: an id once resolved keeps working while the registry
 * is down. When the registry cannot be reached (or answers 5xx, 401, 403, 429) it retries with
 * backoff for up to {@link Config#retryFor}, then gives up with {@link RegistryUnavailableException},
 * which fails the source so the job restarts from its last checkpoint and reads the record again:
 * a record never goes to the dead letters because the registry was away. Only an id the registry
 * says it does not have (404), or a schema that is not Avro or does not parse, is
 * {@link UnusableSchemaException}.
 *
 * <p>Not serializable: each source subtask creates its own in {@code open} from the {@link Config}.
 */
public final class SchemaRegistryClient {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** How long the registry's "no such id" is believed before it is asked again. */
  private static final Duration UNKNOWN_ID_TTL = Duration.ofSeconds(10);

  /**
   * Where the registry is and how patient to be; travels in the job graph, so it names the
   * credentials file and never holds the credentials.
   *
   * @param url the Confluent-compatible API, e.g. {@code http://registry:8081} or Apicurio's
   *     {@code http://registry:8080/apis/ccompat/v7}
   * @param credentialsFile file holding {@code user:password} for HTTP basic authentication
   *     (Confluent's {@code basic.auth.user.info}), read where the source runs; null for none
   * @param retryFor how long one lookup keeps retrying an unreachable registry before the source fails
   * @param cacheSize schema ids kept (least recently used dropped first)
   */
  public record Config(String url, String credentialsFile, Duration retryFor, int cacheSize) implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final Duration DEFAULT_RETRY_FOR = Duration.ofMinutes(2);
    public static final int DEFAULT_CACHE_SIZE = 1000;

    public Config {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(retryFor, "retryFor");
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("a schema registry URL starts with http:// or https://, got '" + url + "'");
      }
      if (cacheSize < 1) {
        throw new IllegalArgumentException("cacheSize must be at least 1, got " + cacheSize);
      }
      url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public static Config of(String url) {
      return new Config(url, null, DEFAULT_RETRY_FOR, DEFAULT_CACHE_SIZE);
    }

    public Config withCredentialsFile(String file) {
      return new Config(url, file, retryFor, cacheSize);
    }

    public Config withRetryFor(Duration d) {
      return new Config(url, credentialsFile, d, cacheSize);
    }

    /** A client for this registry; reads the credentials file now. */
    public SchemaRegistryClient connect() throws IOException {
      String credentials = credentialsFile == null ? null
          : PasswordSource.file(java.nio.file.Path.of(credentialsFile)).read();
      if (credentials != null && !credentials.contains(":")) {
        throw new IOException("the schema registry credentials file " + credentialsFile + " must hold user:password");
      }
      return new SchemaRegistryClient(this, credentials);
    }
  }

  /** The registry has no usable Avro schema under this id: the record goes to the dead letters with the message. */
  public static final class UnusableSchemaException extends Exception {
    private static final long serialVersionUID = 1L;

    UnusableSchemaException(String message) {
      super(message, null, false, false);
    }
  }

  /** The registry could not be asked within {@link Config#retryFor}: the job should fail and retry, not drop the record. */
  public static final class RegistryUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    RegistryUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Config config;
  private final String authorization;
  private final HttpClient http;
  private final Map<Integer, Schema> schemas;
  private final Map<Integer, Long> unknownUntil;

  private SchemaRegistryClient(Config config, String credentials) {
    this.config = config;
    this.authorization = credentials == null ? null
        : "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.schemas = lru(config.cacheSize());
    this.unknownUntil = lru(config.cacheSize());
  }

  private static <V> Map<Integer, V> lru(int size) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, V> eldest) {
        return size() > size;
      }
    };
  }

  /**
   * The writer schema registered under {@code id}: from the cache, else from the registry (retrying
   * while it cannot be reached).
   */
  public Schema writerSchema(int id) throws UnusableSchemaException, RegistryUnavailableException, InterruptedException {
    Schema cached = schemas.get(id);
    if (cached != null) {
      return cached;
    }
    Long until = unknownUntil.get(id);
    if (until != null && System.nanoTime() - until < 0) {
      throw unknown(id);
    }
    HttpResponse<String> response = fetch(id);
    if (response.statusCode() == 404) {
      unknownUntil.put(id, System.nanoTime() + UNKNOWN_ID_TTL.toNanos());
      throw unknown(id);
    }
    if (response.statusCode() != 200) { // not an answer about the id: fail rather than dead-letter the record
      throw new RegistryUnavailableException("the schema registry at " + config.url() + " answered HTTP "
          + response.statusCode() + " for schema id " + id + ": " + abbreviate(response.body()), null);
    }
    Schema schema = parse(id, response.body());
    schemas.put(id, schema);
    unknownUntil.remove(id);
    return schema;
  }

  private UnusableSchemaException unknown(int id) {
    return new UnusableSchemaException("unknown schema id " + id + ": the schema registry at " + config.url()
        + " has no schema with this id (a producer using another registry, or the schema was deleted)");
  }

  private HttpResponse<String> fetch(int id) throws RegistryUnavailableException, InterruptedException {
    return send(request("/schemas/ids/" + id).GET(), "schema id " + id);
  }

  /**
   * Registers {@code schema} under {@code subject} ({@code POST /subjects/<subject>/versions}) as a
   * Confluent serializer does, so that the subject's compatibility rule applies, and returns the id
   * to frame records with. Registering a schema the subject already has returns its id.
   *
   * @throws SchemaRefusedException if the registry refuses it (409: incompatible with the subject's
   *     earlier versions; 422: not a valid schema), with the registry's reason
   */
  public int register(String subject, Schema schema) throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
    String path = "/subjects/" + java.net.URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    HttpResponse<String> r = send(request(path + "/versions").header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), "registering " + subject);
    if (r.statusCode() == 409) {
      // Writers of one sink open in parallel: Apicurio answers 409 "already exists" to all but the first
      // that creates a new subject. If the subject now has this very schema, that is its id.
      HttpResponse<String> found = send(request(path).header("Content-Type", "application/vnd.schemaregistry.v1+json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), "looking up " + subject);
      if (found.statusCode() == 200) {
        r = found;
      }
    }
    if (r.statusCode() != 200) {
      throw new SchemaRefusedException("the schema registry at " + config.url() + " refuses " + schema.getFullName()
          + " under subject " + subject + " (HTTP " + r.statusCode() + "): " + abbreviate(r.body()));
    }
    JsonNode id = JSON.readTree(r.body()).get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new IOException("the schema registry's answer to registering under " + subject + " has no id: "
          + abbreviate(r.body()));
    }
    return id.asInt();
  }

  /**
   * Asks {@code GET /subjects} once, without retrying, for a start-up check: the registry's answer
   * (200 for a Confluent-compatible API that takes these credentials).
   *
   * @throws IOException if the registry cannot be reached
   */
  public HttpResponse<String> probe() throws IOException, InterruptedException {
    return http.send(request("/subjects").GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The registry refused to register a schema: the job cannot write that output until its schema is fixed. */
  public static final class SchemaRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    SchemaRefusedException(String message) {
      super(message);
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.url() + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/vnd.schemaregistry.v1+json, application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request;
  }

  /**
   * Sends {@code request}, retrying with backoff for up to {@link Config#retryFor} while the
   * registry cannot be reached or answers 5xx, 401, 403 or 429; returns any other answer.
   */
  private HttpResponse<String> send(HttpRequest.Builder request, String what)
      throws RegistryUnavailableException, InterruptedException {
    long deadline = System.nanoTime() + config.retryFor().toNanos();
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      String problem;
      IOException cause = null;
      try {
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (!retryable(r.statusCode())) {
          if (attempt > 1) {
            LOG.info("schema registry {} answered again after {} attempts", config.url(), attempt);
          }
          return r;
        }
        problem = "HTTP " + r.statusCode() + ": " + abbreviate(r.body());
      } catch (IOException e) {
        problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        cause = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new RegistryUnavailableException("the schema registry at " + config.url() + " did not answer for " + what
            + " within " + config.retryFor() + " (" + attempt + " attempts; last: " + problem + "); the source fails "
            + "and the job restarts from its last checkpoint, nothing is dead-lettered", cause);
      }
      if (attempt == 1) {
        LOG.warn("schema registry {} cannot be asked for {} ({}); retrying for up to {}",
            config.url(), what, problem, config.retryFor());
      }
      Thread.sleep(backoff.toMillis());
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
  }

  private static boolean retryable(int status) {
    return status >= 500 || status == 401 || status == 403 || status == 429;
  }

  private Schema parse(int id, String body) throws UnusableSchemaException {
    try {
      JsonNode json = JSON.readTree(body);
      String type = json.path("schemaType").asText("AVRO");
      if (!type.equals("AVRO")) {
        throw new UnusableSchemaException("schema id " + id + " is a " + type + " schema, not Avro");
      }
      JsonNode schema = json.get("schema");
      if (schema == null || !schema.isTextual()) {
        throw new UnusableSchemaException("the schema registry's answer for schema id " + id + " holds no schema: "
            + abbreviate(body));
      }
      return new Schema.Parser().parse(schema.asText());
    } catch (IOException | SchemaParseException e) {
      throw new UnusableSchemaException("schema id " + id + " is not a schema this job can parse (" + e.getMessage()
          + "); schema references are not followed");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
