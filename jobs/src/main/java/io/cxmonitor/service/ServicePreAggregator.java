package io.cxmonitor.service;

import io.cxmonitor.platform.windows.FactPreAggregator;

import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.schemas.Channel;
import java.util.HashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import java.util.Map;

/**
 * Pre-aggregates ticket facts per bucket for overall, channel, team, region, priority and product.
 *
 * <p>A queue outcome is dated by its queue entry (its cohort) but known only when the wait ends
 * (the fact's record timestamp: the event or timer that decided it); a forward repeat likewise.
 * When it became known in a later bucket than its cohort's, it is not late: it is shipped at once
 * as a correction partial of the cohort bucket, stamped with the time it became known, and the
 * rolling windows apply it at the end of that bucket (see {@code RollingWindows}) — whatever the
 * timing, and whether or not this subtask has closed the cohort bucket yet; counted in the metric
 * {@code cohortCorrections}.
 */
public final class ServicePreAggregator extends FactPreAggregator<TicketFact, ServiceCounts, ServicePartial> {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Integer> CHANNEL_ORDINALS = new HashMap<>();
  private static final Grouping[] GROUPINGS =
      {Grouping.OVERALL, Grouping.CHANNEL, Grouping.TEAM, Grouping.REGION, Grouping.PRIORITY, Grouping.PRODUCT};
  private transient Counter cohortCorrections;

  static {
    for (Channel c : Channel.values()) {
      CHANNEL_ORDINALS.put(Grouping.tagValue(c.name()), c.ordinal());
    }
  }

  public ServicePreAggregator(String job, long bucketMillis, long statsIntervalMillis) {
    super(job, bucketMillis, statsIntervalMillis, GROUPINGS);
  }

  @Override
  public void open() throws Exception {
    super.open();
    cohortCorrections = getRuntimeContext().getMetricGroup().counter("cohortCorrections");
  }

  @Override
  public void processElement(StreamRecord<TicketFact> element) {
    TicketFact f = element.getValue();
    long bucket = bucketOf(f.time);
    // A correction whenever it became known in a later bucket than its cohort's, whether or not this
    // subtask's watermark has closed the cohort bucket yet (which depends on timing, and on a restore).
    if (!f.cohortDated() || !element.hasTimestamp() || bucketOf(element.getTimestamp()) <= bucket) {
      super.processElement(element);
      return;
    }
    counters.events++;
    cohortCorrections.inc();
    long timestamp = element.getTimestamp();
    for (Grouping g : GROUPINGS) {
      ServiceCounts c = new ServiceCounts();
      record(c, f);
      String value = valueOf(f, g);
      output.collect(new StreamRecord<>(partial(g, value == null ? Grouping.UNKNOWN : value, bucket, c), timestamp));
    }
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
      case RESOLVED, RESOLVED_AGAIN, ABANDONED, CLOSED, MOVED_OUT -> -1;
      default -> 0;
    };
  }

  @Override
  protected ServicePartial partial(Grouping g, String value, long bucket, ServiceCounts c) {
    return new ServicePartial(g, value, bucket, c); // shipped with its live histograms (ServicePartialSerializer)
  }
}
