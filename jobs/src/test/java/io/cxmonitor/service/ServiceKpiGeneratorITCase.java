package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Generated interactions (with queue entries and IVR-only calls) → real Kafka → service job (hourly
 * buckets) → real influxd. First-contact resolution, repeat contacts, queue-based abandonment,
 * tickets closed in the IVR and the final backlog in InfluxDB must equal what a plain pass over the
 * generated events counts. Summing the non-overlapping 1h windows gives the
 * totals; the last backlog gauge gives the open tickets at the end.
 */
class ServiceKpiGeneratorITCase {
  private static final String DB = "cx_gen";
  private static final Duration REPEAT_WINDOW = Duration.ofDays(7);

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(2, "gen.interactions");
    kafka.createTopics(1, "gen.alerts", "gen.dead-letter");
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
    influx.close();
  }

  /** What the test knows about a ticket from its events. */
  private static final class Ticket {
    String channel;
    String customer;
    long opened = Long.MIN_VALUE;
    boolean abandoned;
    boolean transferred;
    boolean reopened;
    boolean selfService;
    boolean open;
    boolean closed;
    int resolutions;
    /** This ticket's events, to walk in event-time order for its queue outcome. */
    final List<InteractionEvent> events = new ArrayList<>();
    long firstReply = Long.MIN_VALUE;
    long lastCustomerReply = Long.MIN_VALUE;
  }

  @Test
  void fcrRepeatContactAbandonmentAndBacklogMatchAnIndependentCount() throws Exception {
    SimulationConfig config = SimulationConfig.defaults(21, Instant.parse("2026-02-02T06:00:00Z"), Duration.ofHours(6))
        .withRate(150).withDisorder(0, Duration.ZERO, 0).withQueueEvents(true);
    List<InteractionEvent> events = new ArrayList<>();
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      CxSimulation sim = new CxSimulation(config);
      while (sim.hasNext()) {
        GeneratedRecord r = sim.next();
        if (r.record() instanceof InteractionEvent e) {
          publisher.sendRaw("gen.interactions", r.key(), publisher.encode(e));
          events.add(e);
        }
      }
      publisher.flush();
    }

    // --- the independent count ---
    Map<String, Ticket> tickets = new LinkedHashMap<>();
    for (InteractionEvent e : events) {
      Ticket t = tickets.computeIfAbsent(e.getTicketId(), k -> new Ticket());
      t.events.add(e);
      long at = e.getEventTime().toEpochMilli();
      switch (e.getEventType()) {
        case OPENED -> {
          t.opened = at;
          t.open = true;
          t.channel = e.getChannel().name().toLowerCase(Locale.ROOT);
          t.customer = e.getCustomerId();
        }
        case AGENT_REPLY -> t.firstReply = t.firstReply == Long.MIN_VALUE ? at : Math.min(t.firstReply, at);
        case CUSTOMER_REPLY -> t.lastCustomerReply = Math.max(t.lastCustomerReply, at);
        case TRANSFERRED, ESCALATED -> t.transferred = true;
        case RESOLVED -> {
          t.resolutions++;
          t.open = false;
          t.selfService |= e.getSelfService();
        }
        case REOPENED -> {
          t.reopened = true;
          t.open = true;
        }
        case ABANDONED -> {
          t.abandoned = true;
          t.open = false;
        }
        case CLOSED -> {
          t.closed = true;
          t.open = false;
        }
        default -> { }
      }
    }
    // queue: entered at QUEUED while the ticket is open; left at the first agent reply (answered),
    // ABANDONED, or any other end; counted per channel of the ticket
    Map<String, Long> queued = new HashMap<>();
    Map<String, Long> queueAbandoned = new HashMap<>();
    Map<String, Long> queueLeft = new HashMap<>();
    long answered = 0;
    long closedInIvr = 0;
    for (Ticket t : tickets.values()) {
      List<InteractionEvent> byTime = new ArrayList<>(t.events);
      byTime.sort(java.util.Comparator.comparing(InteractionEvent::getEventTime));
      boolean open = false;
      boolean inQueue = false;
      boolean wasQueued = false;
      for (InteractionEvent e : byTime) {
        switch (e.getEventType()) {
          case OPENED -> open = true;
          case QUEUED -> {
            if (open && !wasQueued) {
              wasQueued = true;
              inQueue = true;
              queued.merge(t.channel, 1L, Long::sum);
            }
          }
          case AGENT_REPLY -> {
            if (inQueue) {
              inQueue = false;
              answered++;
              queueLeft.merge(t.channel, 1L, Long::sum);
            }
          }
          case ABANDONED, RESOLVED, CLOSED -> {
            if (inQueue) {
              inQueue = false;
              queueLeft.merge(t.channel, 1L, Long::sum);
              if (e.getEventType() == io.cxmonitor.schemas.InteractionType.ABANDONED) {
                queueAbandoned.merge(t.channel, 1L, Long::sum);
              }
            }
            if (e.getEventType() == io.cxmonitor.schemas.InteractionType.CLOSED && open) {
              closedInIvr++;
            }
            if (e.getEventType() != io.cxmonitor.schemas.InteractionType.RESOLVED) {
              open = false;
            }
          }
          default -> { }
        }
      }
    }
    Map<String, Long> abandoned = new HashMap<>();
    Map<String, Long> backlog = new HashMap<>();
    // FCR: the reopen window (7 days) passes after none of these six hours, and the end of the input
    // is not the end of time, so no outcome is final; the provisional one is decided at the first
    // resolution by an agent from the ticket's events up to it, in the job's order for equal times.
    long fcrProvisional = 0;
    long fcrProvisionalYes = 0;
    for (Ticket t : tickets.values()) {
      List<InteractionEvent> byTime = new ArrayList<>(t.events);
      byTime.sort(java.util.Comparator.comparing(InteractionEvent::getEventTime).thenComparingInt(e -> lifecycleRank(e.getEventType())));
      boolean open = false;
      boolean transferred = false;
      long firstReply = Long.MIN_VALUE;
      long lastCustomerReply = Long.MIN_VALUE;
      for (InteractionEvent e : byTime) {
        long at = e.getEventTime().toEpochMilli();
        switch (e.getEventType()) {
          case OPENED -> open = true;
          case AGENT_REPLY -> firstReply = firstReply == Long.MIN_VALUE ? at : firstReply;
          case CUSTOMER_REPLY -> lastCustomerReply = Math.max(lastCustomerReply, at);
          case TRANSFERRED, ESCALATED -> transferred = true;
          case ABANDONED, CLOSED -> open = false;
          default -> { }
        }
        if (e.getEventType() == io.cxmonitor.schemas.InteractionType.RESOLVED && open) {
          if (!e.getSelfService()) {
            fcrProvisional++;
            boolean customerCameBack = firstReply != Long.MIN_VALUE && lastCustomerReply > firstReply;
            if (!transferred && !customerCameBack) {
              fcrProvisionalYes++;
            }
          }
          break;
        }
      }
    }
    for (Ticket t : tickets.values()) {
      if (t.opened == Long.MIN_VALUE) {
        continue;
      }
      if (t.abandoned) {
        abandoned.merge(t.channel, 1L, Long::sum);
      }
      if (t.open) {
        backlog.merge(t.channel, 1L, Long::sum);
        backlog.merge("all", 1L, Long::sum);
      }
    }
    // repeat contacts: a new ticket of a customer whose previous ticket opened at most 7 days before
    Map<String, Long> lastContact = new HashMap<>();
    Map<String, String> lastChannel = new HashMap<>();
    long repeats = 0;
    long switched = 0;
    long contacts = 0;
    for (InteractionEvent e : events) {
      if (e.getEventType() != io.cxmonitor.schemas.InteractionType.OPENED) {
        continue;
      }
      contacts++;
      long at = e.getEventTime().toEpochMilli();
      Long previous = lastContact.get(e.getCustomerId());
      if (previous != null && at - previous <= REPEAT_WINDOW.toMillis()) {
        repeats++;
        if (!lastChannel.get(e.getCustomerId()).equals(e.getChannel().name())) {
          switched++;
        }
      }
      lastContact.put(e.getCustomerId(), at);
      lastChannel.put(e.getCustomerId(), e.getChannel().name());
    }
    assertThat(abandoned.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(50);
    assertThat(queueAbandoned).as("every generated abandonment is of a queued contact").isEqualTo(abandoned);
    assertThat(closedInIvr).isGreaterThan(50);
    assertThat(repeats).isGreaterThan(50);
    assertThat(fcrProvisional).isGreaterThan(500);
    assertThat(fcrProvisionalYes).isPositive().isLessThan(fcrProvisional);

    // --- the job ---
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ServiceKpiJob.fromArgs("--bootstrap-servers", kafka.bootstrapServers(), "--topic", "gen.interactions",
        "--alert-topic", "gen.alerts", "--dead-letter-topic", "gen.dead-letter", "--group-id", "gen",
        "--start-from", "EARLIEST", "--bounded", "--bucket", "PT1H", "--checkpoint-interval", "PT2S",
        "--influx-url", influx.url(), "--influx-db", DB, "--parallelism", "2").configure(env);
    env.execute("service-generator-it");

    try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
      String overall1h = "\"window\" = '1h' AND \"channel\" = 'all' AND \"team\" = 'all' AND \"region\" = 'all' AND \"priority\" = 'all' AND \"product\" = 'all'";
      Map<String, Double> totals = row(client, "SELECT sum(\"fcr_n\") AS fcr_n, sum(\"fcr_provisional_n\") AS fcr_provisional_n, "
          + "sum(\"fcr_provisional_yes\") AS fcr_provisional_yes, "
          + "sum(\"repeats\") AS repeats, sum(\"repeats_switched\") AS switched, sum(\"contacts\") AS contacts, "
          + "sum(\"queued\") AS queued, sum(\"closed\") AS closed FROM \"cx_service\" WHERE " + overall1h);
      // Queue outcomes are dated by the queue entry: one whose entry hour had already been written is
      // merged into the running sums, not into that hour's point, so the totals are read from the
      // 24 h window, which holds the whole run at its last bucket with data.
      String overall24h = overall1h.replace("'1h'", "'24h'");
      Map<String, Double> queue = row(client, "SELECT max(\"abandoned\") AS abandoned, max(\"abandon_n\") AS left_queue, "
          + "max(\"answered\") AS answered FROM \"cx_service\" WHERE " + overall24h);
      assertThat(totals.get("fcr_n")).as("no FCR outcome is final: the input ends within the reopen window").isZero();
      assertThat(totals.get("fcr_provisional_n")).isEqualTo(fcrProvisional);
      assertThat(Math.round(totals.get("fcr_provisional_yes"))).isEqualTo(fcrProvisionalYes);
      assertThat(totals.get("contacts")).isEqualTo(contacts);
      assertThat(totals.get("repeats")).isEqualTo(repeats);
      assertThat(Math.round(totals.get("switched"))).isEqualTo(switched);
      assertThat(totals.get("queued")).isEqualTo(queued.values().stream().mapToLong(Long::longValue).sum());
      assertThat(queue.get("abandoned")).isEqualTo(abandoned.values().stream().mapToLong(Long::longValue).sum());
      assertThat(queue.get("left_queue")).isEqualTo(queueLeft.values().stream().mapToLong(Long::longValue).sum());
      assertThat(queue.get("answered")).isEqualTo(answered);
      assertThat(totals.get("closed")).isEqualTo(closedInIvr);
      for (Channel c : new Channel[] {Channel.PHONE, Channel.CHAT, Channel.ZALO_OA}) {
        String ch = c.name().toLowerCase(Locale.ROOT);
        Map<String, Double> perChannel = row(client, "SELECT max(\"abandoned\") AS abandoned, max(\"queued\") AS queued FROM \"cx_service\" "
            + "WHERE \"window\" = '24h' AND \"channel\" = '" + ch + "' AND \"team\" = 'all' AND \"region\" = 'all' AND \"priority\" = 'all' AND \"product\" = 'all'");
        assertThat(perChannel.get("abandoned")).as("abandoned %s", ch).isEqualTo((double) abandoned.getOrDefault(ch, 0L));
        assertThat(perChannel.get("queued")).as("queued %s", ch).isEqualTo((double) queued.getOrDefault(ch, 0L));
      }
      for (Map.Entry<String, Long> b : backlog.entrySet()) {
        String where = b.getKey().equals("all")
            ? "\"channel\" = 'all' AND \"team\" = 'all' AND \"region\" = 'all' AND \"priority\" = 'all' AND \"product\" = 'all'"
            : "\"channel\" = '" + b.getKey() + "' AND \"team\" = 'all' AND \"region\" = 'all' AND \"priority\" = 'all' AND \"product\" = 'all'";
        Map<String, Double> last = row(client, "SELECT last(\"open\") AS open FROM \"cx_backlog\" WHERE " + where);
        assertThat(last.get("open")).as("open tickets at the end, %s", b.getKey()).isEqualTo((double) b.getValue());
      }
      System.out.printf("generator: %d tickets, provisional FCR %d/%d, repeats %d (%d switched) of %d contacts, abandoned %s of queued %s, backlog %s%n",
          tickets.size(), fcrProvisionalYes, fcrProvisional, repeats, switched, contacts, abandoned, queued, backlog);
    }
  }

  private static Map<String, Double> row(InfluxDB client, String q) {
    QueryResult r = client.query(new Query(q, DB), TimeUnit.MILLISECONDS);
    assertThat(r.getResults().get(0).getError()).as(q).isNull();
    QueryResult.Series s = r.getResults().get(0).getSeries().get(0);
    Map<String, Double> out = new HashMap<>();
    for (int i = 1; i < s.getColumns().size(); i++) {
      Object v = s.getValues().get(0).get(i);
      out.put(s.getColumns().get(i), v == null ? 0.0 : ((Number) v).doubleValue());
    }
    return out;
  }

  /** The per-ticket function's order of events at the same time. */
  private static int lifecycleRank(io.cxmonitor.schemas.InteractionType type) {
    return switch (type) {
      case OPENED -> 0;
      case QUEUED -> 1;
      case TRANSFERRED, ESCALATED -> 2;
      case AGENT_REPLY -> 3;
      case CUSTOMER_REPLY -> 4;
      case RESOLVED -> 5;
      case REOPENED -> 6;
      case ABANDONED -> 7;
      case CLOSED -> 8;
      default -> 9;
    };
  }
}
