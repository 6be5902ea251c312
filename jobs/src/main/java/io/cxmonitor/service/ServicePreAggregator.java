package io.cxmonitor.service;

import io.cxmonitor.platform.windows.FactPreAggregator;

import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.schemas.Channel;
import java.util.HashMap;
import java.util.Map;

/** Pre-aggregates ticket facts per bucket for overall, channel, team, region, priority and product. */
public final class ServicePreAggregator extends FactPreAggregator<TicketFact, ServiceCounts, ServicePartial> {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Integer> CHANNEL_ORDINALS = new HashMap<>();

  static {
    for (Channel c : Channel.values()) {
      CHANNEL_ORDINALS.put(Grouping.tagValue(c.name()), c.ordinal());
    }
  }

  public ServicePreAggregator(String job, long bucketMillis, long statsIntervalMillis) {
    super(job, bucketMillis, statsIntervalMillis,
        Grouping.OVERALL, Grouping.CHANNEL, Grouping.TEAM, Grouping.REGION, Grouping.PRIORITY, Grouping.PRODUCT);
  }

  @Override
  protected long timeOf(TicketFact f) {
    return f.time;
  }

  @Override
  protected String valueOf(TicketFact f, Grouping g) {
    return switch (g) {
      case CHANNEL -> f.channel;
      case TEAM -> f.team;
      case REGION -> f.region;
      case PRIORITY -> f.priority;
      case PRODUCT -> f.product;
      default -> Grouping.ALL;
    };
  }

  @Override
  protected ServiceCounts newAggregate() {
    return new ServiceCounts();
  }

  @Override
  protected void record(ServiceCounts c, TicketFact f) {
    int from = f.fromChannel == null ? -1 : CHANNEL_ORDINALS.getOrDefault(f.fromChannel, -1);
    ServiceFacts.count(c, f, from, CHANNEL_ORDINALS.getOrDefault(f.channel, -1));
  }

  @Override
  protected void recordGaugeOnly(ServiceCounts c, TicketFact f) {
    c.backlogDelta += switch (f.kind) {
      case OPENED, REOPENED, MOVED_IN -> 1;
      case RESOLVED, RESOLVED_AGAIN, ABANDONED, MOVED_OUT -> -1;
      default -> 0;
    };
  }

  @Override
  protected ServicePartial partial(Grouping g, String value, long bucket, ServiceCounts c) {
    return new ServicePartial(g, value, bucket, c.seal());
  }
}
