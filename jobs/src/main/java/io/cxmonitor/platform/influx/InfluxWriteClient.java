package io.cxmonitor.platform.influx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.InfluxDBIOException;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * Synchronous writes over the v1 HTTP API through influxdb-java, with every failure classified
 * as retryable (network, HTTP 5xx, 429), access denied (401, 403: no retry or restart helps until
 * an operator fixes the password or the privileges) or rejected (other 4xx: the server will never
 * accept these points). influxdb-java hides the status code, so an interceptor turns 5xx/429 and
 * 401/403 responses into status exceptions before the client parses them.
 */
public final class InfluxWriteClient implements AutoCloseable {

  /** A write that may succeed later. */
  public static final class RetryableWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    RetryableWriteException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A write the server refused for good (bad point, type conflict, auth). */
  public static final class RejectedWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    RejectedWriteException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The server refused the credentials (401) or the user lacks the privilege (403). */
  public static final class AccessDeniedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public AccessDeniedException(String message, int status, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    /** 401 (wrong user or password) or 403 (missing privilege). */
    public int status() {
      return status;
    }
  }

  static final class AccessStatusException extends IOException {
    private static final long serialVersionUID = 1L;
    final int code;
    final String body;

    AccessStatusException(int code, String body) {
      super("HTTP " + code + (body == null || body.isBlank() ? "" : ": " + body.trim()));
      this.code = code;
      this.body = body == null ? "" : body.trim();
    }
  }

  static final class RetryableStatusException extends IOException {
    private static final long serialVersionUID = 1L;

    RetryableStatusException(int code, String body) {
      super("HTTP " + code + (body == null || body.isBlank() ? "" : ": " + body.trim()));
    }
  }

  private final InfluxDB client;
  private final String database;
  private final String url;
  private final String user;

  /**
   * Connects (lazily; the first request opens the connection). The password and the CA file are
   * read here, where the sink runs, so neither travels in the job graph.
   *
   * @throws IOException if the password source or the CA file cannot be read, or a user is given without a password
   */
  public InfluxWriteClient(InfluxSinkOptions options) throws IOException {
    OkHttpClient.Builder http = new OkHttpClient.Builder()
        .connectTimeout(5, TimeUnit.SECONDS)
        .readTimeout(30, TimeUnit.SECONDS)
        .writeTimeout(30, TimeUnit.SECONDS)
        .retryOnConnectionFailure(false)
        .addInterceptor(chain -> {
          Response response = chain.proceed(chain.request());
          int code = response.code();
          if (code == 429 || code >= 500) {
            String body = response.body() == null ? "" : response.body().string();
            response.close();
            throw new RetryableStatusException(code, body);
          }
          if (code == 401 || code == 403) {
            String body = response.body() == null ? "" : response.body().string();
            response.close();
            throw new AccessStatusException(code, body);
          }
          return response;
        });
    this.client = connect(options, http);
    this.database = options.database();
    this.url = options.url();
    this.user = options.username();
  }

  /**
   * An influxdb-java client for {@code options}' server, with its credentials (the password read now) and trust (CA
   * file), for reading back (the demo's live view).
   *
   * @throws IOException if the password source or the CA file cannot be read, or a user is given without a password
   */
  public static InfluxDB connect(InfluxSinkOptions options) throws IOException {
    return connect(options, new OkHttpClient.Builder().connectTimeout(5, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS));
  }

  private static InfluxDB connect(InfluxSinkOptions options, OkHttpClient.Builder http) throws IOException {
    if (options.caFile() != null) {
      trustOnly(http, Path.of(options.caFile()));
    }
    String password = options.password().read();
    if (options.username() != null && password == null) {
      throw new IOException("InfluxDB user " + options.username() + " has no password: the password comes from "
          + options.password() + ", which is unset or empty where the sink runs. Set it there (on a cluster: in every "
          + "TaskManager's environment or a file mounted on it), or use --influx-password-file.");
    }
    // influxdb-java sends user and password as an HTTP Basic Authorization header, not in the URL.
    return options.username() == null
        ? InfluxDBFactory.connect(options.url(), http)
        : InfluxDBFactory.connect(options.url(), options.username(), password, http);
  }

  /**
   * Makes {@code http} trust exactly the certificates in {@code pemFile} (PEM or DER, one or more:
   * a private CA or a self-signed server certificate) instead of the JVM's default trust store.
   * The host name is still verified against the certificate.
   */
  private static void trustOnly(OkHttpClient.Builder http, Path pemFile) throws IOException {
    X509TrustManager trustManager = trustManager(pemFile);
    http.sslSocketFactory(tls(trustManager, pemFile).getSocketFactory(), trustManager);
  }

  /** A TLS context that trusts exactly the certificates in {@code pemFile} (see {@link #trustOnly}). */
  public static SSLContext trustingOnly(Path pemFile) throws IOException {
    return tls(trustManager(pemFile), pemFile);
  }

  private static SSLContext tls(X509TrustManager trustManager, Path pemFile) throws IOException {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {trustManager}, null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the InfluxDB CA file " + pemFile + ": " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(Path pemFile) throws IOException {
    try (InputStream in = Files.newInputStream(pemFile)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new CertificateException("it holds no certificate");
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate c : certificates) {
        trusted.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      return (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the InfluxDB CA file " + pemFile + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IOException("cannot read the InfluxDB CA file " + pemFile + ": " + e.getMessage(), e);
    }
  }

  /** CREATE DATABASE is idempotent in InfluxDB 1.x; 2.x/3.x may refuse it (map a bucket instead). */
  public void createDatabase() throws IOException {
    query("CREATE DATABASE \"" + database.replace("\"", "\\\"") + "\"");
  }

  public QueryResult query(String influxQl) throws IOException {
    try {
      QueryResult result = client.query(new Query(influxQl, database));
      if (result.hasError()) {
        throw new RejectedWriteException("query failed: " + result.getError() + " — " + influxQl, null);
      }
      return result;
    } catch (InfluxDBIOException e) {
      throw ioFailure(e);
    } catch (InfluxDBException e) {
      throw classify(e);
    }
  }

  /** Writes the points (lines of line protocol, millisecond precision) in one request, or throws a classified exception. */
  public void write(List<String> lines) throws IOException {
    try {
      client.write(database, null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS, lines);
    } catch (InfluxDBIOException e) {
      throw ioFailure(e);
    } catch (InfluxDBException e) {
      throw classify(e);
    }
  }

  private IOException ioFailure(InfluxDBIOException e) {
    if (e.getCause() instanceof AccessStatusException denied) {
      return new AccessDeniedException(accessDenied(url, database, user, denied.code, denied.body), denied.code, e);
    }
    return new RetryableWriteException("cannot reach InfluxDB: " + rootMessage(e), e);
  }

  /** What a 401 or 403 from {@code url} means for {@code user} writing to {@code database}, and what to do. */
  public static String accessDenied(String url, String database, String user, int status, String serverSaid) {
    String who = user == null ? "no user (CX_INFLUX_USER / --influx-user unset)" : "user '" + user + "'";
    String said = " (HTTP " + status + (serverSaid == null || serverSaid.isBlank() ? "" : ": " + serverSaid) + ")";
    if (status == 401) {
      return "InfluxDB at " + url + " refused the credentials of " + who + said + ". The password in "
          + "CX_INFLUX_PASSWORD is wrong or was rotated, or the server needs a user: set --influx-user and "
          + "CX_INFLUX_PASSWORD to a valid login.";
    }
    return "InfluxDB at " + url + " denied " + who + " access to database '" + database + "'" + said
        + ". Grant the privilege as an admin (GRANT WRITE ON \"" + database + "\" TO \"" + user + "\"), or use a "
        + "user that has it; CREATE DATABASE needs an admin (else start with --no-influx-create-db).";
  }

  private static IOException classify(InfluxDBException e) {
    if (e.isRetryWorth() && !(e instanceof InfluxDBException.DatabaseNotFoundException)
        && !(e instanceof InfluxDBException.FieldTypeConflictException)
        && !(e instanceof InfluxDBException.UnableToParseException)
        && !(e instanceof InfluxDBException.PointsBeyondRetentionPolicyException)
        && !(e instanceof InfluxDBException.AuthorizationFailedException)) {
      // influxdb-java treats unknown messages as retry-worthy; only retry what is really transient.
      if (e.getMessage() != null && (e.getMessage().contains("hinted handoff") || e.getMessage().contains("cache-max-memory"))) {
        return new RetryableWriteException("InfluxDB is overloaded: " + e.getMessage(), e);
      }
    }
    if (e instanceof InfluxDBException.DatabaseNotFoundException) {
      return new RetryableWriteException("database not found (dropped while running?): " + e.getMessage(), e);
    }
    return new RejectedWriteException("InfluxDB rejected the write: " + e.getMessage(), e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  @Override
  public void close() {
    client.close();
  }
}
