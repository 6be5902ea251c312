package io.cxmonitor.platform.startup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks, before the job graph is built, that Kafka answers at the bootstrap address, that every
 * input topic exists and may be read, and that every output topic (dead letters, alerts,
 * follow-ups) exists or is created, and may be written. A job that starts without them fails
 * later, or worse, restarts for ever.
 */
public final class KafkaCheck {
  private KafkaCheck() {}

  /**
   * @param createMissingOutputs create missing output topics with the broker's default partitions
   *     and replication factor ({@code --create-topics}); missing inputs are always an error
   * @throws StartupCheckException naming each problem and its fix
   */
  public static void check(String bootstrapServers, Properties extra, List<TopicUse> topics,
      boolean createMissingOutputs, Duration timeout) throws StartupCheckException {
    Properties props = new Properties();
    props.putAll(extra);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "cx-startup-check");
    int ms = (int) timeout.toMillis();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(ms, 5_000));
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(ms, 5_000));
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    String where = "Kafka at " + bootstrapServers + " (--bootstrap-servers, env CX_KAFKA_BOOTSTRAP)";
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (KafkaException e) {
      throw new StartupCheckException(List.of(where + " cannot be used: " + rootMessage(e)
          + ". Give host:port pairs of reachable brokers."));
    }
    try {
      List<String> problems = new ArrayList<>();
      try {
        admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw notAnswering(where, timeout);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
          throw notAnswering(where, timeout);
        }
        throw new StartupCheckException(List.of(where + " refused the connection: " + rootMessage(e)
            + (e.getCause() instanceof AuthenticationException
                ? ". Check the SASL/SSL settings and credentials." : ". Check the address and the broker.")));
      }
      Map<String, TopicUse> byName = new LinkedHashMap<>();
      topics.forEach(t -> byName.putIfAbsent(t.topic(), t));
      Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(byName.keySet(),
          new DescribeTopicsOptions().includeAuthorizedOperations(true).timeoutMs(ms)).topicNameValues();
      List<NewTopic> toCreate = new ArrayList<>();
      for (TopicUse t : topics) {
        try {
          TopicDescription d = described.get(t.topic()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          String missing = missingPermission(t, d.authorizedOperations());
          if (missing != null) {
            problems.add(where + ": the client may not " + missing + " the " + t.describe() + ". Grant it, e.g. "
                + "kafka-acls.sh --bootstrap-server " + bootstrapServers + " --add --allow-principal User:<job user> "
                + "--operation " + (t.output() ? "Write" : "Read") + " --topic " + t.topic());
          }
        } catch (ExecutionException e) {
          if (e.getCause() instanceof UnknownTopicOrPartitionException) {
            if (t.output() && createMissingOutputs) {
              toCreate.add(new NewTopic(t.topic(), Optional.empty(), Optional.empty()));
            } else {
              problems.add(where + " has no " + t.describe() + ". Create it (kafka-topics.sh --bootstrap-server "
                  + bootstrapServers + " --create --topic " + t.topic() + ")"
                  + (t.output() ? ", start the job with --create-topics to create missing output topics," : "")
                  + " or name an existing topic with " + t.option() + ".");
            }
          } else if (e.getCause() instanceof AuthorizationException) {
            problems.add(where + ": the client may not describe the " + t.describe() + " (" + rootMessage(e)
                + "). Grant Describe and " + (t.output() ? "Write" : "Read") + " on it.");
          } else {
            problems.add(where + ": cannot describe the " + t.describe() + ": " + rootMessage(e));
          }
        } catch (TimeoutException e) {
          problems.add(where + " did not describe the " + t.describe() + " within " + timeout.toSeconds() + " s.");
        }
      }
      for (NewTopic n : toCreate) {
        try {
          admin.createTopics(List.of(n)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            problems.add(where + ": cannot create the " + byName.get(n.name()).describe() + ": " + rootMessage(e)
                + ". Create it as an administrator.");
          }
        } catch (TimeoutException e) {
          problems.add(where + " did not create the " + byName.get(n.name()).describe() + " within "
              + timeout.toSeconds() + " s.");
        }
      }
      if (!problems.isEmpty()) {
        throw new StartupCheckException(problems);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupCheckException(List.of("interrupted while checking " + where));
    } finally {
      admin.close(Duration.ofSeconds(2));
    }
  }

  private static StartupCheckException notAnswering(String where, Duration timeout) {
    return new StartupCheckException(List.of(where + " did not answer within " + timeout.toSeconds()
        + " s. Start the broker, or fix the address; from this machine the listener it advertises must be "
        + "reachable too."));
  }

  /**
   * The operation ("read", "write") the client lacks on {@code t}, or null. A broker without an
   * authorizer reports every operation; one that reports none (an older broker) is given the
   * benefit of the doubt.
   */
  static String missingPermission(TopicUse t, Set<AclOperation> allowed) {
    if (allowed == null || allowed.isEmpty() || allowed.contains(AclOperation.ALL)) {
      return null;
    }
    AclOperation needed = t.output() ? AclOperation.WRITE : AclOperation.READ;
    return allowed.contains(needed) ? null : needed.name().toLowerCase(java.util.Locale.ROOT);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
