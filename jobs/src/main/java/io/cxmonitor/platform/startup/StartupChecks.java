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
    warnOfUnusedTopicFormats(job, topics);
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

  /**
   * A --value-format TOPIC=FORMAT for a topic the job neither reads nor writes is most likely a typo; it is
   * only logged, since one setting (env CX_VALUE_FORMAT) may serve several jobs that use different topics.
   */
  static void warnOfUnusedTopicFormats(JobOptions job, List<TopicUse> topics) {
    java.util.Set<String> used = new java.util.TreeSet<>();
    topics.forEach(t -> used.add(t.topic()));
    for (String topic : job.valueFormat().topics().keySet()) {
      if (!used.contains(topic)) {
        LOG.warn("--value-format {}={} names a topic this job neither reads nor writes (its topics: {}): check the name",
            topic, job.valueFormat().kindOf(topic), used);
      }
    }
  }

  /** The dead-letter topic every job writes. */
  public static TopicUse deadLetters(JobOptions job) {
    return TopicUse.output(job.deadLetterTopic, "dead-letter", "--dead-letter-topic");
  }
}
