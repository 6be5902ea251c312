package io.cxmonitor.tools.generator;

import io.cxmonitor.platform.cli.KafkaClientOptions;
import io.cxmonitor.platform.cli.ValueFormatOptions;
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
import picocli.CommandLine.Mixin;
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

  @Mixin
  KafkaClientOptions kafkaClient = new KafkaClientOptions();

  @Mixin
  ValueFormatOptions values = new ValueFormatOptions();

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

  @Option(names = "--queue-events", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Phone, chat and Zalo OA contacts send QUEUED events and some phone calls end in the IVR (CLOSED with a "
          + "reason); --no-queue-events generates what earlier releases did. Default: ${DEFAULT-VALUE}")
  boolean queueEvents;

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
        outOfOrderShare, maxOutOfOrder, lateShare, Duration.ofMinutes(10), Duration.ofMinutes(60), plantedChurnShare, queueEvents);
    Properties clientProperties = kafkaClient.clientProperties(new CommandLine(this));
    values.validate(new CommandLine(this));
    if (createTopics > 0) {
      createTopics(bootstrapServers, createTopics, clientProperties);
    }
    return run(config, clientProperties);
  }

  private int run(SimulationConfig config, Properties clientProperties) {
    CxSimulation sim = new CxSimulation(config);
    if (scenario != null) {
      playScenario(sim, config.start());
    }
    // Read the wall clock before creating the producer, so the pacing does not absorb its start-up.
    Publication publication = new Publication(sim, config, System.currentTimeMillis());
    try (KafkaPublisher publisher = new KafkaPublisher(bootstrapServers, clientProperties, values.valueFormat())) {
      return publication.publishAll(publisher);
    }
  }

  /** Plays --scenario from --scenario-after past now, or past the simulated start if that is later. */
  private void playScenario(CxSimulation sim, Instant simStart) {
    Instant from = Instant.ofEpochMilli(Math.max(System.currentTimeMillis(), simStart.toEpochMilli())).plus(scenarioAfter);
    try {
      sim.withScenario(Scenario.parse(scenario, scenarioChannel, from));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
    System.out.printf("scenario %s on %s starts at %s%n", scenario, scenarioChannel, CLOCK.format(from));
  }

  /** One run: paces the simulation's records on the simulated clock, sends them and reports progress. */
  private final class Publication {
    private final CxSimulation sim;
    private final long wallStart;
    /** Records emitted up to here (the part already in the past: --backfill) go at once. */
    private final long caughtUpAt;
    private long sent;
    private long surveys;
    private long interactions;
    private long lifecycle;
    private long poison;
    private long followUpsDone;
    private long nextProgress;
    private long lastSent;
    private long lastProgressAt;

    Publication(CxSimulation sim, SimulationConfig config, long wallStart) {
      this.sim = sim;
      this.wallStart = wallStart;
      long simStart = config.start().toEpochMilli();
      this.caughtUpAt = Math.max(simStart, Math.min(simStart + config.duration().toMillis(), wallStart));
      this.nextProgress = wallStart + progressEvery.toMillis();
      this.lastProgressAt = wallStart;
    }

    /** Sends every record; returns the exit code (130 when interrupted, 2 when sends failed). */
    int publishAll(KafkaPublisher publisher) {
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (!awaitDue(r, publisher)) {
          System.out.printf("generator stopped after %,d records%n", sent);
          Thread.currentThread().interrupt(); // restore the flag the interrupted sleep cleared
          return 130;
        }
        publisher.send(r);
        sent++;
        count(r);
        if (poisonEvery > 0 && r.topic().equals(Topics.SURVEYS) && surveys % poisonEvery == 0) {
          sendPoison(r, publisher);
        }
        reportProgress(r, publisher);
      }
      publisher.flush();
      return summarize(publisher);
    }

    /**
     * After the catch-up, simulated time advances --speed times faster than the wall clock: waits
     * until the record is due. Returns false if interrupted while waiting.
     */
    private boolean awaitDue(GeneratedRecord r, KafkaPublisher publisher) {
      if (speed > 0 && r.emitTime() > caughtUpAt) {
        long due = wallStart + (long) ((r.emitTime() - caughtUpAt) / speed);
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
          publisher.flush(); // what is due now must not linger in the producer while we sleep
          try {
            Thread.sleep(wait);
          } catch (InterruptedException e) {
            return false;
          }
        }
      }
      return true;
    }

    private void count(GeneratedRecord r) {
      switch (r.topic()) {
        case Topics.SURVEYS -> surveys++;
        case Topics.INTERACTIONS -> interactions++;
        case Topics.LIFECYCLE -> lifecycle++;
        default -> followUpsDone++;
      }
    }

    /** An undecodable record next to a survey, to exercise the jobs' dead-letter path. */
    private void sendPoison(GeneratedRecord survey, KafkaPublisher publisher) {
      publisher.sendRaw(Topics.SURVEYS, survey.key(),
          ("{\"not\":\"avro\",\"n\":" + surveys + "}").getBytes(StandardCharsets.UTF_8));
      poison++;
    }

    private void reportProgress(GeneratedRecord r, KafkaPublisher publisher) {
      long now = System.currentTimeMillis();
      if (now < nextProgress) {
        return;
      }
      double rate = (sent - lastSent) * 1000.0 / Math.max(1, now - lastProgressAt);
      System.out.printf("sim %s | sent %,d (interactions %,d, surveys %,d, lifecycle %,d, poison %,d) | %,.0f rec/s%s%n",
          CLOCK.format(Instant.ofEpochMilli(r.emitTime())), sent, interactions, surveys, lifecycle, poison, rate,
          publisher.failed() > 0 ? " | FAILED " + publisher.failed() : "");
      lastSent = sent;
      lastProgressAt = now;
      nextProgress = now + progressEvery.toMillis();
    }

    private int summarize(KafkaPublisher publisher) {
      System.out.printf("done: %,d records (interactions %,d, surveys %,d, lifecycle %,d, follow-ups done %,d, poison %,d), %,d tickets%n",
          sent, interactions, surveys, lifecycle, followUpsDone, poison, sim.tickets());
      if (publisher.failed() > 0) {
        System.err.printf("%,d records could not be sent; first error: %s%n", publisher.failed(), publisher.firstError());
        return 2;
      }
      return 0;
    }
  }

  /** Creates every cx-monitor topic that does not exist yet, with these Kafka client properties. */
  public static void createTopics(String bootstrapServers, int partitions, Properties clientProperties) throws Exception {
    Properties p = new Properties();
    p.putAll(clientProperties);
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
