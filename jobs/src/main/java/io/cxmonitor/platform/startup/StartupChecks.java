package io.cxmonitor.platform.startup;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.platform.influx.InfluxSinkOptions;
import java.util.List;
import io.cxmonitor.platform.influx.InfluxWriteClient;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Kafka, schema registry (if a topic is Confluent-framed) and InfluxDB start-up checks of a job, in that order, unless --no-startup-check. */
public final class StartupChecks {
  private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);

  private StartupChecks() {}

  /** @param topics every topic the job reads or writes, the dead-letter topic included */
  public static void run(JobOptions job, StartupOptions startup, List<TopicUse> topics) throws StartupCheckException {
    if (!startup.startupCheck) {
      LOG.warn("Start-up check skipped (--no-startup-check): problems with Kafka or InfluxDB show only while the job runs");
      return;
    }
    KafkaCheck.check(job.bootstrapServers, job.kafkaProperties(), topics, startup.createTopics, startup.startupTimeout);
    RegistryCheck.check(job.valueFormat().registry());
    InfluxSinkOptions influx = job.influx();
    String password;
    SSLContext tls;
    try {
      password = influx.password().read();
      tls = influx.caFile() == null ? null : InfluxWriteClient.trustingOnly(Path.of(influx.caFile()));
    } catch (IOException e) {
      // the messages name the file or variable, never a password
      throw new StartupCheckException(java.util.List.of(e.getMessage()));
    }
    InfluxCheck.check(influx.url(), influx.database(), influx.username(), password, tls, influx.createDatabase(),
        startup.startupTimeout);
    LOG.info("Start-up check passed: Kafka at {} ({} topics), InfluxDB at {} database {}", job.bootstrapServers,
        topics.size(), influx.url(), influx.database());
  }

  /** The dead-letter topic every job writes. */
  public static TopicUse deadLetters(JobOptions job) {
    return TopicUse.output(job.deadLetterTopic, "dead-letter", "--dead-letter-topic");
  }
}
