package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.testkit.ListeningSockets;
import io.cxmonitor.tools.generator.KafkaPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The survey and service jobs' jar on a real standalone cluster started by
 * {@code infra/flink/start-cluster.sh}, against a real Kafka broker and influxd, with the
 * cluster's Prometheus endpoints on: while the jobs run, the TaskManager's {@code /metrics} is
 * scraped over HTTP and must serve the jobs' own counters with the figures of what this test
 * published (valid records in, invalid and undecodable ones dead-lettered, points written, the
 * watermark lag, the open tickets), and every endpoint must listen on loopback only. No process
 * outlives the test.
 */
class PrometheusMetricsITCase {
  /** Recent event times (inside the jobs' default event-time range). */
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));
  private static final int VALID_SURVEYS = 40;
  private static final int INVALID_SURVEYS = 3;
  private static final int UNDECODABLE_SURVEYS = 2;
  private static final int TICKETS_OPENED = 12;
  private static final int TICKETS_RESOLVED = 5;
  private static final int INVALID_INTERACTIONS = 3;
  private static final String OPERATOR = "flink_taskmanager_job_task_operator_";
  /** The jobs' {@code job} tags of cx_pipeline and cx_sink: the value of the labels pipeline and sink. */
  private static final String SURVEYS = "surveys";
  private static final String SERVICE = "interactions";

  @TempDir
  static Path temp;
  private static StandaloneCluster cluster;
  private static KafkaBroker kafka;
  private static InfluxServer influx;

  @BeforeAll
  static void startServers() throws Exception {
    kafka = KafkaBroker.start();
    influx = InfluxServer.start();
    kafka.createTopics(1, Topics.ALL.toArray(String[]::new));
    cluster = new StandaloneCluster(temp, 1);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    StandaloneCluster.stopAll(cluster, kafka, influx);
  }

  @Test
  void theTaskManagersPrometheusEndpointServesTheJobsCountersOnLoopback() throws Exception {
    cluster.start();
    int jobManagerMetrics = cluster.jobManagerMetricsPort();
    int taskManagerMetrics = cluster.taskManagerMetricsPorts().get(0);
    assertMetricsListenOnLoopbackOnly(jobManagerMetrics, taskManagerMetrics);
    assertThat(scrape(jobManagerMetrics)).as("JobManager metrics").contains("flink_jobmanager_numRegisteredTaskManagers");

    publishSurveys();
    publishInteractions();
    cluster.submit(SurveyKpiJob.class.getName(), null, 0, args("surveys"));
    cluster.submit(ServiceKpiJob.class.getName(), null, 0, args("service"));

    // What this test published, independent of the jobs' code: valid records are used, the rest
    // dead-lettered; nothing is late (each topic is published in event-time order); the open tickets
    // are those opened and not resolved before the last ticket's minute, which no watermark closes.
    Map<String, Long> surveys = Map.of("eventsIn", (long) VALID_SURVEYS, "invalid", (long) INVALID_SURVEYS,
        "undecodable", (long) UNDECODABLE_SURVEYS, "deadLettered", (long) (INVALID_SURVEYS + UNDECODABLE_SURVEYS),
        "late", 0L);
    Map<String, Long> service = Map.of("eventsIn", (long) (TICKETS_OPENED + TICKETS_RESOLVED + 1),
        "invalid", (long) INVALID_INTERACTIONS, "undecodable", 0L, "deadLettered", (long) INVALID_INTERACTIONS, "late", 0L);
    try {
      awaitCounters(taskManagerMetrics, surveys, service);
    } catch (AssertionError | ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + cluster.diagnostics(), e);
    }

    cluster.stopAndAssertNoProcessLeft();
  }

  private static void awaitCounters(int taskManagerMetrics, Map<String, Long> surveys, Map<String, Long> service) {
    Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
        .alias("the jobs' counters on the TaskManager's /metrics")
        .untilAsserted(() -> {
          String body = scrape(taskManagerMetrics);
          for (var e : surveys.entrySet()) {
            assertThat(sum(body, "cx_pipeline_" + e.getKey(), "pipeline", SURVEYS)).as("surveys " + e.getKey())
                .isEqualTo(e.getValue().doubleValue());
          }
          for (var e : service.entrySet()) {
            assertThat(sum(body, "cx_pipeline_" + e.getKey(), "pipeline", SERVICE)).as("service " + e.getKey())
                .isEqualTo(e.getValue().doubleValue());
          }
          assertThat(sum(body, "cx_openTickets", null, null)).as("open tickets")
              .isEqualTo((double) (TICKETS_OPENED - TICKETS_RESOLVED));
          for (String job : List.of(SURVEYS, SERVICE)) {
            assertThat(sum(body, "cx_sink_pointsWritten", "sink", job)).as(job + " points written").isPositive();
            assertThat(sum(body, "cx_sink_pointsRejected", "sink", job)).as(job + " points rejected").isZero();
            assertThat(sum(body, "cx_sink_retries", "sink", job)).as(job + " write retries").isZero();
            assertThat(samples(body, "cx_pipeline_watermarkLagMs", "pipeline", job)).as(job + " watermark lag")
                .isNotEmpty().allSatisfy(lag -> assertThat(lag).isGreaterThanOrEqualTo(0));
          }
        });
  }

  /** The metrics ports are among the processes' listeners, and every listener is on loopback. */
  private static void assertMetricsListenOnLoopbackOnly(int jobManagerMetrics, int taskManagerMetrics) throws Exception {
    List<ListeningSockets.Listener> jobManager = ListeningSockets.of(cluster.processes("jobmanager").get(0));
    List<ListeningSockets.Listener> taskManager = ListeningSockets.of(cluster.processes("taskmanager-1").get(0));
    assertThat(jobManager).as("JobManager listeners").extracting(ListeningSockets.Listener::port).contains(jobManagerMetrics);
    assertThat(taskManager).as("TaskManager listeners").extracting(ListeningSockets.Listener::port).contains(taskManagerMetrics);
    assertThat(jobManager).as("JobManager listeners").allMatch(ListeningSockets.Listener::loopback);
    assertThat(taskManager).as("TaskManager listeners").allMatch(ListeningSockets.Listener::loopback);
  }

  private static String[] args(String run) {
    return new String[] {
        "--bootstrap-servers", kafka.bootstrapServers(), "--group-id", run,
        "--influx-url", influx.url(), "--influx-db", "cx_" + run,
        "--checkpoint-interval", "PT5S", "--parallelism", "1", "--stats-interval", "PT1S"};
  }

  /** Valid surveys 15 s apart, then surveys with an NPS out of range, then bytes that are no survey at all. */
  private static void publishSurveys() {
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      for (int i = 0; i < VALID_SURVEYS + INVALID_SURVEYS; i++) {
        SurveyResponse r = SurveyResponse.newBuilder()
            .setResponseId("r-" + i).setCustomerId("c-" + i).setEventTime(T0.plusSeconds(15L * i))
            .setChannel(i % 2 == 0 ? Channel.CHAT : Channel.PHONE).setTeam("t" + (i % 3))
            .setNps(i < VALID_SURVEYS ? i % 11 : 42).setCsat(1 + i % 5).build();
        send(publisher, Topics.SURVEYS, r.getResponseId(), r);
      }
      for (int i = 0; i < UNDECODABLE_SURVEYS; i++) {
        publisher.sendRaw(Topics.SURVEYS, "junk-" + i, ("not a survey " + i).getBytes(StandardCharsets.UTF_8));
      }
      publisher.flush();
      assertThat(publisher.failed()).as("publish failures").isZero();
    }
  }

  /**
   * Tickets opened 5 s apart, the first of them resolved three minutes later, one more ticket
   * opened 20 minutes after the first (its watermark closes the minutes before), then interactions
   * without a customer id (invalid).
   */
  private static void publishInteractions() {
    try (KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrapServers())) {
      for (int i = 0; i < TICKETS_OPENED; i++) {
        send(publisher, Topics.INTERACTIONS, "t-" + i, interaction("o-" + i, "t-" + i, "c-" + i,
            InteractionType.OPENED, T0.plusSeconds(5L * i)));
      }
      for (int i = 0; i < TICKETS_RESOLVED; i++) {
        send(publisher, Topics.INTERACTIONS, "t-" + i, interaction("r-" + i, "t-" + i, "c-" + i,
            InteractionType.RESOLVED, T0.plus(Duration.ofMinutes(3)).plusSeconds(5L * i)));
      }
      send(publisher, Topics.INTERACTIONS, "t-last", interaction("o-last", "t-last", "c-last",
          InteractionType.OPENED, T0.plus(Duration.ofMinutes(20))));
      for (int i = 0; i < INVALID_INTERACTIONS; i++) {
        send(publisher, Topics.INTERACTIONS, "x-" + i, interaction("x-" + i, "x-" + i, "",
            InteractionType.OPENED, T0.plus(Duration.ofMinutes(5))));
      }
      publisher.flush();
      assertThat(publisher.failed()).as("publish failures").isZero();
    }
  }

  private static InteractionEvent interaction(String id, String ticket, String customer, InteractionType type, Instant t) {
    return InteractionEvent.newBuilder().setEventId(id).setTicketId(ticket).setCustomerId(customer).setEventType(type)
        .setEventTime(t).setChannel(Channel.CHAT).setPriority(Priority.NORMAL).setTeam("support")
        .setAgentId(type == InteractionType.RESOLVED ? "a-1" : null).build();
  }

  /** Publishes with the publish time as Kafka timestamp; the event time stays in the record. */
  private static void send(KafkaPublisher publisher, String topic, String key, SpecificRecord r) {
    publisher.sendRaw(topic, key, publisher.encode(r));
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET /metrics on %d", port).isEqualTo(200);
    return r.body();
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The values of metric {@code flink_taskmanager_job_task_operator_<name>} whose label {@code key} is {@code value} (any, if null). */
  private static List<Double> samples(String body, String name, String key, String value) {
    List<Double> out = new ArrayList<>();
    Matcher m = SAMPLE.matcher(body);
    while (m.find()) {
      if (!m.group(1).equals(OPERATOR + name)) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      Matcher l = LABEL.matcher(m.group(3) == null ? "" : m.group(3));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      if (key == null || value.equals(labels.get(key))) {
        out.add(Double.parseDouble(m.group(4)));
      }
    }
    return out;
  }

  /** The sum over subtasks (and operators) of {@link #samples}; fails when there is none. */
  private static double sum(String body, String name, String key, String value) {
    List<Double> values = samples(body, name, key, value);
    if (values.isEmpty()) {
      List<String> served = new ArrayList<>();
      Matcher m = SAMPLE.matcher(body);
      while (m.find()) {
        if (m.group(1).startsWith(OPERATOR + "cx_")) {
          Matcher l = Pattern.compile("(pipeline|sink)=\"[^\"]*\"").matcher(m.group(3) == null ? "" : m.group(3));
          served.add(m.group(1) + (l.find() ? "{" + l.group() + "}" : "") + " " + m.group(4));
        }
      }
      assertThat(values).as("samples of %s%s among the jobs' metrics served:%n%s", OPERATOR + name,
          key == null ? "" : "{" + key + "=\"" + value + "\"}", String.join("\n", served)).isNotEmpty();
    }
    return values.stream().mapToDouble(Double::doubleValue).sum();
  }
}
