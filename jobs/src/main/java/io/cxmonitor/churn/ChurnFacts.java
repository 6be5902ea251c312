package io.cxmonitor.churn;

import io.cxmonitor.metrics.ChurnCounts;

/** How each customer fact counts towards the churn KPIs of its bucket. */
public final class ChurnFacts {
  private ChurnFacts() {}

  
  public static void count(ChurnCounts c, CustomerFact f) {
    switch (f.kind) {
      case SUBSCRIBED -> {
        c.subscriptions++;
        c.mrrNew += f.value;
        c.activeDelta++;
        c.mrrDelta += f.value;
      }
      case GROUP_OUT -> {
        c.activeDelta--;
        c.mrrDelta -= f.value;
      }
      case GROUP_IN -> {
        c.activeDelta++;
        c.mrrDelta += f.value;
      }
      case EXPANSION -> c.mrrExpansion += f.value;
      case CONTRACTION -> c.mrrContraction += f.value;
      case RENEWED -> c.renewals++;
      case CANCELLED -> {
        c.cancellations++;
        c.mrrChurned += f.value;
        c.activeDelta--;
        c.mrrDelta -= f.value;
      }
      case AT_RISK -> {
        c.enteredRisk++;
        c.atRiskDelta++;
        c.revenueAtRiskDelta += f.value;
      }
      case RECOVERED -> {
        c.recovered++;
        c.atRiskDelta--;
        c.revenueAtRiskDelta -= f.value;
      }
      case CHURNED_AT_RISK -> {
        c.churnedAtRisk++;
        c.atRiskDelta--;
        c.revenueAtRiskDelta -= f.value;
      }
      case RISK_OUT -> {
        c.atRiskDelta--;
        c.revenueAtRiskDelta -= f.value;
      }
      case RISK_IN -> {
        c.atRiskDelta++;
        c.revenueAtRiskDelta += f.value;
      }
      case COHORT -> {
        switch (f.window) {
          case 0 -> {
            c.cohortBucket += f.count;
            c.cohortMrrBucket += f.value;
          }
          case 1 -> {
            c.cohortHour += f.count;
            c.cohortMrrHour += f.value;
          }
          default -> {
            c.cohortDay += f.count;
            c.cohortMrrDay += f.value;
          }
        }
      }
      case FOLLOW_UP_CREATED -> c.followUpsCreated++;
      case FOLLOW_UP_DONE_ON_TIME -> c.followUpsOnTime++;
      case FOLLOW_UP_DONE_LATE -> c.followUpsLate++;
      case FOLLOW_UP_OVERDUE -> c.followUpsOverdue++;
    }
  }
}
