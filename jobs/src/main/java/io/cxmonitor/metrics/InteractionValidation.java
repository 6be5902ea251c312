package io.cxmonitor.metrics;

import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;

/** Checks a decoded interaction event; a non-null answer is the dead-letter reason. */
public final class InteractionValidation {
  private InteractionValidation() {}

  public static String problem(InteractionEvent e, long nowMillis) {
    if (e.getEventId() == null || e.getEventId().isBlank()) {
      return "event_id is empty";
    }
    if (e.getTicketId() == null || e.getTicketId().isBlank()) {
      return "ticket_id is empty (event " + e.getEventId() + ")";
    }
    if (e.getCustomerId() == null || e.getCustomerId().isBlank()) {
      return "customer_id is empty (event " + e.getEventId() + ")";
    }
    if (e.getEventType() == InteractionType.UNKNOWN) {
      return "event_type is not one this job knows (event " + e.getEventId() + ")";
    }
    long t = e.getEventTime().toEpochMilli();
    if (t <= 0) {
      return "event_time " + e.getEventTime() + " is not after 1970 (event " + e.getEventId() + ")";
    }
    if (t > nowMillis + SurveyValidation.MAX_FUTURE.toMillis()) {
      return "event_time " + e.getEventTime() + " is more than " + SurveyValidation.MAX_FUTURE.toMinutes()
          + " min in the future: check the producer's clock (event " + e.getEventId() + ")";
    }
    return null;
  }
}
