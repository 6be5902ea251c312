package io.cxmonitor.inputs;

import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;

/** Checks a decoded interaction event; a non-null answer is the dead-letter reason. */
public final class InteractionValidation {
  private InteractionValidation() {}

  /** With the default event-time range. */
  public static String problem(InteractionEvent e, long nowMillis) {
    return problem(e, nowMillis, EventTimeCheck.DEFAULT);
  }

  public static String problem(InteractionEvent e, long nowMillis, EventTimeCheck eventTimes) {
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
    return eventTimes.problem("event_time", e.getEventTime(), nowMillis, "event " + e.getEventId());
  }
}
