package io.cxmonitor.platform.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.testkit.FreePorts;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The start-up checks against a real Kafka broker and a real influxd with authentication on. */
class StartupCheckITCase {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String DB = "startup_it";

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaBroker.start();
    kafka.createTopics(1, "in", "out");
    influx = InfluxServer.startWithAuth("admin", "admin-secret");
    influx.createDatabase(DB);
    influx.createUser("writer", "w-secret", "WRITE", DB);
    influx.createUser("reader", "r-secret", "READ", DB);
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
    if (influx != null) {
      influx.close();
    }
  }

  private static final TopicUse IN = TopicUse.input("in", "survey input", "--topic");
  private static final TopicUse OUT = TopicUse.output("out", "dead-letter", "--dead-letter-topic");

  private static void kafkaCheck(String bootstrap, List<TopicUse> topics, boolean create) throws StartupCheckException {
    KafkaCheck.check(bootstrap, new Properties(), topics, create, TIMEOUT);
  }

  @Test
  void kafkaWithEveryTopicPasses() {
    assertThatCode(() -> kafkaCheck(kafka.bootstrapServers(), List.of(IN, OUT), false)).doesNotThrowAnyException();
  }

  @Test
  void aMissingInputTopicIsNamedWithItsOption() {
    assertThatThrownBy(() -> kafkaCheck(kafka.bootstrapServers(),
        List.of(TopicUse.input("no-such-input", "survey input", "--topic"), OUT), true))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("Kafka at " + kafka.bootstrapServers())
        .hasMessageContaining("has no survey input topic 'no-such-input' (--topic)")
        .hasMessageContaining("kafka-topics.sh --bootstrap-server " + kafka.bootstrapServers() + " --create --topic no-such-input");
  }

  @Test
  void aMissingOutputTopicIsAnErrorUnlessCreateTopicsCreatesIt() throws Exception {
    TopicUse alerts = TopicUse.output("new-alerts", "SLA alert", "--alert-topic");
    assertThatThrownBy(() -> kafkaCheck(kafka.bootstrapServers(), List.of(IN, alerts), false))
        .hasMessageContaining("has no SLA alert topic 'new-alerts' (--alert-topic)")
        .hasMessageContaining("--create-topics");

    kafkaCheck(kafka.bootstrapServers(), List.of(IN, alerts), true);
    try (Admin admin = Admin.create(kafka.adminProps())) {
      assertThat(admin.listTopics().names().get()).contains("new-alerts");
    }
    assertThatCode(() -> kafkaCheck(kafka.bootstrapServers(), List.of(IN, alerts), false)).doesNotThrowAnyException();
  }

  @Test
  void anUnreachableBrokerIsNamedWithItsAddress() {
    String nobody = "127.0.0.1:" + FreePorts.next();
    assertThatThrownBy(() -> kafkaCheck(nobody, List.of(IN, OUT), false))
        .hasMessageContaining("Kafka at " + nobody + " (--bootstrap-servers, env CX_KAFKA_BOOTSTRAP) did not answer within 5 s");
  }

  @Test
  void anUnresolvableBootstrapAddressIsReported() {
    assertThatThrownBy(() -> kafkaCheck("no-such-host.invalid:9092", List.of(IN), false))
        .hasMessageContaining("Kafka at no-such-host.invalid:9092");
  }

  @Test
  void influxWithAWriterPassesAndLeavesNothingBehind() throws Exception {
    assertThatCode(() -> InfluxCheck.check(influx.url(), DB, "writer", "w-secret", null, false, TIMEOUT)).doesNotThrowAnyException();
    assertThat(influx.query(DB, "SHOW SERIES")).doesNotContain("values");
    assertThat(influx.query(DB, "SHOW MEASUREMENTS")).doesNotContain("values");
  }

  @Test
  void aWrongPasswordNamesTheUserAndTheFix() {
    assertThatThrownBy(() -> InfluxCheck.check(influx.url(), DB, "writer", "wrong", null, false, TIMEOUT))
        .hasMessageContaining("InfluxDB at " + influx.url() + " refused the credentials of user 'writer' (HTTP 401")
        .hasMessageContaining("CX_INFLUX_PASSWORD");
  }

  @Test
  void noUserOnAServerWithAuthenticationIsRefused() {
    assertThatThrownBy(() -> InfluxCheck.check(influx.url(), DB, null, null, null, false, TIMEOUT))
        .hasMessageContaining("refused the credentials of no user (CX_INFLUX_USER / --influx-user unset)");
  }

  @Test
  void aUserWithoutWritePrivilegeIsToldWhatToGrant() {
    assertThatThrownBy(() -> InfluxCheck.check(influx.url(), DB, "reader", "r-secret", null, false, TIMEOUT))
        .hasMessageContaining("denied user 'reader' access to database '" + DB + "' (HTTP 403")
        .hasMessageContaining("GRANT WRITE ON \"" + DB + "\" TO \"reader\"");
  }

  @Test
  void aMissingDatabaseIsNamed() {
    assertThatThrownBy(() -> InfluxCheck.check(influx.url(), "no_such_db", "writer", "w-secret", null, false, TIMEOUT))
        .hasMessageContaining("has no database 'no_such_db' (--influx-db, env CX_INFLUX_DB)");
  }

  @Test
  void creatingTheDatabaseNeedsAnAdminAndSaysSo() {
    assertThatThrownBy(() -> InfluxCheck.check(influx.url(), DB, "writer", "w-secret", null, true, TIMEOUT))
        .hasMessageContaining("does not let user 'writer' create databases (HTTP 403")
        .hasMessageContaining("database '" + DB + "' exists, so start the job with --no-influx-create-db");
  }

  @Test
  void anAdminCreatesTheDatabase() throws Exception {
    InfluxCheck.check(influx.url(), "created_by_check", "admin", "admin-secret", null, true, TIMEOUT);
    assertThat(influx.query(null, "SHOW DATABASES")).contains("created_by_check");
  }

  @Test
  void anUnreachableInfluxIsNamedWithItsUrl() {
    String nobody = "http://127.0.0.1:" + FreePorts.next();
    assertThatThrownBy(() -> InfluxCheck.check(nobody, DB, "writer", "w-secret", null, false, TIMEOUT))
        .hasMessageContaining("InfluxDB at " + nobody + " (--influx-url, env CX_INFLUX_URL) is not reachable");
  }

  @Test
  void somethingElseThanInfluxAtTheUrlIsReported() {
    // Kafka's port speaks no HTTP: the check must not hang or pass.
    String notInflux = "http://" + kafka.bootstrapServers();
    assertThatThrownBy(() -> InfluxCheck.check(notInflux, DB, "writer", "w-secret", null, false, TIMEOUT))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("InfluxDB at " + notInflux);
  }
}
