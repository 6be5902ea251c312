package io.cxmonitor.surveys;

import io.cxmonitor.platform.windows.FactPreAggregator;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.metrics.SurveyCounts;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * First phase of the two-phase survey aggregation, chained to the deduplicator: adds every
 * response to five groupings (overall, channel, region, team, product) of its event-time bucket
 * and ships one {@link SurveyPartial} per group and bucket (see {@link FactPreAggregator}), so the
 * shuffle carries partial aggregates, not events.
 *
 * <p>It is also the one place that counts what is not used: decode/validation failures and late
 * responses (their bucket already closed at their source subtask, marked by
 * {@link SurveyLatenessCheck}) go to the dead-letter side output with the original bytes and are
 * counted; copies marked by {@link SurveyDeduplicator} are counted as duplicates only.
 */
public final class SurveyPreAggregator extends FactPreAggregator<Decoded<SurveyResponse>, SurveyCounts, SurveyPartial> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private static final int MAX_CACHED_TAG_VALUES = 10_000;
  private static final String[] CHANNEL_TAGS = channelTags();

  private transient Map<String, String> tagValueCache;
  private transient Counter lateCounter;
  private transient Counter deadLetterCounter;
  private transient Counter duplicateCounter;

  public SurveyPreAggregator(String job, long bucketMillis, long statsIntervalMillis) {
    super(job, bucketMillis, statsIntervalMillis,
        Grouping.OVERALL, Grouping.CHANNEL, Grouping.REGION, Grouping.TEAM, Grouping.PRODUCT);
  }

  @Override
  public void open() throws Exception {
    super.open();
    tagValueCache = new HashMap<>();
    lateCounter = getMetricGroup().counter("lateRecords");
    deadLetterCounter = getMetricGroup().counter("deadLetteredRecords");
    duplicateCounter = getMetricGroup().counter("duplicateRecords");
  }

  @Override
  protected boolean lateIsDeadLettered() {
    return true;
  }

  @Override
  protected boolean accept(Decoded<SurveyResponse> d) {
    if (d.duplicate) {
      counters.duplicates++;
      duplicateCounter.inc();
      return false;
    }
    if (d.ok()) {
      if (d.unknownSymbols != null) {
        counters.unknownSymbols++;
      }
      return true;
    }
    if (d.failureKind == DeadLetter.Kind.LATE) {
      // marked by the SurveyLatenessCheck before the shuffle
      counters.late++;
      lateCounter.inc();
    } else if (d.failureKind == DeadLetter.Kind.UNDECODABLE) {
      counters.undecodable++;
    } else {
      counters.invalid++;
    }
    deadLetter(d.toDeadLetter(d.failureKind, d.failureReason, job));
    return false;
  }

  /**
   * Safety net only: lateness is decided before the shuffle ({@link SurveyLatenessCheck}), so no
   * response reaching this operator can be for a minute its watermark has closed.
   */
  @Override
  protected void onLate(Decoded<SurveyResponse> d) {
    lateCounter.inc();
    deadLetter(d.toDeadLetter(DeadLetter.Kind.LATE, lateReason(d.value, watermark), job));
  }

  static String lateReason(SurveyResponse r, long watermark) {
    return "late: event_time " + r.getEventTime() + " is in a minute already closed by watermark "
        + Instant.ofEpochMilli(watermark) + " (response " + r.getResponseId() + ")";
  }

  private void deadLetter(DeadLetter d) {
    deadLetterCounter.inc();
    output.collect(DEAD_LETTERS, new StreamRecord<>(d));
  }

  @Override
  protected long timeOf(Decoded<SurveyResponse> d) {
    return d.value.getEventTime().toEpochMilli();
  }

  @Override
  protected String valueOf(Decoded<SurveyResponse> d, Grouping g) {
    SurveyResponse r = d.value;
    return switch (g) {
      case CHANNEL -> CHANNEL_TAGS[r.getChannel().ordinal()];
      case REGION -> tag(r.getRegion());
      case TEAM -> tag(r.getTeam());
      case PRODUCT -> tag(r.getProduct());
      default -> Grouping.ALL;
    };
  }

  private String tag(String raw) {
    if (raw == null) {
      return Grouping.UNKNOWN;
    }
    String v = tagValueCache.get(raw);
    if (v == null) {
      v = Grouping.tagValue(raw);
      if (tagValueCache.size() < MAX_CACHED_TAG_VALUES) {
        tagValueCache.put(raw, v);
      }
    }
    return v;
  }

  @Override
  protected SurveyCounts newAggregate() {
    return new SurveyCounts();
  }

  @Override
  protected void record(SurveyCounts c, Decoded<SurveyResponse> d) {
    c.addResponse(d.value.getNps(), d.value.getCsat(), d.value.getCes());
  }

  @Override
  protected void recordGaugeOnly(SurveyCounts c, Decoded<SurveyResponse> d) {
    // surveys carry no gauge
  }

  @Override
  protected SurveyPartial partial(Grouping g, String value, long bucket, SurveyCounts c) {
    return new SurveyPartial(g, value, bucket, c);
  }

  private static String[] channelTags() {
    Channel[] channels = Channel.values();
    String[] tags = new String[channels.length];
    for (Channel c : channels) {
      tags[c.ordinal()] = Grouping.tagValue(c.name());
    }
    return tags;
  }
}
