package io.cxmonitor.functions;

import io.cxmonitor.io.kafka.DeadLetter;
import io.cxmonitor.io.kafka.Decoded;
import io.cxmonitor.metrics.Grouping;
import io.cxmonitor.metrics.SurveyCounts;
import io.cxmonitor.metrics.SurveyPartial;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * First phase of the two-phase survey aggregation, chained to the Kafka source: each subtask
 * adds every response to five groupings (overall, channel, region, team, product) of its
 * event-time minute in local hash maps and ships one {@link SurveyPartial} per group and minute
 * when the watermark closes the minute, and before every checkpoint barrier. So the shuffle
 * carries partial aggregates, not events, and no partial state needs checkpointing.
 *
 * <p>It is also the one place that decides what is not used: decode/validation failures and
 * late responses (their minute already closed) go to the dead-letter side output and are
 * counted. The counters and the last watermark are checkpointed, so lateness decisions and
 * totals stay the same across restarts.
 */
public final class SurveyPreAggregator extends CountingOperator<Decoded<SurveyResponse>, SurveyPartial> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  /** Survey groupings: overall, channel, region, team, product (ordinals 0..4). */
  private static final int GROUPINGS = Grouping.PRODUCT.ordinal() + 1;
  private static final int MAX_CACHED_TAG_VALUES = 10_000;
  private static final String[] CHANNEL_TAGS = channelTags();


  /** Open minutes: minute → per grouping: tag value → counts. */
  private transient TreeMap<Long, Map<String, SurveyCounts>[]> open;
  private transient Map<String, String> tagValueCache;
  private transient Counter lateCounter;
  private transient Counter deadLetterCounter;

  public SurveyPreAggregator(String job, long bucketMillis, long statsIntervalMillis) {
    super(job, bucketMillis, statsIntervalMillis);
  }

  @Override
  public void open() throws Exception {
    super.open();
    open = new TreeMap<>();
    tagValueCache = new HashMap<>();
    lateCounter = getMetricGroup().counter("lateRecords");
    deadLetterCounter = getMetricGroup().counter("deadLetteredRecords");
  }

  @Override
  public void processElement(StreamRecord<Decoded<SurveyResponse>> element) throws Exception {
    Decoded<SurveyResponse> d = element.getValue();
    if (!d.ok()) {
      if (d.failureKind == DeadLetter.Kind.UNDECODABLE) {
        counters.undecodable++;
      } else {
        counters.invalid++;
      }
      deadLetter(d.toDeadLetter(d.failureKind, d.failureReason, job));
      return;
    }
    SurveyResponse r = d.value;
    long ts = r.getEventTime().toEpochMilli();
    long minute = bucketOf(ts);
    if (closed(minute)) {
      counters.late++;
      lateCounter.inc();
      deadLetter(d.toDeadLetter(DeadLetter.Kind.LATE,
          "late: event_time " + r.getEventTime() + " is in a minute already closed by watermark "
              + java.time.Instant.ofEpochMilli(watermark) + " (response " + r.getResponseId() + ")", job));
      return;
    }
    counters.events++;
    Map<String, SurveyCounts>[] groups = open.computeIfAbsent(minute, SurveyPreAggregator::newGroups);
    add(groups[Grouping.OVERALL.ordinal()], Grouping.ALL, r);
    add(groups[Grouping.CHANNEL.ordinal()], CHANNEL_TAGS[r.getChannel().ordinal()], r);
    add(groups[Grouping.REGION.ordinal()], tag(r.getRegion()), r);
    add(groups[Grouping.TEAM.ordinal()], tag(r.getTeam()), r);
    add(groups[Grouping.PRODUCT.ordinal()], tag(r.getProduct()), r);
  }

  private static void add(Map<String, SurveyCounts> group, String value, SurveyResponse r) {
    SurveyCounts c = group.get(value);
    if (c == null) {
      c = new SurveyCounts();
      group.put(value, c);
    }
    c.addResponse(r.getNps(), r.getCsat(), r.getCes());
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

  @SuppressWarnings("unchecked")
  private static Map<String, SurveyCounts>[] newGroups(long minute) {
    Map<String, SurveyCounts>[] groups = new Map[GROUPINGS];
    for (int i = 0; i < GROUPINGS; i++) {
      groups[i] = new HashMap<>();
    }
    return groups;
  }

  private void deadLetter(DeadLetter d) {
    deadLetterCounter.inc();
    output.collect(DEAD_LETTERS, new StreamRecord<>(d));
  }

  @Override
  protected void onWatermark(long newWatermark) {
    Iterator<Map.Entry<Long, Map<String, SurveyCounts>[]>> it = open.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Map<String, SurveyCounts>[]> e = it.next();
      if (!closed(e.getKey())) {
        break;
      }
      emit(e.getKey(), e.getValue());
      it.remove();
    }
  }

  @Override
  protected void flush() {
    for (Map.Entry<Long, Map<String, SurveyCounts>[]> e : open.entrySet()) {
      emit(e.getKey(), e.getValue());
    }
    open.clear();
  }

  private void emit(long minute, Map<String, SurveyCounts>[] groups) {
    long timestamp = (minute + 1) * bucketMillis - 1;
    for (int g = 0; g < GROUPINGS; g++) {
      for (Map.Entry<String, SurveyCounts> e : groups[g].entrySet()) {
        output.collect(new StreamRecord<>(new SurveyPartial(Grouping.of(g), e.getKey(), minute, e.getValue()), timestamp));
      }
    }
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
