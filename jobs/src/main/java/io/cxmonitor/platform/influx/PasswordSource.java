package io.cxmonitor.platform.influx;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a password comes from — an environment variable or a file — and never the password
 * itself: the sink's options are serialized into the job graph and logged, so they carry only this
 * reference, and the writer reads the password where it runs (on the TaskManager).
 *
 * @param kind what {@code name} names
 * @param name the environment variable or the file's path; empty for {@link Kind#NONE}
 */
public record PasswordSource(Kind kind, String name) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Where the password is read from. */
  public enum Kind {
    /** No password: InfluxDB without authentication. */
    NONE,
    /** An environment variable of the process that writes. */
    ENV,
    /** A file (its content, without a trailing line break). */
    FILE
  }

  public static final PasswordSource NONE = new PasswordSource(Kind.NONE, "");

  public PasswordSource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  public static PasswordSource env(String variable) {
    return new PasswordSource(Kind.ENV, variable);
  }

  public static PasswordSource file(Path file) {
    return new PasswordSource(Kind.FILE, file.toAbsolutePath().toString());
  }

  /** The password, read now; null when there is none (no source, or the variable is unset or empty). */
  public String read() throws IOException {
    return read(System::getenv);
  }

  /**
   * As {@link #read()}, with the environment given.
   *
   * @throws IOException if the file cannot be read or is empty; the message names the file, never its content
   */
  String read(Function<String, String> environment) throws IOException {
    switch (kind) {
      case ENV -> {
        String value = environment.apply(name);
        return value == null || value.isEmpty() ? null : value;
      }
      case FILE -> {
        String content;
        try {
          content = Files.readString(Path.of(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IOException("cannot read the InfluxDB password file " + name + " (" + e.getClass().getSimpleName()
              + "); it must be readable where the job's sink runs (on every TaskManager)", e);
        }
        String password = content.replaceAll("[\r\n]+$", "");
        if (password.isEmpty()) {
          throw new IOException("the InfluxDB password file " + name + " is empty");
        }
        return password;
      }
      default -> {
        return null;
      }
    }
  }

  /** Names the source, never the password: safe to log. */
  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "none";
      case ENV -> "env " + name;
      case FILE -> "file " + name;
    };
  }
}
