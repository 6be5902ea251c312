package io.cxmonitor.platform.startup;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How a KPI job checks its servers before it starts, and when it stops restarting (a picocli mixin). */
public final class StartupOptions {
  @Option(names = "--startup-check", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Before starting, check Kafka (reachable, input topics readable, output topics writable) and "
          + "InfluxDB (reachable, credentials, database, write privilege); exit with status "
          + JobMain.EXIT_STARTUP_CHECK + " and a message on the first problem. Default: ${DEFAULT-VALUE}")
  public boolean startupCheck;

  @Option(names = "--startup-timeout", defaultValue = "PT10S",
      description = "How long the start-up check waits for each server. Default: ${DEFAULT-VALUE}")
  public Duration startupTimeout;

  @Option(names = "--create-topics",
      description = "Let the start-up check create missing output topics (dead letters, alerts, follow-ups) with the "
          + "broker's default partitions and replication; without it a missing topic is an error.")
  public boolean createTopics;

  @Option(names = "--restart-attempts", defaultValue = "10",
      description = "Restarts after failures before the job gives up and exits with its reason; the count starts "
          + "again after an hour without failure; 0 = the first failure ends the job. Default: ${DEFAULT-VALUE}")
  public int restartAttempts;

  @Option(names = "--restart-max-delay", defaultValue = "PT1M",
      description = "Longest wait between restarts (the wait doubles from 1 s). Default: ${DEFAULT-VALUE}")
  public Duration restartMaxDelay;

  public void validate(CommandLine cmd) {
    if (startupTimeout.toMillis() < 100 || startupTimeout.compareTo(Duration.ofSeconds(14)) > 0) {
      throw new CommandLine.ParameterException(cmd, "--startup-timeout must be between PT0.1S and PT14S (the check "
          + "of both servers must end within 30 s), got " + startupTimeout);
    }
    if (restartAttempts < 0) {
      throw new CommandLine.ParameterException(cmd, "--restart-attempts must not be negative, got " + restartAttempts);
    }
    if (restartMaxDelay.toMillis() < 1000) {
      throw new CommandLine.ParameterException(cmd, "--restart-max-delay must be at least PT1S, got " + restartMaxDelay);
    }
  }

  /**
   * A bounded restart strategy: exponential delay from 1 s up to {@link #restartMaxDelay}, at most
   * {@link #restartAttempts} restarts until the job has run an hour without failing. Flink's default
   * with checkpointing restarts for ever, so a permanent error (a topic deleted, a record the job
   * cannot get past) would loop without end; transient outages (InfluxDB, Kafka brokers) are ridden
   * out inside the connectors' own retries and take few restarts. Errors that no restart can cure,
   * such as refused InfluxDB credentials, skip the restarts altogether.
   */
  public void configure(StreamExecutionEnvironment env) {
    env.configure(restartStrategy(restartAttempts, restartMaxDelay));
  }

  public static Configuration restartStrategy(int attempts, Duration maxDelay) {
    Configuration conf = new Configuration();
    if (attempts == 0) {
      // Flink's exponential-delay strategy refuses 0 attempts when the job starts
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      return conf;
    }
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, maxDelay);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, Duration.ofHours(1));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, attempts);
    return conf;
  }
}
