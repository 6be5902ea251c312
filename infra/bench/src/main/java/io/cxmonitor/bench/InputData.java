package io.cxmonitor.bench;

import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills the input topics from the project's generator ({@link CxSimulation}): one simulated world
 * whose ticket rate gives the requested number of interactions over the event-time span, with its
 * lifecycle events, follow-ups done and survey responses. The responses go once each to
 * {@link BenchTopics#NATURAL_SURVEYS} (the churn job's input) and, for the survey job, to
 * {@link BenchTopics#SURVEYS} as often as needed to reach the requested count, each copy under a
 * new response id: simulating enough tickets for millions of responses would cost the generator
 * seven interaction records per response. Copies are spread evenly over the span, in step with
 * the interactions, so the survey density per minute follows the simulated day.
 *
 * <p>Records are published as the jobs read them (single-object encoding, lz4, batched), stamped
 * with the publish time; the event time is in the record.
 */
final class InputData {
  /** The generator's interactions per ticket arrival, to pick a ticket rate (measured, with queue events on). */
  private static final double INTERACTIONS_PER_TICKET = 3.4;
  /**
   * The simulated span starts yesterday at this hour (UTC), so that a run gives the same records on
   * any day at any time (the generator's daily profile depends on the hour), and the 4 h from 18:00
   * carry about the day's mean ticket rate.
   */
  private static final int START_HOUR = 18;

  /** What was published, per topic, and a sample of responses for the live probe to replay. */
  record Filled(Map<String, Long> records, double seconds, List<SurveyResponse> surveyTemplates, Instant firstEvent,
      Instant lastEvent) {
    long total() {
      return records.values().stream().mapToLong(Long::longValue).sum();
    }

    long of(List<String> topics) {
      return topics.stream().mapToLong(t -> records.getOrDefault(t, 0L)).sum();
    }
  }

  private InputData() {}

  static Filled fill(String bootstrapServers, long surveys, long interactions, Duration span, int customers, long seed)
      throws IOException {
    long t0 = System.nanoTime();
    double ticketsPerMinute = ticketsPerMinute(interactions, span);
    Instant start = spanStart(span);
    SimulationConfig config = SimulationConfig.defaults(seed, start, span)
        .withRate(ticketsPerMinute).withCustomers(customers, 0.002).withQueueEvents(true);
    CxSimulation world = new CxSimulation(config);
    Map<String, Long> counts = new LinkedHashMap<>();
    List<SurveyResponse> templates = new ArrayList<>();
    long interactionsSent = 0;
    long firstEvent = Long.MAX_VALUE;
    long lastEvent = Long.MIN_VALUE;
    long copiesSent = 0;
    SurveyResponse last = null;
    try (KafkaPublisher out = new KafkaPublisher(bootstrapServers)) {
      while (world.hasNext() && interactionsSent < interactions) {
        GeneratedRecord r = world.next();
        firstEvent = Math.min(firstEvent, r.eventTime());
        lastEvent = Math.max(lastEvent, r.eventTime());
        switch (r.topic()) {
          case Topics.INTERACTIONS -> {
            out.send(r);
            interactionsSent++;
            count(counts, r.topic());
          }
          case Topics.SURVEYS -> {
            SurveyResponse s = (SurveyResponse) r.record();
            out.sendRaw(BenchTopics.NATURAL_SURVEYS, r.key(), out.encode(s));
            count(counts, BenchTopics.NATURAL_SURVEYS);
            if (templates.size() < 20_000) {
              templates.add(SurveyResponse.newBuilder(s).build());
            }
            // copies to keep the survey topic in step with the interactions' progress through the span
            long due = Math.min(surveys, (long) Math.ceil((double) surveys * interactionsSent / interactions));
            String id = s.getResponseId();
            last = s;
            for (int copy = 0; copiesSent < due || copy == 0 && copiesSent < surveys; copy++) {
              s.setResponseId(copy == 0 ? id : id + "-" + copy);
              out.sendRaw(BenchTopics.SURVEYS, r.key(), out.encode(s));
              copiesSent++;
              count(counts, BenchTopics.SURVEYS);
            }
          }
          default -> {
            out.send(r);
            count(counts, r.topic());
          }
        }
      }
      // the deficit of the last few responses' copies (the span ended between two responses)
      String lastId = last == null ? null : last.getResponseId();
      for (int copy = 1; last != null && copiesSent < surveys; copy++) {
        last.setResponseId(lastId + "-end-" + copy);
        out.sendRaw(BenchTopics.SURVEYS, last.getCustomerId(), out.encode(last));
        copiesSent++;
        count(counts, BenchTopics.SURVEYS);
      }
      out.flush();
      if (out.failed() > 0) {
        throw new IOException(out.failed() + " records could not be published", out.firstError());
      }
    }
    return new Filled(counts, (System.nanoTime() - t0) / 1e9, templates, Instant.ofEpochMilli(firstEvent),
        Instant.ofEpochMilli(lastEvent));
  }

  /** Yesterday at {@link #START_HOUR} UTC, or earlier if a span from there would not end 5 minutes before now. */
  static Instant spanStart(Duration span) {
    Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1)).plus(Duration.ofHours(START_HOUR));
    Instant latestStart = Instant.now().minus(span).minus(Duration.ofMinutes(5));
    return start.isAfter(latestStart) ? latestStart : start;
  }

  /** The generator's ticket rate that gives about {@code interactions} interaction events over {@code span}. */
  static double ticketsPerMinute(long interactions, Duration span) {
    return interactions / INTERACTIONS_PER_TICKET / span.toMinutes();
  }

  private static void count(Map<String, Long> counts, String topic) {
    counts.merge(topic, 1L, Long::sum);
  }
}
