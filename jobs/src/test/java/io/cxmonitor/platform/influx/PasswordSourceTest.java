package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordSourceTest {
  @TempDir
  Path dir;

  @Test
  void fileContentWithoutTheTrailingLineBreak() throws IOException {
    Path file = Files.writeString(dir.resolve("pw"), "s3cret with spaces \r\n");
    PasswordSource source = PasswordSource.file(file);
    assertThat(source.read()).isEqualTo("s3cret with spaces ");
    assertThat(source.toString()).isEqualTo("file " + file.toAbsolutePath()).doesNotContain("s3cret");
  }

  @Test
  void environmentVariableReadWhenAsked() throws IOException {
    PasswordSource source = PasswordSource.env("CX_TEST_PW");
    assertThat(source.read(Map.of("CX_TEST_PW", "from-env")::get)).isEqualTo("from-env");
    assertThat(source.read(Map.<String, String>of()::get)).isNull();
    assertThat(source.read(Map.of("CX_TEST_PW", "")::get)).isNull();
    assertThat(source).hasToString("env CX_TEST_PW");
    assertThat(PasswordSource.NONE.read()).isNull();
  }

  @Test
  void missingOrEmptyFileSaysWhichFile() throws IOException {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> PasswordSource.file(missing).read()).isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString()).hasMessageContaining("TaskManager");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> PasswordSource.file(empty).read()).hasMessageContaining("is empty");
  }

  @Test
  void sinkOptionsNameTheSourceNeverThePassword() throws IOException {
    Path file = Files.writeString(dir.resolve("pw"), "s3cret");
    InfluxSinkOptions options = InfluxSinkOptions.defaults("https://127.0.0.1:8086", "cx")
        .withCredentials("cx", PasswordSource.file(file)).withCaFile("/etc/cx/ca.pem");
    assertThat(options.toString()).contains("password from file " + file.toAbsolutePath()).contains("/etc/cx/ca.pem")
        .doesNotContain("s3cret");
  }
}
