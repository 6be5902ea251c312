package io.cxmonitor.platform.startup;

import io.cxmonitor.platform.kafka.SchemaRegistryClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up check of the schema registry of a job with Confluent-framed topics: one request with
 * the job's credentials. Credentials it refuses, or an address that is no Confluent-compatible API,
 * stop the job before it starts; a registry that cannot be reached does not, since the sources wait
 * for it (README "Confluent framing and a schema registry").
 */
final class RegistryCheck {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryCheck.class);

  private RegistryCheck() {}

  /** @param registry the registry of the job's Confluent-framed topics; null when it has none */
  static void check(SchemaRegistryClient.Config registry) throws StartupCheckException {
    if (registry == null) {
      return;
    }
    SchemaRegistryClient client;
    try {
      client = registry.connect();
    } catch (IOException e) { // the credentials file: the message names it, never its content
      throw new StartupCheckException(List.of(e.getMessage() + " (--schema-registry-credentials-file)"));
    }
    HttpResponse<String> answer;
    try {
      answer = client.probe();
    } catch (IOException e) {
      LOG.warn("Schema registry {} cannot be reached ({}): the job starts, and its Confluent-framed records wait for it",
          registry.url(), e.getClass().getSimpleName());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupCheckException(List.of("interrupted while asking the schema registry at " + registry.url()));
    }
    String problem = problem(registry, answer.statusCode());
    if (problem != null) {
      throw new StartupCheckException(List.of(problem));
    }
    LOG.info("Start-up check passed: schema registry at {}{}", registry.url(),
        registry.credentialsFile() == null ? "" : " (credentials from " + registry.credentialsFile() + ")");
  }

  /** What to fix, for an answer to {@code GET /subjects} that means the job cannot use the registry; null if it can. */
  static String problem(SchemaRegistryClient.Config registry, int status) {
    String where = "the schema registry at " + registry.url();
    String file = registry.credentialsFile();
    return switch (status) {
      case 200 -> null;
      case 401 -> file == null
          ? where + " requires authentication (HTTP 401): give --schema-registry-credentials-file FILE (env "
              + "CX_SCHEMA_REGISTRY_CREDENTIALS_FILE), a file holding the registry user's user:password"
          : where + " refuses the user and password in " + file + " (HTTP 401): write the registry user's "
              + "user:password in that file (--schema-registry-credentials-file)";
      case 403 -> where + " does not let the user in " + (file == null ? "(none given)" : file) + " read subjects "
          + "(HTTP 403): give the user read access to the subjects of the job's topics, and write access to those "
          + "of its outputs";
      case 404 -> where + " has no Confluent-compatible API (HTTP 404 for GET /subjects): give the API's base URL, "
          + "e.g. http://registry:8081 for Confluent, http://registry:8080/apis/ccompat/v7 for Apicurio Registry";
      default -> {
        LOG.warn("{} answered HTTP {} to GET /subjects: the job starts, and its Confluent-framed records wait for it",
            where, status);
        yield null;
      }
    };
  }
}
