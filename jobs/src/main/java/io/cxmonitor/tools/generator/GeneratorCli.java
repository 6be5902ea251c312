package io.cxmonitor.tools.generator;

import io.cxmonitor.platform.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Publishes the synthetic CX world to Kafka, in real time or as fast as possible. */
@Command(name = "cx-generator", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Publishes realistic synthetic customer interactions, survey responses and lifecycle events to Kafka "
            + "(Avro single-object encoding): channel mix, per-channel score distributions, time-of-day pattern, "
            + "surveys linked to tickets, some out-of-order and late records.",
        "Example: cx-generator --bootstrap-servers 127.0.0.1:9092 --rate 120 --backfill PT2H --duration PT8H"})
public final class GeneratorCli implements Callable<Integer> {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @Option(names = "--bootstrap-servers", defaultValue = "${env:CX_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env CX_KAFKA_BOOTSTRAP). Default: ${DEFAULT-VALUE}")
  String bootstrapServers;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed; same seed, same events. Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--rate", defaultValue = "60",
      description = "Tickets opened per minute of simulated time, daily average (about 0.25 surveys per ticket). Default: ${DEFAULT-VALUE}")
  double ticketsPerMinute;

  @Option(names = "--duration", defaultValue = "P7D",
      description = "Simulated time span to generate (ISO-8601, e.g. PT1H). Default: ${DEFAULT-VALUE}")
  Duration duration;

  @Option(names = "--start", description = "Simulated start time (ISO-8601 instant). Default: now minus --backfill.")
  Instant start;

  @Option(names = "--backfill", defaultValue = "PT0S",
      description = "Start this far in the past and catch up as fast as possible, then continue at --speed. Default: ${DEFAULT-VALUE}")
  Duration backfill;

  @Option(names = "--speed", defaultValue = "1",
      description = "Simulated seconds per wall-clock second; 0 = as fast as possible. Default: ${DEFAULT-VALUE}")
  double speed;

  @Option(names = "--customers", defaultValue = "200000", description = "Customer base size. Default: ${DEFAULT-VALUE}")
  int customers;

  @Option(names = "--out-of-order-share", defaultValue = "0.1",
      description = "Share of records delayed by up to --max-out-of-order. Default: ${DEFAULT-VALUE}")
  double outOfOrderShare;

  @Option(names = "--max-out-of-order", defaultValue = "PT20S", description = "Default: ${DEFAULT-VALUE}")
  Duration maxOutOfOrder;

  @Option(names = "--late-share", defaultValue = "0.005",
      description = "Share of records delayed by 10-60 minutes (arrive after their window closed). Default: ${DEFAULT-VALUE}")
  double lateShare;

  @Option(names = "--planted-churn-share", defaultValue = "0.002",
      description = "Share of customers whose experience worsens before they cancel (for churn-signal tests). Default: ${DEFAULT-VALUE}")
  double plantedChurnShare;

  @Option(names = "--scenario", description = "Play an incident: csat-drop or abandonment-spike (with --channel).")
  String scenario;

  @Option(names = "--channel", defaultValue = "zalo_oa", description = "Channel of the --scenario. Default: ${DEFAULT-VALUE}")
  String scenarioChannel;

  @Option(names = "--scenario-after", defaultValue = "PT1M",
      description = "The scenario starts this long after the generator (after any backfill). Default: ${DEFAULT-VALUE}")
  Duration scenarioAfter;

  @Option(names = "--poison-every", defaultValue = "0",
      description = "Also write one undecodable record per N survey responses, to exercise the dead-letter path; 0 = never.")
  int poisonEvery;

  @Option(names = "--create-topics", defaultValue = "0",
      description = "Create the topics with this many partitions if missing; 0 = expect them to exist.")
  int createTopics;

  @Option(names = "--progress-every", defaultValue = "PT5S", description = "Progress line interval. Default: ${DEFAULT-VALUE}")
  Duration progressEvery;

  public static void main(String[] args) {
    System.exit(new CommandLine(new GeneratorCli()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (speed < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--speed must be >= 0, got " + speed);
    }
    Instant simStart = start != null ? start : Instant.now().minus(backfill);
    SimulationConfig config = new SimulationConfig(seed, simStart, duration, ticketsPerMinute, customers, 0.3,
        outOfOrderShare, maxOutOfOrder, lateShare, Duration.ofMinutes(10), Duration.ofMinutes(60), plantedChurnShare);
    if (createTopics > 0) {
      createTopics(bootstrapServers, createTopics);
    }
    return run(config);
  }

  private int run(SimulationConfig config) {
    CxSimulation sim = new CxSimulation(config);
    if (scenario != null) {
      Instant from = Instant.ofEpochMilli(Math.max(System.currentTimeMillis(), config.start().toEpochMilli())).plus(scenarioAfter);
      try {
        sim.withScenario(Scenario.parse(scenario, scenarioChannel, from));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
      }
      System.out.printf("scenario %s on %s starts at %s%n", scenario, scenarioChannel, CLOCK.format(from));
    }
    long wallStart = System.currentTimeMillis();
    long simStart = config.start().toEpochMilli();
    // Simulated clock: records up to caughtUpAt (the part already in the past: --backfill) go at
    // once, then simulated time advances --speed times faster than the wall clock.
    long caughtUpAt = Math.max(simStart, Math.min(simStart + config.duration().toMillis(), wallStart));
    long sent = 0;
    long surveys = 0;
    long interactions = 0;
    long lifecycle = 0;
    long poison = 0;
    long followUpsDone = 0;
    long nextProgress = wallStart + progressEvery.toMillis();
    long lastSent = 0;
    long lastProgressAt = wallStart;
    try (KafkaPublisher publisher = new KafkaPublisher(bootstrapServers)) {
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (speed > 0 && r.emitTime() > caughtUpAt) {
          long due = wallStart + (long) ((r.emitTime() - caughtUpAt) / speed);
          long wait = due - System.currentTimeMillis();
          if (wait > 0) {
            publisher.flush();
            try {
              Thread.sleep(wait);
            } catch (InterruptedException e) {
              System.out.printf("generator stopped after %,d records%n", sent);
              Thread.currentThread().interrupt();
              return 130;
            }
          }
        }
        publisher.send(r);
        sent++;
        switch (r.topic()) {
          case Topics.SURVEYS -> {
            surveys++;
            if (poisonEvery > 0 && surveys % poisonEvery == 0) {
              publisher.sendRaw(Topics.SURVEYS, r.key(),
                  ("{\"not\":\"avro\",\"n\":" + surveys + "}").getBytes(StandardCharsets.UTF_8), r.eventTime());
              poison++;
            }
          }
          case Topics.INTERACTIONS -> interactions++;
          case Topics.LIFECYCLE -> lifecycle++;
          default -> followUpsDone++;
        }
        long now = System.currentTimeMillis();
        if (now >= nextProgress) {
          double rate = (sent - lastSent) * 1000.0 / Math.max(1, now - lastProgressAt);
          System.out.printf("sim %s | sent %,d (interactions %,d, surveys %,d, lifecycle %,d, poison %,d) | %,.0f rec/s%s%n",
              CLOCK.format(Instant.ofEpochMilli(r.emitTime())), sent, interactions, surveys, lifecycle, poison, rate,
              publisher.failed() > 0 ? " | FAILED " + publisher.failed() : "");
          lastSent = sent;
          lastProgressAt = now;
          nextProgress = now + progressEvery.toMillis();
        }
      }
      publisher.flush();
      System.out.printf("done: %,d records (interactions %,d, surveys %,d, lifecycle %,d, follow-ups done %,d, poison %,d), %,d tickets%n",
          sent, interactions, surveys, lifecycle, followUpsDone, poison, sim.tickets());
      if (publisher.failed() > 0) {
        System.err.printf("%,d records could not be sent; first error: %s%n", publisher.failed(), publisher.firstError());
        return 2;
      }
    }
    return 0;
  }

  /** Creates every cx-monitor topic that does not exist yet. */
  public static void createTopics(String bootstrapServers, int partitions) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(p)) {
      for (String t : Topics.ALL) {
        try {
          admin.createTopics(List.of(new NewTopic(t, partitions, (short) 1))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }
}
