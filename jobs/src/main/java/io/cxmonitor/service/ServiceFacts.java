package io.cxmonitor.service;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.schemas.CloseReason;

/**
 * How each ticket fact counts towards the service KPIs of its bucket. Every rate's numerator and
 * denominator come from the same fact (the numerator is a flag of it), so a rate is a proportion
 * of one cohort and never above 100 %, in any window and group.
 */
public final class ServiceFacts {
  private ServiceFacts() {}

  /** The reason a CLOSED fact counts under; none or one this version does not know is {@code OTHER}. */
  public static CloseReason closeReason(String name) {
    if (name != null) {
      for (CloseReason r : CloseReason.values()) {
        if (r.name().equals(name)) {
          return r;
        }
      }
    }
    return CloseReason.OTHER;
  }

  /** Adds one fact; {@code fromChannel}/{@code toChannel} ordinals are only used for repeat contacts. */
  public static void count(ServiceCounts c, TicketFact f, int fromChannel, int toChannel) {
    switch (f.kind) {
      case OPENED -> {
        c.opened++;
        c.backlogDelta++;
      }
      case QUEUED -> c.queueEntered++;
      case QUEUE_ANSWERED -> {
        c.queueLeft++;
        c.queueAnswered++;
        if (f.flag) {
          c.queueAnsweredInServiceLevel++;
        }
        c.recordQueueTime(f.durationMs);
      }
      case QUEUE_ABANDONED -> {
        c.queueLeft++;
        c.queueAbandoned++;
        c.recordQueueTime(f.durationMs);
      }
      case QUEUE_ENDED -> c.queueLeft++;
      case CLOSED -> {
        c.backlogDelta--;
        if (f.flag) {
          c.closedStale++;
        } else {
          c.closed++;
          if (c.closedByReason == null) {
            c.closedByReason = new long[ServiceCounts.CLOSE_REASONS];
          }
          c.closedByReason[closeReason(f.closeReason).ordinal()]++;
        }
      }
      case FIRST_RESPONSE -> c.recordFrt(f.durationMs);
      case RESOLVED -> {
        c.resolved++;
        c.backlogDelta--;
        if (f.flag) {
          c.selfService++;
        }
        c.recordTtr(f.durationMs);
      }
      case RESOLVED_AGAIN, MOVED_OUT -> c.backlogDelta--;
      case MOVED_IN -> c.backlogDelta++;
      case REOPENED -> {
        c.reopened++;
        c.backlogDelta++;
      }
      case ABANDONED -> c.backlogDelta--;
      case FCR_FINAL -> {
        c.resolvedFinal++;
        if (f.reopened) {
          c.reopenedFinal++;
        }
        if (!f.selfService) {
          c.fcrFinal++;
          if (f.flag) {
            c.fcrYes++;
          }
        }
      }
      case SLA_BREACH_FIRST_RESPONSE -> c.frtBreaches++;
      case SLA_BREACH_RESOLUTION -> c.ttrBreaches++;
      case CONTACT -> c.contacts++;
      case ANONYMOUS_CONTACT -> c.anonymousContacts++;
      case FORWARD_FOLLOWED -> c.fwdFollowed++;
      case FORWARD_EXPIRED -> c.fwdExpired++;
      case FORWARD_FINAL -> {
        c.fwdFinal++;
        if (f.flag) {
          c.fwdFinalFollowed++;
        }
      }
      case FCR_PROVISIONAL -> {
        c.fcrProvisional++;
        if (f.flag) {
          c.fcrProvisionalYes++;
        }
      }
      case REPEAT_CONTACT -> {
        c.repeats++;
        if (f.flag) {
          c.repeatsSwitched++;
        }
        if (fromChannel >= 0 && toChannel >= 0) {
          if (c.repeatPairs == null) {
            c.repeatPairs = new long[ServiceCounts.CHANNELS * ServiceCounts.CHANNELS];
          }
          c.repeatPairs[fromChannel * ServiceCounts.CHANNELS + toChannel]++;
        }
      }
    }
  }
}
