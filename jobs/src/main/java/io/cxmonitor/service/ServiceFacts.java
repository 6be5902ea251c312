package io.cxmonitor.service;

import io.cxmonitor.metrics.ServiceCounts;

/** How each ticket fact counts towards the service KPIs of its bucket. */
public final class ServiceFacts {
  private ServiceFacts() {}

  /** Adds one fact; {@code fromChannel}/{@code toChannel} ordinals are only used for repeat contacts. */
  public static void count(ServiceCounts c, TicketFact f, int fromChannel, int toChannel) {
    switch (f.kind) {
      case OPENED -> {
        c.opened++;
        c.backlogDelta++;
        if (f.flag) {
          c.queued++;
        }
      }
      case FIRST_RESPONSE -> c.frt().recordValue(Math.max(0, f.durationMs));
      case RESOLVED -> {
        c.resolved++;
        c.backlogDelta--;
        if (f.flag) {
          c.selfService++;
        }
        c.ttr().recordValue(Math.max(0, f.durationMs));
      }
      case RESOLVED_AGAIN, MOVED_OUT -> c.backlogDelta--;
      case MOVED_IN -> c.backlogDelta++;
      case REOPENED -> {
        c.reopened++;
        c.backlogDelta++;
      }
      case ABANDONED -> {
        c.abandoned++;
        c.backlogDelta--;
      }
      case FCR_FINAL -> {
        c.fcrFinal++;
        if (f.flag) {
          c.fcrYes++;
        }
      }
      case SLA_BREACH_FIRST_RESPONSE -> c.frtBreaches++;
      case SLA_BREACH_RESOLUTION -> c.ttrBreaches++;
      case CONTACT -> c.contacts++;
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
