package io.cxmonitor.inputs;

import io.cxmonitor.schemas.SurveyResponse;

/** Checks a decoded survey response; a non-null answer is the dead-letter reason. */
public final class SurveyValidation {
  private SurveyValidation() {}

  /** With the default event-time range. */
  public static String problem(SurveyResponse r, long nowMillis) {
    return problem(r, nowMillis, EventTimeCheck.DEFAULT);
  }

  public static String problem(SurveyResponse r, long nowMillis, EventTimeCheck eventTimes) {
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
    return eventTimes.problem("event_time", r.getEventTime(), nowMillis, "response " + r.getResponseId());
  }

  private static String outOfRange(String name, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      return name + " = " + value + " is outside " + min + ".." + max;
    }
    return null;
  }
}
