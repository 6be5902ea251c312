package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.service.TicketFact.Kind;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every service rate counts its numerator and its n from the same fact: a proportion of one cohort. */
class ServiceFactsTest {
  private static final Instant T0 = Instant.parse("2026-06-01T09:00:00Z");

  private static TicketFact fact(Kind kind, boolean flag) {
    TicketFact f = new TicketFact(kind, T0.toEpochMilli(), "phone", "voice", "north", "normal");
    f.product = "fiber";
    f.flag = flag;
    return f;
  }

  @Test
  void queueOutcomesCountInTheirCohort() {
    ServiceCounts c = new ServiceCounts();
    ServiceFacts.count(c, fact(Kind.QUEUED, false), -1, -1);
    ServiceFacts.count(c, fact(Kind.QUEUED, false), -1, -1);
    ServiceFacts.count(c, fact(Kind.QUEUED, false), -1, -1);
    ServiceFacts.count(c, fact(Kind.QUEUE_ANSWERED, true).withDuration(15_000), -1, -1);
    ServiceFacts.count(c, fact(Kind.QUEUE_ABANDONED, false).withDuration(40_000), -1, -1);
    assertThat(c.queueEntered).isEqualTo(3);
    assertThat(c.queueLeft).as("the third still waits").isEqualTo(2);
    assertThat(c.queueAbandoned).isEqualTo(1);
    assertThat(c.queueAnsweredInServiceLevel).isEqualTo(1);
    assertThat(c.queueTime().getTotalCount()).isEqualTo(2);
  }

  /** Any mix of facts, in any bucket arithmetic (add and subtract), keeps each numerator within its n. */
  @Test
  void noMixOfFactsPutsANumeratorAboveItsDenominator() {
    SplittableRandom random = new SplittableRandom(12);
    Kind[] kinds = Kind.values();
    ServiceCounts window = new ServiceCounts();
    ServiceCounts[] buckets = new ServiceCounts[10];
    for (int b = 0; b < buckets.length; b++) {
      buckets[b] = new ServiceCounts();
      for (int i = 0; i < 500; i++) {
        TicketFact f = fact(kinds[random.nextInt(kinds.length)], random.nextBoolean());
        f.selfService = random.nextBoolean();
        f.reopened = random.nextBoolean();
        ServiceFacts.count(buckets[b], f, random.nextInt(ServiceCounts.CHANNELS), random.nextInt(ServiceCounts.CHANNELS));
      }
      buckets[b].seal();
      window.add(buckets[b]);
      if (b >= 3) {
        window.subtract(buckets[b - 3]); // a rolling window of three buckets
      }
      assertThat(window.queueAbandoned + window.queueAnswered).isLessThanOrEqualTo(window.queueLeft);
      assertThat(window.queueAnsweredInServiceLevel).isLessThanOrEqualTo(window.queueAnswered);
      assertThat(window.reopenedFinal).isLessThanOrEqualTo(window.resolvedFinal);
      assertThat(window.fcrYes).isLessThanOrEqualTo(window.fcrFinal);
      assertThat(window.fcrFinal).isLessThanOrEqualTo(window.resolvedFinal);
      assertThat(window.selfService).isLessThanOrEqualTo(window.resolved);
      assertThat(window.repeatsSwitched).isLessThanOrEqualTo(window.repeats);
      assertThat(window.fcrProvisionalYes).isLessThanOrEqualTo(window.fcrProvisional);
      assertThat(window.fwdFinalFollowed).isLessThanOrEqualTo(window.fwdFinal);
      assertThat(java.util.Arrays.stream(window.closedByReason).sum()).isEqualTo(window.closed);
    }
  }

  @Test
  void closesCountPerReasonAndWithoutOneAsOther() {
    ServiceCounts c = new ServiceCounts();
    for (String reason : new String[] {"IVR_HANGUP", "IVR_HANGUP", "SPAM", null, "A_REASON_OF_A_LATER_VERSION"}) {
      TicketFact f = fact(Kind.CLOSED, false);
      f.closeReason = reason;
      ServiceFacts.count(c, f, -1, -1);
    }
    ServiceFacts.count(c, fact(Kind.CLOSED, true), -1, -1); // stale: not a reason of its own
    assertThat(c.closed).isEqualTo(5);
    assertThat(c.closedStale).isEqualTo(1);
    assertThat(c.closedByReason[io.cxmonitor.schemas.CloseReason.IVR_HANGUP.ordinal()]).isEqualTo(2);
    assertThat(c.closedByReason[io.cxmonitor.schemas.CloseReason.SPAM.ordinal()]).isEqualTo(1);
    assertThat(c.closedByReason[io.cxmonitor.schemas.CloseReason.OTHER.ordinal()]).isEqualTo(2);
    ServiceCounts copy = ServiceCounts.copyOf(c);
    copy.subtract(c);
    assertThat(java.util.Arrays.stream(copy.closedByReason).allMatch(n -> n == 0)).as("subtracts exactly").isTrue();
  }
}
