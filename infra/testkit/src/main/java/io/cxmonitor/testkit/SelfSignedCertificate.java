package io.cxmonitor.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away TLS certificate for a server on 127.0.0.1, made with the JDK's {@code keytool} (no
 * openssl needed) and written as PEM files, the form influxd reads.
 */
final class SelfSignedCertificate {
  private SelfSignedCertificate() {}

  /** Writes {@code dir/certName} (certificate, CN and IP SAN 127.0.0.1, valid 2 days) and {@code dir/keyName} (PKCS#8). */
  static void create(Path dir, String certName, String keyName) throws IOException, InterruptedException {
    Path store = dir.resolve("tls.p12");
    String storePass = UUID.randomUUID().toString();
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "RSA",
        "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", storePass)
        .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(keytool + " failed: " + Files.readString(dir.resolve("keytool.log")));
    }
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, storePass.toCharArray());
      Key key = ks.getKey("server", storePass.toCharArray());
      Files.writeString(dir.resolve(certName), pem("CERTIFICATE", ks.getCertificate("server").getEncoded()));
      Files.writeString(dir.resolve(keyName), pem("PRIVATE KEY", key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key pair keytool made: " + e, e);
    } finally {
      Files.deleteIfExists(store);
    }
  }

  /** TLS that trusts exactly the certificate(s) in a PEM file. */
  static SSLContext trusting(Path pemFile) throws IOException {
    try (InputStream in = Files.newInputStream(pemFile)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("c" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust " + pemFile + ": " + e, e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
