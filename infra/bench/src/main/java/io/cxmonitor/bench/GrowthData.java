package io.cxmonitor.bench;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The growth steps' input ({@link Growth}), from the project's generator ({@link CxSimulation}):
 * the service job's measured interaction stream and the open tickets before it, the churn job's
 * world at a given subscriber base, and survey responses with a given number of distinct teams and
 * products or over a given span. Published as {@link InputData} does: single-object encoding,
 * stamped with the publish time, the event time in the record.
 */
final class GrowthData {
  /** An encoded record and its key, kept to publish the same stream into every step's topic. */
  record Encoded(String key, byte[] value) {}

  private GrowthData() {}

  /**
   * The first {@code count} interaction events of a simulated world over {@code span} from
   * {@code start}, encoded by {@code codec}.
   */
  static List<Encoded> interactions(KafkaPublisher codec, long seed, Instant start, Duration span, long count,
      int customers) {
    SimulationConfig config = SimulationConfig.defaults(seed, start, span)
        .withRate(InputData.ticketsPerMinute(count, span)).withCustomers(customers, 0.002).withQueueEvents(true);
    CxSimulation world = new CxSimulation(config);
    List<Encoded> out = new ArrayList<>();
    while (world.hasNext() && out.size() < count) {
      GeneratedRecord r = world.next();
      if (r.topic().equals(Topics.INTERACTIONS)) {
        out.add(new Encoded(r.key(), codec.encode(r.record())));
      }
    }
    return out;
  }

  /**
   * {@code n} tickets opened in the {@code span} before {@code end} and never answered or closed:
   * the OPENED events of a simulated world (its own seed, so its ticket ids are its own; the same
   * customer base; in order, so none is late), each at priority LOW, whose first-response (24 h)
   * and resolution (7 d) deadlines fall after a measured span of a few hours: the open tickets
   * cost what holding them costs, not a storm of SLA alerts. Returns the number published.
   */
  static long openTickets(KafkaPublisher out, String topic, long seed, Instant end, Duration span, long n, int customers) {
    SimulationConfig config = SimulationConfig.defaults(seed, end.minus(span), span)
        .withRate(1.5 * n / span.toMinutes()).withCustomers(customers, 0).withDisorder(0, Duration.ZERO, 0);
    CxSimulation world = new CxSimulation(config);
    long sent = 0;
    while (world.hasNext() && sent < n) {
      GeneratedRecord r = world.next();
      if (r.record() instanceof InteractionEvent e && e.getEventType() == InteractionType.OPENED) {
        e.setPriority(Priority.LOW);
        out.sendRaw(topic, r.key(), out.encode(e));
        sent++;
      }
    }
    return sent;
  }

  /** Publishes {@code records} to {@code topic}. */
  static void publish(KafkaPublisher out, String topic, List<Encoded> records) {
    for (Encoded e : records) {
      out.sendRaw(topic, e.key(), e.value());
    }
  }

  /**
   * The churn job's inputs from a simulated world with {@code customers} subscribers (their
   * SUBSCRIBED events come first, at the start), until {@code interactions} interaction events:
   * records per job input topic ({@link Topics} names), published to {@code topicOf(name)}.
   */
  static Map<String, Long> churnWorld(KafkaPublisher out, Map<String, String> topicOf, long seed, Instant start,
      Duration span, long interactions, int customers) {
    SimulationConfig config = SimulationConfig.defaults(seed, start, span)
        .withRate(InputData.ticketsPerMinute(interactions, span)).withCustomers(customers, 0.002).withQueueEvents(true);
    CxSimulation world = new CxSimulation(config);
    Map<String, Long> counts = new LinkedHashMap<>();
    long sentInteractions = 0;
    while (world.hasNext() && sentInteractions < interactions) {
      GeneratedRecord r = world.next();
      String topic = topicOf.get(r.topic());
      if (topic == null) {
        continue;
      }
      out.sendRaw(topic, r.key(), out.encode(r.record()));
      counts.merge(r.topic(), 1L, Long::sum);
      if (r.topic().equals(Topics.INTERACTIONS)) {
        sentInteractions++;
      }
    }
    return counts;
  }

  /** Up to {@code count} survey responses of a simulated day (templates for {@link #surveys}). */
  static List<SurveyResponse> surveyTemplates(long seed, Instant start, int count) {
    SimulationConfig config = SimulationConfig.defaults(seed, start, Duration.ofDays(1)).withRate(600);
    CxSimulation world = new CxSimulation(config);
    List<SurveyResponse> out = new ArrayList<>();
    while (world.hasNext() && out.size() < count) {
      GeneratedRecord r = world.next();
      if (r.record() instanceof SurveyResponse s) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * {@code count} responses, copies of the templates in turn under new ids, their event times
   * evenly over {@code span} from {@code start}; with {@code distinct} > 0 the i-th response's
   * team is one of {@code distinct} values (i mod distinct) and its product another
   * ((31 i) mod distinct: every value too when distinct has no factor 31), else the template's.
   */
  static void surveys(KafkaPublisher out, String topic, List<SurveyResponse> templates, long count, Instant start,
      Duration span, int distinct) {
    for (long i = 0; i < count; i++) {
      SurveyResponse s = SurveyResponse.newBuilder(templates.get((int) (i % templates.size()))).build();
      s.setResponseId(s.getResponseId() + "-g" + i);
      s.setEventTime(start.plusMillis(span.toMillis() * i / count));
      if (distinct > 0) {
        s.setTeam("team-" + (i % distinct));
        s.setProduct("product-" + (31 * i) % distinct);
      }
      out.sendRaw(topic, s.getCustomerId(), out.encode(s));
    }
  }

  /** Flushes and fails if any record could not be published. */
  static void flush(KafkaPublisher out) throws IOException {
    out.flush();
    if (out.failed() > 0) {
      throw new IOException(out.failed() + " records could not be published", out.firstError());
    }
  }
}
