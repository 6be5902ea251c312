package io.cxmonitor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.junit.jupiter.api.Test;

class KafkaBrokerSaslITCase {

  @Test
  void acceptsTheUserAndRefusesAWrongPassword() throws Exception {
    String password = "pw-" + System.nanoTime();
    String jaasBefore = System.getProperty("java.security.auth.login.config");
    try (KafkaBroker broker = KafkaBroker.startWithSaslPlain("cx", password)) {
      broker.createTopics(1, "cx.sasl");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.producerProps())) {
        producer.send(new ProducerRecord<>("cx.sasl", "v".getBytes())).get();
      }
      assertThat(broker.readAll("cx.sasl")).hasSize(1);

      Properties wrong = broker.adminProps();
      wrong.put(SaslConfigs.SASL_JAAS_CONFIG, PlainLoginModule.class.getName()
          + " required username=\"cx\" password=\"not-" + password + "\";");
      wrong.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
      wrong.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
      try (Admin admin = Admin.create(wrong)) {
        assertThatThrownBy(() -> admin.listTopics().names().get())
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(SaslAuthenticationException.class);
      }

      Properties plain = new Properties();
      plain.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      plain.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
      plain.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
      try (Admin admin = Admin.create(plain)) {
        assertThatThrownBy(() -> admin.listTopics().names().get()).isInstanceOf(ExecutionException.class);
      }
      assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
    }
    assertThat(System.getProperty("java.security.auth.login.config")).as("JVM-wide JAAS setting restored")
        .isEqualTo(jaasBefore);
  }
}
