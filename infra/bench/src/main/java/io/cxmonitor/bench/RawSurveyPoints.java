package io.cxmonitor.bench;

import static io.cxmonitor.platform.influx.InfluxSchema.TAG_CHANNEL;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_PRODUCT;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_REGION;
import static io.cxmonitor.platform.influx.InfluxSchema.TAG_TEAM;

import io.cxmonitor.platform.windows.Grouping;
import io.cxmonitor.schemas.SurveyResponse;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;

/**
 * The raw-events runner's InfluxDB schema: one point per survey response, as a team without a
 * stream processor would write it, with the answers as integer fields and the 0/1 fields InfluxQL
 * needs to count promoters, detractors, top-2-box and high effort ({@code mean} of a 0/1 field is
 * a share; InfluxQL has no conditional count). Tags are the survey job's dimensions with the job's
 * tag values ({@link Grouping#tagValue}), so both can be queried with the same filters.
 */
final class RawSurveyPoints {
  private RawSurveyPoints() {}

  static final String MEASUREMENT = "survey_response";
  static final String FIELD_NPS = "nps";
  static final String FIELD_CSAT = "csat";
  static final String FIELD_CES = "ces";
  /** 1 when nps is 9 or 10, else 0; only with an nps answer. */
  static final String FIELD_PROMOTER = "promoter";
  /** 1 when nps is 0 to 6, else 0; only with an nps answer. */
  static final String FIELD_DETRACTOR = "detractor";
  /** 1 when csat is 4 or 5, else 0; only with a csat answer. */
  static final String FIELD_CSAT_TOP2 = "csat_top2";
  /** 1 when ces is 5 to 7, else 0; only with a ces answer. */
  static final String FIELD_CES_HIGH = "ces_high";

  /** Sub-millisecond nanoseconds available to tell responses of the same millisecond apart. */
  static final long NANOS_PER_MILLI = 1_000_000;

  /**
   * The point of one response. InfluxDB keeps one point per series and timestamp, and responses of
   * the same millisecond with the same tags are common (the benchmark's copies share the original's
   * event time), so the timestamp is the event time in nanoseconds plus {@code uniqueNanos} (0 to
   * 999,999; the caller derives it from the record's partition and offset).
   */
  static Point point(SurveyResponse r, long uniqueNanos) {
    Point.Builder p = Point.measurement(MEASUREMENT)
        .time(r.getEventTime().toEpochMilli() * NANOS_PER_MILLI + uniqueNanos, TimeUnit.NANOSECONDS)
        .tag(TAG_CHANNEL, Grouping.tagValue(r.getChannel().name()))
        .tag(TAG_REGION, Grouping.tagValue(r.getRegion()))
        .tag(TAG_TEAM, Grouping.tagValue(r.getTeam()))
        .tag(TAG_PRODUCT, Grouping.tagValue(r.getProduct()));
    Integer nps = r.getNps();
    if (nps != null) {
      p.addField(FIELD_NPS, nps.longValue())
          .addField(FIELD_PROMOTER, nps >= 9 ? 1L : 0L)
          .addField(FIELD_DETRACTOR, nps <= 6 ? 1L : 0L);
    }
    Integer csat = r.getCsat();
    if (csat != null) {
      p.addField(FIELD_CSAT, csat.longValue()).addField(FIELD_CSAT_TOP2, csat >= 4 ? 1L : 0L);
    }
    Integer ces = r.getCes();
    if (ces != null) {
      p.addField(FIELD_CES, ces.longValue()).addField(FIELD_CES_HIGH, ces >= 5 ? 1L : 0L);
    }
    return p.build();
  }
}
