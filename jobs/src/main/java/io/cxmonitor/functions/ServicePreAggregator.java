package io.cxmonitor.functions;

import io.cxmonitor.metrics.Grouping;
import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.metrics.ServicePartial;
import io.cxmonitor.metrics.TicketFact;
import io.cxmonitor.schemas.Channel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * First phase of the service aggregation: adds every {@link TicketFact} to five groupings
 * (overall, channel, team, region, priority) of its event-time minute and ships one
 * {@link ServicePartial} per group and minute when the watermark closes the minute and before
 * every checkpoint barrier. A fact for a closed minute is late: it is counted
 * ({@code late_total}) and only its backlog change is kept (moved to the first open minute), so
 * the backlog gauge never drifts.
 */
public final class ServicePreAggregator extends CountingOperator<TicketFact, ServicePartial> {
  private static final long serialVersionUID = 1L;
  private static final Grouping[] GROUPINGS = {
      Grouping.OVERALL, Grouping.CHANNEL, Grouping.TEAM, Grouping.REGION, Grouping.PRIORITY};

  private transient TreeMap<Long, Map<String, ServiceCounts>[]> open;
  private transient Map<String, Integer> channelOrdinals;

  public ServicePreAggregator(String job, long bucketMillis, long statsIntervalMillis) {
    super(job, bucketMillis, statsIntervalMillis);
  }

  @Override
  public void open() throws Exception {
    super.open();
    open = new TreeMap<>();
    channelOrdinals = new HashMap<>();
    for (Channel c : Channel.values()) {
      channelOrdinals.put(Grouping.tagValue(c.name()), c.ordinal());
    }
  }

  @Override
  public void processElement(StreamRecord<TicketFact> element) {
    TicketFact f = element.getValue();
    long minute = bucketOf(f.time);
    if (closed(minute)) {
      counters.late++;
      long delta = backlogDelta(f);
      if (delta != 0) {
        long firstOpen = Math.floorDiv(watermark + 1, bucketMillis);
        ServiceCounts[] targets = targets(firstOpen, f);
        for (ServiceCounts c : targets) {
          c.backlogDelta += delta;
        }
      }
      return;
    }
    counters.events++;
    int from = f.fromChannel == null ? -1 : channelOrdinals.getOrDefault(f.fromChannel, -1);
    int to = channelOrdinals.getOrDefault(f.channel, -1);
    for (ServiceCounts c : targets(minute, f)) {
      c.record(f, from, to);
    }
  }

  private static long backlogDelta(TicketFact f) {
    return switch (f.kind) {
      case OPENED, REOPENED, MOVED_IN -> 1;
      case RESOLVED, RESOLVED_AGAIN, ABANDONED, MOVED_OUT -> -1;
      default -> 0;
    };
  }

  private ServiceCounts[] targets(long minute, TicketFact f) {
    Map<String, ServiceCounts>[] groups = open.computeIfAbsent(minute, ServicePreAggregator::newGroups);
    return new ServiceCounts[] {
        counts(groups[0], Grouping.ALL),
        counts(groups[1], f.channel),
        counts(groups[2], f.team),
        counts(groups[3], f.region),
        counts(groups[4], f.priority)};
  }

  private static ServiceCounts counts(Map<String, ServiceCounts> group, String value) {
    return group.computeIfAbsent(value == null ? Grouping.UNKNOWN : value, v -> new ServiceCounts());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ServiceCounts>[] newGroups(long minute) {
    Map<String, ServiceCounts>[] groups = new Map[GROUPINGS.length];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = new HashMap<>();
    }
    return groups;
  }

  @Override
  protected void onWatermark(long newWatermark) {
    Iterator<Map.Entry<Long, Map<String, ServiceCounts>[]>> it = open.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Map<String, ServiceCounts>[]> e = it.next();
      if (!closed(e.getKey())) {
        break;
      }
      emit(e.getKey(), e.getValue());
      it.remove();
    }
  }

  private void emit(long minute, Map<String, ServiceCounts>[] groups) {
    long timestamp = (minute + 1) * bucketMillis - 1;
    for (int g = 0; g < groups.length; g++) {
      for (Map.Entry<String, ServiceCounts> e : groups[g].entrySet()) {
        output.collect(new StreamRecord<>(new ServicePartial(GROUPINGS[g], e.getKey(), minute, e.getValue().seal()), timestamp));
      }
    }
  }

  @Override
  protected void flush() {
    open.forEach(this::emit);
    open.clear();
  }
}
