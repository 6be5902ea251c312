package io.cxmonitor.metrics;

import io.cxmonitor.schemas.SurveyResponse;
import java.time.Duration;

/** Checks a decoded survey response; a non-null answer is the dead-letter reason. */
public final class SurveyValidation {
  /** Answers further in the future than this (clock skew allowance) are rejected. */
  public static final Duration MAX_FUTURE = Duration.ofHours(1);

  private SurveyValidation() {}

  public static String problem(SurveyResponse r, long nowMillis) {
    if (r.getResponseId() == null || r.getResponseId().isBlank()) {
      return "response_id is empty";
    }
    if (r.getCustomerId() == null || r.getCustomerId().isBlank()) {
      return "customer_id is empty (response " + r.getResponseId() + ")";
    }
    if (r.getNps() == null && r.getCsat() == null && r.getCes() == null) {
      return "no score: nps, csat and ces are all null (response " + r.getResponseId() + ")";
    }
    String range = outOfRange("nps", r.getNps(), 0, 10);
    if (range == null) {
      range = outOfRange("csat", r.getCsat(), 1, 5);
    }
    if (range == null) {
      range = outOfRange("ces", r.getCes(), 1, 7);
    }
    if (range != null) {
      return range + " (response " + r.getResponseId() + ")";
    }
    long t = r.getEventTime().toEpochMilli();
    if (t <= 0) {
      return "event_time " + r.getEventTime() + " is not after 1970 (response " + r.getResponseId() + ")";
    }
    if (t > nowMillis + MAX_FUTURE.toMillis()) {
      return "event_time " + r.getEventTime() + " is more than " + MAX_FUTURE.toMinutes()
          + " min in the future: check the producer's clock (response " + r.getResponseId() + ")";
    }
    return null;
  }

  private static String outOfRange(String name, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      return name + " = " + value + " is outside " + min + ".." + max;
    }
    return null;
  }
}
