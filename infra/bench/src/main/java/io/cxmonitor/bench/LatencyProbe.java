package io.cxmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.platform.influx.InfluxSchema;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.tools.generator.KafkaPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Freshness, measured live: the survey job runs unbounded in a child JVM while a producer publishes
 * responses at a steady rate with event time = now, and a poller asks influxd every 50 ms for the
 * job's 1m points (cx_nps, cx_csat, cx_ces; every grouping), noting when each first appears.
 *
 * <ul>
 *   <li><b>window close → visible</b>: seen − (window end + out-of-orderness), per point: how long
 *       after the watermark passed the window's end the point could be read;
 *   <li><b>event → visible</b>: per event, the moment all of its window's final points could be
 *       read − its event time;
 *   <li><b>event → provisional visible</b>: per event with an NPS answer, the first moment the
 *       overall 1m NPS point of its minute (provisional or final) counted as many answers as had
 *       been published in that minute up to and including it − its event time. It assumes the
 *       answers are counted in publishing order, which holds up to the two partitions' interleaving.
 * </ul>
 * A point counts as final when its {@code provisional} field is 0 or absent (a job that writes none).
 * Only windows that ended after the first event and that the watermark passed before the producer
 * stopped count. The poll period bounds the resolution (50 ms plus a query).
 */
final class LatencyProbe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MINUTE = 60_000;
  private static final long POLL_MILLIS = 50;

  record Result(int ratePerSecond, double seconds, int windows, long events, Percentiles closeToVisible,
      Percentiles eventToVisible, Percentiles eventToProvisional) {}

  private LatencyProbe() {}

  static Result run(RunSpec spec, String heap, Path log, InfluxServer influx, List<SurveyResponse> templates,
      Duration duration, int ratePerSecond, Duration outOfOrderness) throws Exception {
    String database = new RunContext(spec, "live", null).database();
    Files.deleteIfExists(Path.of(spec.readyFile()));
    Process job = ChildJvm.start(spec, heap, log);
    try {
      long readyBy = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(3);
      while (!Files.exists(Path.of(spec.readyFile()))) {
        if (!job.isAlive() || System.currentTimeMillis() > readyBy) {
          throw new IOException("the live survey job did not start; see " + log);
        }
        Thread.sleep(100);
      }
      // event times per window start; points' first sighting per (series, window end)
      Map<Long, List<Long>> events = new TreeMap<>();
      Map<String, Long> seen = new ConcurrentHashMap<>();
      // overall 1m NPS: per window end, when each n was first read (provisional or final)
      Map<Long, TreeMap<Long, Long>> counted = new ConcurrentHashMap<>();
      // per window start: event times of the responses with an NPS answer, in publishing order
      Map<Long, List<Long>> npsEvents = new TreeMap<>();
      long start = System.currentTimeMillis();
      Thread poller = new Thread(() -> poll(influx, database, start - MINUTE, seen, counted), "bench-latency-poller");
      poller.setDaemon(true);
      poller.start();
      long sent = 0;
      long last = start;
      try (KafkaPublisher out = new KafkaPublisher(spec.bootstrapServers())) {
        long end = start + duration.toMillis();
        for (long now = start; now < end; now = System.currentTimeMillis()) {
          long due = (now - start) * ratePerSecond / 1000;
          for (; sent < due; sent++) {
            SurveyResponse s = templates.get((int) (sent % templates.size()));
            s.setResponseId("live-" + sent);
            long t = System.currentTimeMillis();
            s.setEventTime(Instant.ofEpochMilli(t));
            out.sendRaw(BenchTopics.LIVE_SURVEYS, s.getCustomerId(), out.encode(s));
            events.computeIfAbsent(Math.floorDiv(t, MINUTE) * MINUTE, w -> new ArrayList<>()).add(t);
            if (s.getNps() != null) {
              npsEvents.computeIfAbsent(Math.floorDiv(t, MINUTE) * MINUTE, w -> new ArrayList<>()).add(t);
            }
            last = t;
          }
          Thread.sleep(10);
        }
      }
      // windows the watermark passed: end + out-of-orderness before the last event
      long closedBefore = last - outOfOrderness.toMillis();
      long firstWindowEnd = Math.floorDiv(start, MINUTE) * MINUTE + MINUTE;
      List<Long> windowEnds = new ArrayList<>();
      for (long end = firstWindowEnd; end <= closedBefore; end += MINUTE) {
        windowEnds.add(end);
      }
      awaitSightings(seen, windowEnds, Duration.ofSeconds(20));
      poller.interrupt();
      Result r = evaluate(ratePerSecond, (last - start) / 1000.0, events, seen, windowEnds, outOfOrderness,
          provisionalLatencies(npsEvents, counted, windowEnds));
      System.out.printf("[bench] live: event -> provisional point visible p50 %.2f s, p99 %.2f s (%d events)%n",
          r.eventToProvisional().p50(), r.eventToProvisional().p99(), r.eventToProvisional().count());
      return r;
    } finally {
      ChildJvm.stop(job);
    }
  }

  private static void awaitSightings(Map<String, Long> seen, List<Long> windowEnds, Duration timeout)
      throws InterruptedException {
    long by = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < by
        && !windowEnds.stream().allMatch(end -> seen.keySet().stream().anyMatch(k -> k.endsWith("@" + end)))) {
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** Per NPS answer in the closed windows: first time the overall count reached its rank in its minute − its event time. */
  static double[] provisionalLatencies(Map<Long, List<Long>> npsEvents, Map<Long, TreeMap<Long, Long>> counted,
      List<Long> windowEnds) {
    List<Double> out = new ArrayList<>();
    for (long end : windowEnds) {
      List<Long> times = npsEvents.getOrDefault(end - MINUTE, List.of());
      TreeMap<Long, Long> firstSeenByN = counted.get(end);
      if (firstSeenByN == null) {
        continue;
      }
      for (int rank = 1; rank <= times.size(); rank++) {
        // the first sighting of any n >= rank
        Long seenAt = null;
        for (Map.Entry<Long, Long> e : firstSeenByN.tailMap((long) rank).entrySet()) {
          seenAt = seenAt == null ? e.getValue() : Math.min(seenAt, e.getValue());
        }
        if (seenAt != null) {
          out.add(Math.max(0, seenAt - times.get(rank - 1)) / 1000.0);
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static Result evaluate(int rate, double seconds, Map<Long, List<Long>> events, Map<String, Long> seen,
      List<Long> windowEnds, Duration outOfOrderness) {
    return evaluate(rate, seconds, events, seen, windowEnds, outOfOrderness, new double[0]);
  }

  static Result evaluate(int rate, double seconds, Map<Long, List<Long>> events, Map<String, Long> seen,
      List<Long> windowEnds, Duration outOfOrderness, double[] provisional) {
    List<Double> close = new ArrayList<>();
    List<Double> eventLatency = new ArrayList<>();
    int windows = 0;
    long counted = 0;
    for (long end : windowEnds) {
      long allVisible = Long.MIN_VALUE;
      for (Map.Entry<String, Long> e : seen.entrySet()) {
        if (e.getKey().endsWith("@" + end)) {
          close.add((e.getValue() - end - outOfOrderness.toMillis()) / 1000.0);
          allVisible = Math.max(allVisible, e.getValue());
        }
      }
      if (allVisible == Long.MIN_VALUE) {
        continue;
      }
      windows++;
      for (long t : events.getOrDefault(end - MINUTE, List.of())) {
        eventLatency.add((allVisible - t) / 1000.0);
        counted++;
      }
    }
    return new Result(rate, seconds, windows, counted, Percentiles.of(toArray(close)), Percentiles.of(toArray(eventLatency)),
        Percentiles.of(provisional));
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Notes the first sighting of every final 1m point of the survey measurements, and of every n of
   * the overall 1m NPS point (provisional or final), until interrupted.
   */
  private static void poll(InfluxServer influx, String database, long fromMillis, Map<String, Long> seen,
      Map<Long, TreeMap<Long, Long>> counted) {
    String query = "SELECT \"" + InfluxSchema.FIELD_N + "\", \"" + InfluxSchema.FIELD_PROVISIONAL + "\" FROM \"cx_nps\",\"cx_csat\",\"cx_ces\" WHERE \""
        + InfluxSchema.TAG_WINDOW + "\" = '" + InfluxSchema.WINDOW_1M + "' AND time >= " + fromMillis + "ms GROUP BY *";
    while (!Thread.currentThread().isInterrupted()) {
      try {
        JsonNode reply = JSON.readTree(influx.query(database, query));
        long now = System.currentTimeMillis();
        for (JsonNode series : reply.path("results").path(0).path("series")) {
          String key = series.path("name").asText() + series.path("tags");
          boolean overallNps = series.path("name").asText().equals("cx_nps")
              && series.path("tags").path(InfluxSchema.TAG_CHANNEL).asText().equals("all")
              && series.path("tags").path(InfluxSchema.TAG_REGION).asText().equals("all")
              && series.path("tags").path(InfluxSchema.TAG_TEAM).asText().equals("all")
              && series.path("tags").path(InfluxSchema.TAG_PRODUCT).asText().equals("all");
          for (JsonNode row : series.path("values")) {
            if (overallNps) {
              counted.computeIfAbsent(row.path(0).asLong(), w -> new TreeMap<>()).putIfAbsent(row.path(1).asLong(), now);
            }
            if (row.path(2).asLong(0) != 1) { // final (0, or no marker at all)
              seen.putIfAbsent(key + "@" + row.path(0).asLong(), now);
            }
          }
        }
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        // the database does not exist before the job's first write: ask again
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }
}
