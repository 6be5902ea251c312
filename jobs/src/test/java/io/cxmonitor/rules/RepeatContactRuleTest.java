package io.cxmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.rules.RepeatContactRule.Contact;
import io.cxmonitor.rules.RepeatContactRule.Verdict;
import io.cxmonitor.schemas.InteractionType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RepeatContactRuleTest {
  private static final Duration WINDOW = Duration.ofDays(7);
  private static final RepeatContactRule RULE = new RepeatContactRule(WINDOW);

  private final Instant firstOpened = Instant.parse("2026-05-04T09:00:00Z");
  private final Instant threeDaysLater = firstOpened.plus(Duration.ofDays(3));
  private final Instant windowEnd = firstOpened.plus(WINDOW);
  private final Instant justAfterWindow = windowEnd.plusMillis(1);

  private static Contact contact(String ticket, Instant at, String channel) {
    return new Contact(ticket, at.toEpochMilli(), channel);
  }

  @Test
  void aCustomersFirstContactIsNoRepeat() {
    assertThat(RULE.judge(null, contact("t1", firstOpened, "phone"), false)).isEqualTo(Verdict.FIRST);
  }

  @Test
  void anotherTicketWithinTheWindowIsARepeat() {
    Contact previous = contact("t1", firstOpened, "phone");
    assertThat(RULE.judge(previous, contact("t2", threeDaysLater, "phone"), false)).isEqualTo(Verdict.REPEAT);
  }

  @Test
  void theWindowsEndIsStillInsideIt() {
    Contact previous = contact("t1", firstOpened, "phone");
    assertThat(RULE.judge(previous, contact("t2", windowEnd, "phone"), false)).isEqualTo(Verdict.REPEAT);
    assertThat(RULE.judge(previous, contact("t2", justAfterWindow, "phone"), false)).isEqualTo(Verdict.FIRST);
  }

  @Test
  void theSameTicketOpenedAgainIsNoContactWhateverItsTime() {
    Contact previous = contact("t1", firstOpened, "phone");
    assertThat(RULE.judge(previous, contact("t1", firstOpened, "phone"), false)).isEqualTo(Verdict.DUPLICATE);
    assertThat(RULE.judge(previous, contact("t1", threeDaysLater, "chat"), false)).isEqualTo(Verdict.DUPLICATE);
    assertThat(RULE.judge(previous, contact("t1", justAfterWindow, "phone"), false)).isEqualTo(Verdict.DUPLICATE);
  }

  @Test
  void aTicketTheJobCountedBeforeTheLatestContactIsNoContactEither() {
    Contact latest = contact("t2", threeDaysLater, "chat");
    assertThat(RULE.judge(latest, contact("t1", threeDaysLater.plusSeconds(5), "phone"), true)).isEqualTo(Verdict.DUPLICATE);
    assertThat(RULE.judge(null, contact("t1", threeDaysLater.plusSeconds(5), "phone"), true)).isEqualTo(Verdict.DUPLICATE);
  }

  @Test
  void aRepeatOnAnotherChannelSwitchedChannel() {
    Contact phone = contact("t1", firstOpened, "phone");
    assertThat(RepeatContactRule.switchedChannel(phone, contact("t2", threeDaysLater, "chat"))).isTrue();
    assertThat(RepeatContactRule.switchedChannel(phone, contact("t2", threeDaysLater, "phone"))).isFalse();
    assertThat(RepeatContactRule.switchedChannel(contact("t1", firstOpened, null), contact("t2", threeDaysLater, "chat")))
        .as("a job that does not know channels never calls it a switch").isFalse();
  }

  @Test
  void onlyAnOpenedMakesAContact() {
    for (InteractionType type : InteractionType.values()) {
      assertThat(RepeatContactRule.opensContact(type)).as("%s", type).isEqualTo(type == InteractionType.OPENED);
    }
  }

  @Test
  void aContactCanBeForgottenOnceTheWindowAfterItHasPassed() {
    Contact previous = contact("t1", firstOpened, "phone");
    long forgetAt = RULE.forgetAt(previous.at());
    assertThat(forgetAt).isEqualTo(windowEnd.toEpochMilli());
    assertThat(RULE.judge(previous, new Contact("t2", forgetAt, "phone"), false)).isEqualTo(Verdict.REPEAT);
    assertThat(RULE.judge(previous, new Contact("t2", forgetAt + 1, "phone"), false))
        .as("after forgetAt the contact no longer matters").isEqualTo(Verdict.FIRST);
  }

  @Test
  void theWindowMustBePositive() {
    assertThatThrownBy(() -> new RepeatContactRule(Duration.ZERO)).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> new RepeatContactRule(Duration.ofDays(-1))).hasMessageContaining("positive");
    assertThat(RepeatContactRule.defaults().windowMs()).isEqualTo(WINDOW.toMillis());
  }
}
