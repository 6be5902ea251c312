package io.cxmonitor.churn.followups;

import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.SurveyResponse;

/** Input of the follow-up function: an action created from a survey, or a done event. */
public final class FollowUpSignal {
  public boolean created;
  public String actionId;
  public long time;
  public SurveyResponse response;
  public String reason;

  public FollowUpSignal() {}

  /** The follow-up a survey response asks for, or null: detractor NPS (0–6) first, else CSAT 1–2. */
  public static FollowUpSignal of(SurveyResponse r) {
    String reason = r.getNps() != null && r.getNps() <= 6 ? "detractor" : r.getCsat() != null && r.getCsat() <= 2 ? "low_csat" : null;
    if (reason == null) {
      return null;
    }
    FollowUpSignal s = new FollowUpSignal();
    s.created = true;
    s.actionId = actionId(r.getResponseId());
    s.time = r.getEventTime().toEpochMilli();
    s.response = r;
    s.reason = reason;
    return s;
  }

  public static FollowUpSignal of(FollowUpDone d) {
    FollowUpSignal s = new FollowUpSignal();
    s.actionId = d.getActionId();
    s.time = d.getDoneAt().toEpochMilli();
    return s;
  }

  public static String actionId(String responseId) {
    return "fu-" + responseId;
  }
}
