package io.cxmonitor.rules;

import static io.cxmonitor.rules.SlaRule.TicketTimes.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.rules.SlaRule.TicketTimes;
import io.cxmonitor.schemas.Priority;
import io.cxmonitor.schemas.SlaKind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlaRuleTest {
  private static final SlaRule RULE = new SlaRule(new SlaPolicy("NORMAL=PT4H", "NORMAL=PT72H"));
  private static final Priority P = Priority.NORMAL;

  private final Instant opened = Instant.parse("2026-06-01T09:00:00Z");
  private final Instant firstResponseDue = opened.plus(Duration.ofHours(4));
  private final Instant resolutionDue = opened.plus(Duration.ofHours(72));
  private final Instant anHourIn = opened.plus(Duration.ofHours(1));
  private final Instant aMinuteAfterFirstResponseDue = firstResponseDue.plusSeconds(60);
  private final Instant aDayAfterResolutionDue = resolutionDue.plus(Duration.ofDays(1));

  private TicketTimes openedTicket() {
    return TicketTimes.opened(opened.toEpochMilli());
  }

  private static long ms(Instant t) {
    return t.toEpochMilli();
  }

  private boolean firstResponseBreached(TicketTimes t) {
    return RULE.breached(SlaKind.FIRST_RESPONSE, P, t);
  }

  private boolean resolutionBreached(TicketTimes t) {
    return RULE.breached(SlaKind.RESOLUTION, P, t);
  }

  @Test
  void deadlinesAreTheOpenedTimePlusTheSlaOfThePriority() {
    assertThat(RULE.due(SlaKind.FIRST_RESPONSE, P, ms(opened))).isEqualTo(ms(firstResponseDue));
    assertThat(RULE.due(SlaKind.RESOLUTION, P, ms(opened))).isEqualTo(ms(resolutionDue));
    assertThat(RULE.limitMs(SlaKind.FIRST_RESPONSE, Priority.URGENT)).as("default kept").isEqualTo(Duration.ofMinutes(15).toMillis());
  }

  @Test
  void aReplyAtTheDeadlineIsInTimeAMillisecondLaterIsNot() {
    assertThat(firstResponseBreached(openedTicket().answered(ms(anHourIn)))).isFalse();
    assertThat(firstResponseBreached(openedTicket().answered(ms(firstResponseDue)))).isFalse();
    assertThat(firstResponseBreached(openedTicket().answered(ms(firstResponseDue) + 1))).isTrue();
  }

  @Test
  void aTicketStillUnansweredAndOpenAtTheDeadlineBreached() {
    assertThat(firstResponseBreached(openedTicket())).isTrue();
    assertThat(resolutionBreached(openedTicket().answered(ms(anHourIn)))).isTrue();
  }

  @Test
  void aTicketClosedBeforeTheFirstResponseDeadlineWithoutAReplyIsNoBreach() {
    assertThat(firstResponseBreached(openedTicket().resolved(ms(anHourIn)))).isFalse();
    assertThat(firstResponseBreached(openedTicket().abandoned(ms(anHourIn)))).isFalse();
  }

  @Test
  void aTicketClosedAfterTheFirstResponseDeadlineWithoutAReplyBreachedIt() {
    assertThat(firstResponseBreached(openedTicket().resolved(ms(aMinuteAfterFirstResponseDue)))).isTrue();
    assertThat(firstResponseBreached(openedTicket().abandoned(ms(aMinuteAfterFirstResponseDue)))).isTrue();
  }

  @Test
  void aResolutionAtTheDeadlineIsInTimeLaterIsNot() {
    assertThat(resolutionBreached(openedTicket().resolved(ms(resolutionDue)))).isFalse();
    assertThat(resolutionBreached(openedTicket().resolved(ms(aDayAfterResolutionDue)))).isTrue();
  }

  @Test
  void anAbandonmentAfterTheResolutionDeadlineBreachedIt() {
    assertThat(resolutionBreached(openedTicket().abandoned(ms(aDayAfterResolutionDue)))).isTrue();
    assertThat(resolutionBreached(openedTicket().abandoned(ms(anHourIn)))).isFalse();
  }

  @Test
  void aTicketReopenedBeforeTheDeadlineAndOpenAtItBreached() {
    Instant resolved = anHourIn;
    Instant reopened = opened.plus(Duration.ofHours(2));
    TicketTimes reopenedInTime = new TicketTimes(ms(opened), ms(anHourIn), ms(resolved), ms(resolved), ms(reopened), NONE);
    assertThat(resolutionBreached(reopenedInTime)).isTrue();
    TicketTimes reopenedLate = new TicketTimes(ms(opened), ms(anHourIn), ms(resolved), ms(resolved), ms(aDayAfterResolutionDue), NONE);
    assertThat(resolutionBreached(reopenedLate)).as("closed at the deadline").isFalse();
    Instant resolvedAgain = opened.plus(Duration.ofHours(3));
    TicketTimes resolvedAgainInTime = new TicketTimes(ms(opened), ms(anHourIn), ms(resolved), ms(resolvedAgain), ms(reopened), NONE);
    assertThat(resolutionBreached(resolvedAgainInTime)).isFalse();
  }

  @Test
  void aFixedDeadlineIsJudgedAsItIsWhateverTheCurrentPolicy() {
    Instant earlierDeadline = opened.plus(Duration.ofHours(2));
    TicketTimes answeredAfterThreeHours = openedTicket().answered(ms(opened.plus(Duration.ofHours(3))));
    assertThat(SlaRule.breachedAt(SlaKind.FIRST_RESPONSE, answeredAfterThreeHours, ms(earlierDeadline))).isTrue();
    assertThat(firstResponseBreached(answeredAfterThreeHours)).isFalse();
  }

  @Test
  void beforeItOpenedATicketIsNotOpen() {
    assertThat(openedTicket().openAt(ms(opened) - 1)).isFalse();
    assertThat(openedTicket().openAt(ms(opened))).isTrue();
    assertThat(new TicketTimes(NONE, NONE, NONE, NONE, NONE, NONE).openAt(ms(opened))).isFalse();
  }

  @Test
  void anUnknownKindIsRefusedWithTheKindsThatExist() {
    assertThatThrownBy(() -> RULE.due(SlaKind.UNKNOWN, P, ms(opened))).hasMessageContaining("FIRST_RESPONSE or RESOLUTION");
  }
}
