package io.cxmonitor.bench.jmh;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.metrics.SurveyCounts;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.service.ServiceFacts;
import io.cxmonitor.service.TicketFact;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The pre-aggregators' per-event work, one event per operation: the loop of
 * {@code FactPreAggregator.processElement} (bucket of the event's minute, then for each grouping
 * its tag value, the group's aggregate in a hash map and the job's own {@code record}:
 * {@link SurveyCounts#addResponse} for the survey job's five groupings, {@link ServiceFacts#count}
 * for the service job's six), without the operator around it (metrics, tag-cardinality guard,
 * lateness check), whose per-event cost is a few field reads. The sample's minute buckets all
 * stay open (no watermark closes them here): each holds a minute's groups, as in the job.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PreAggregationBenchmark {
  private static final Grouping[] SURVEY_GROUPINGS =
      {Grouping.OVERALL, Grouping.CHANNEL, Grouping.REGION, Grouping.TEAM, Grouping.PRODUCT};
  private static final Grouping[] SERVICE_GROUPINGS =
      {Grouping.OVERALL, Grouping.CHANNEL, Grouping.TEAM, Grouping.REGION, Grouping.PRIORITY, Grouping.PRODUCT};

  private SurveyResponse[] surveys;
  private TicketFact[] facts;
  private String[] channelTags;
  private final Map<String, String> tagCache = new HashMap<>();
  private final TreeMap<Long, Map<String, SurveyCounts>[]> surveyBuckets = new TreeMap<>();
  private final TreeMap<Long, Map<String, ServiceCounts>[]> serviceBuckets = new TreeMap<>();
  private final Map<String, Integer> channelOrdinals = new HashMap<>();
  private int i;

  @Setup
  public void setUp() {
    Samples s = Samples.get();
    surveys = s.surveys.toArray(SurveyResponse[]::new);
    facts = s.facts.toArray(TicketFact[]::new);
    io.cxmonitor.schemas.Channel[] channels = io.cxmonitor.schemas.Channel.values();
    channelTags = new String[channels.length];
    for (io.cxmonitor.schemas.Channel c : channels) {
      channelTags[c.ordinal()] = Grouping.tagValue(c.name());
      channelOrdinals.put(channelTags[c.ordinal()], c.ordinal());
    }
    System.out.printf("%n[sizes] %d survey responses, %d ticket facts from %d interactions%n",
        surveys.length, facts.length, s.interactions.size());
  }

  private int next(int n) {
    i = i + 1 == n ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public SurveyCounts surveyResponse() {
    SurveyResponse r = surveys[next(surveys.length)];
    Map<String, SurveyCounts>[] groups = groupsOf(surveyBuckets, r.getEventTime().toEpochMilli(), SURVEY_GROUPINGS.length);
    SurveyCounts last = null;
    for (int g = 0; g < SURVEY_GROUPINGS.length; g++) {
      String value = switch (SURVEY_GROUPINGS[g]) {
        case CHANNEL -> channelTags[r.getChannel().ordinal()];
        case REGION -> tag(r.getRegion());
        case TEAM -> tag(r.getTeam());
        case PRODUCT -> tag(r.getProduct());
        default -> Grouping.ALL;
      };
      last = groups[g].computeIfAbsent(value, v -> new SurveyCounts());
      last.addResponse(r.getNps(), r.getCsat(), r.getCes());
    }
    return last;
  }

  @Benchmark
  public ServiceCounts serviceFact() {
    TicketFact f = facts[next(facts.length)];
    Map<String, ServiceCounts>[] groups = groupsOf(serviceBuckets, f.time, SERVICE_GROUPINGS.length);
    ServiceCounts last = null;
    for (int g = 0; g < SERVICE_GROUPINGS.length; g++) {
      String value = switch (SERVICE_GROUPINGS[g]) {
        case CHANNEL -> f.channel;
        case TEAM -> f.team;
        case REGION -> f.region;
        case PRIORITY -> f.priority;
        case PRODUCT -> f.product;
        default -> Grouping.ALL;
      };
      last = groups[g].computeIfAbsent(value == null ? Grouping.UNKNOWN : value, v -> new ServiceCounts());
      int from = f.fromChannel == null ? -1 : channelOrdinals.getOrDefault(f.fromChannel, -1);
      ServiceFacts.count(last, f, from, channelOrdinals.getOrDefault(f.channel, -1));
    }
    return last;
  }

  private String tag(String raw) {
    if (raw == null) {
      return Grouping.UNKNOWN;
    }
    String v = tagCache.get(raw);
    if (v == null) {
      v = Grouping.tagValue(raw);
      tagCache.put(raw, v);
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static <A> Map<String, A>[] groupsOf(TreeMap<Long, Map<String, A>[]> buckets, long time, int groupings) {
    return buckets.computeIfAbsent(time / Samples.MINUTE, b -> {
      Map<String, A>[] groups = new Map[groupings];
      for (int g = 0; g < groups.length; g++) {
        groups[g] = new HashMap<>();
      }
      return groups;
    });
  }
}
