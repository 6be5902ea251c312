package io.cxmonitor.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A call-centre log: date + time-of-day columns, conditions, sentinels, value maps, rejects. */
class RowMapperTest {
  private static final String CALL_LOG = """
      format: {delimiter: ";", timeZone: Asia/Ho_Chi_Minh}
      ticketId: {column: call_id, prefix: "call-"}
      customerId: {column: caller}
      channel: {column: line, map: {hotline: PHONE, zalo: ZALO_OA}, default: OTHER}
      team: {column: queue}
      priority: {column: vip, map: {"1": HIGH, "0": NORMAL}, default: NORMAL}
      absent: ["", "0:00:00", "-"]
      events:
        - type: OPENED
          time: {dateColumn: date, dateFormat: "dd/MM/yyyy", timeColumn: start, timeFormat: "H:mm:ss"}
        - type: AGENT_REPLY
          when: [{column: outcome, in: [ANSWERED, TRANSFERRED]}]
          time: {dateColumn: date, dateFormat: "dd/MM/yyyy", timeColumn: answer, timeFormat: "H:mm:ss"}
        - type: ABANDONED
          when: [{column: outcome, equals: ABANDONED}]
          time: {dateColumn: date, dateFormat: "dd/MM/yyyy", timeColumn: end, timeFormat: "H:mm:ss"}
        - type: RESOLVED
          when: [{column: outcome, equals: ANSWERED}, {column: end, notEmpty: true}]
          time: {dateColumn: date, dateFormat: "dd/MM/yyyy", timeColumn: end, timeFormat: "H:mm:ss"}
      """;

  private static RowMapper mapper(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("calls.yaml");
    Files.writeString(file, CALL_LOG);
    return new RowMapper(ReplayMapping.load(file));
  }

  private static Map<String, String> row(String outcome, String start, String answer, String end) {
    return Map.of("call_id", "42", "caller", "0901", "line", "hotline", "queue", "Billing", "vip", "1",
        "date", "31/12/2026", "start", start, "answer", answer, "end", end, "outcome", outcome);
  }

  @Test
  void anAnsweredCallAcrossMidnightEndsTheNextDay(@TempDir Path dir) throws Exception {
    RowMapper.Result r = mapper(dir).map(row("ANSWERED", "23:58:00", "23:59:30", "0:12:00")::get);
    assertThat(r.rejection()).isNull();
    assertThat(r.events()).extracting(InteractionEvent::getEventType)
        .containsExactly(InteractionType.OPENED, InteractionType.AGENT_REPLY, InteractionType.RESOLVED);
    InteractionEvent opened = r.events().get(0);
    assertThat(opened.getEventTime()).isEqualTo(Instant.parse("2026-12-31T16:58:00Z")); // UTC+7
    assertThat(r.events().get(2).getEventTime()).isEqualTo(Instant.parse("2026-12-31T17:12:00Z"));
    assertThat(opened.getTicketId()).isEqualTo("call-42");
    assertThat(opened.getChannel()).isEqualTo(Channel.PHONE);
    assertThat(opened.getPriority().name()).isEqualTo("HIGH");
    assertThat(opened.getTeam()).isEqualTo("Billing");
  }

  @Test
  void anAbandonedCallYieldsOpenedAndAbandonedOnly(@TempDir Path dir) throws Exception {
    RowMapper.Result r = mapper(dir).map(row("ABANDONED", "10:00:00", "0:00:00", "10:01:10")::get);
    assertThat(r.events()).extracting(InteractionEvent::getEventType)
        .containsExactly(InteractionType.OPENED, InteractionType.ABANDONED);
  }

  @Test
  void aSentinelMeansTheEventDidNotHappen(@TempDir Path dir) throws Exception {
    RowMapper.Result r = mapper(dir).map(row("ANSWERED", "10:00:00", "10:00:40", "-")::get);
    assertThat(r.events()).extracting(InteractionEvent::getEventType)
        .containsExactly(InteractionType.OPENED, InteractionType.AGENT_REPLY);
  }

  @Test
  void unparseableTimesAndMissingOpeningsAreRejectedWithAReason(@TempDir Path dir) throws Exception {
    RowMapper m = mapper(dir);
    assertThat(m.map(row("ANSWERED", "10h00", "10:00:40", "10:05:00")::get).rejection())
        .contains("OPENED time").contains("10h00").contains("dd/MM/yyyy + H:mm:ss");
    assertThat(m.map(row("ANSWERED", "0:00:00", "10:00:40", "10:05:00")::get).rejection())
        .contains("opening time").contains("is empty");
  }

  @Test
  void anUnknownChannelFallsBackToTheDefault(@TempDir Path dir) throws Exception {
    Map<String, String> r = new java.util.HashMap<>(row("ANSWERED", "10:00:00", "10:00:40", "10:05:00"));
    r.put("line", "fax");
    assertThat(mapper(dir).map(r::get).events().get(0).getChannel()).isEqualTo(Channel.OTHER);
  }

  @Test
  void aMappingWithoutAnOpeningEventIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, CALL_LOG.replace("- type: OPENED", "- type: AGENT_REPLY"));
    assertThatThrownBy(() -> ReplayMapping.load(file)).hasMessageContaining("must start with an OPENED event");
  }

  private static final String BANK = """
      format: {delimiter: "\\t", timeZone: UTC, baseYear: 1970}
      ticketId: {columns: [line, call_id], separator: "/"}
      customerId: {column: customer, absent: ["0"], ifAbsent: TICKET_ID}
      priority: {column: vip, map: {"0": NORMAL, "1": HIGH}}
      absent: ["", "0:00:00"]
      events:
        - type: OPENED
          when: [{column: outcome, in: [AGENT, HANG]}]
          time: {dateColumn: date, dateFormat: "yyMMdd", timeColumn: start, timeFormat: "H:mm:ss"}
        - type: RESOLVED
          when: [{column: outcome, equals: AGENT}]
          time: {dateColumn: date, dateFormat: "yyMMdd", timeColumn: end, timeFormat: "H:mm:ss"}
      """;

  private static RowMapper bank(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("bank.yaml");
    Files.writeString(file, yaml);
    return new RowMapper(ReplayMapping.load(file));
  }

  private static Map<String, String> call(String customer, String date, String outcome, String end) {
    return Map.of("line", "AA0101", "call_id", "33100", "customer", customer, "vip", "0", "date", date,
        "start", "10:00:00", "end", end, "outcome", outcome);
  }

  @Test
  void aTicketIdJoinsSeveralColumns(@TempDir Path dir) throws Exception {
    RowMapper.Result r = bank(dir, BANK).map(call("123", "991231", "AGENT", "10:05:00")::get);
    assertThat(r.events()).allSatisfy(e -> assertThat(e.getTicketId()).isEqualTo("AA0101/33100"));
    Map<String, String> noLine = new java.util.HashMap<>(call("123", "991231", "AGENT", "10:05:00"));
    noLine.put("line", "");
    assertThat(bank(dir, BANK).map(noLine::get).rejection()).isEqualTo("ticket id (columns 'line' + 'call_id') is empty");
  }

  @Test
  void twoDigitYearsFallInTheCenturyFromTheBaseYear(@TempDir Path dir) throws Exception {
    RowMapper m = bank(dir, BANK);
    assertThat(m.map(call("123", "991231", "AGENT", "10:05:00")::get).events().get(0).getEventTime())
        .isEqualTo(Instant.parse("1999-12-31T10:00:00Z"));
    assertThat(m.map(call("123", "700101", "AGENT", "10:05:00")::get).events().get(0).getEventTime())
        .isEqualTo(Instant.parse("1970-01-01T10:00:00Z"));
    assertThat(m.map(call("123", "251014", "AGENT", "10:05:00")::get).events().get(0).getEventTime())
        .isEqualTo(Instant.parse("2025-10-14T10:00:00Z"));
    assertThat(m.map(call("123", "690228", "AGENT", "10:05:00")::get).events().get(0).getEventTime())
        .isEqualTo(Instant.parse("2069-02-28T10:00:00Z"));
  }

  @Test
  void aMappingWithTwoDigitYearsMustNameItsBaseYear(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bank.yaml");
    Files.writeString(file, BANK.replace(", baseYear: 1970", ""));
    assertThatThrownBy(() -> ReplayMapping.load(file)).hasMessageContaining("two-digit year").hasMessageContaining("baseYear");
  }

  @Test
  void anAbsentCustomerBecomesTheTicketIdWhileTheSameValueElsewhereStays(@TempDir Path dir) throws Exception {
    RowMapper.Result r = bank(dir, BANK).map(call("0", "251014", "AGENT", "10:05:00")::get);
    assertThat(r.rejection()).isNull();
    assertThat(r.anonymous()).isTrue();
    assertThat(r.events()).allSatisfy(e -> assertThat(e.getCustomerId()).isEqualTo("AA0101/33100"));
    assertThat(r.events().get(0).getPriority().name()).as("vip '0' is not absent: only customer's '0' is").isEqualTo("NORMAL");
    RowMapper.Result known = bank(dir, BANK).map(call("123", "251014", "AGENT", "10:05:00")::get);
    assertThat(known.anonymous()).isFalse();
    assertThat(known.events().get(0).getCustomerId()).isEqualTo("123");
  }

  @Test
  void withoutIfAbsentAnAbsentCustomerRejectsTheRowAndSaysHowToKeepIt(@TempDir Path dir) throws Exception {
    RowMapper m = bank(dir, BANK.replace(", ifAbsent: TICKET_ID", ""));
    assertThat(m.map(call("0", "251014", "AGENT", "10:05:00")::get).rejection())
        .contains("customer id (column 'customer') is empty").contains("ifAbsent: TICKET_ID");
  }

  @Test
  void aRowThatFailsTheOpeningConditionIsRejectedNotAnError(@TempDir Path dir) throws Exception {
    // before: OPENED skipped, then RESOLVED compared its time with a null opening (NullPointerException)
    RowMapper.Result r = bank(dir, BANK.replace("in: [AGENT, HANG]", "in: [HANG]")).map(call("1", "251014", "AGENT", "10:05:00")::get);
    assertThat(r.events()).isEmpty();
    assertThat(r.rejection()).isEqualTo("OPENED condition does not hold: column 'outcome' in [HANG], got 'AGENT'");
  }

  @Test
  void anEventWhoseTimeHoldsASentinelIsReported(@TempDir Path dir) throws Exception {
    RowMapper.Result r = bank(dir, BANK).map(call("1", "251014", "AGENT", "0:00:00")::get);
    assertThat(r.events()).extracting(InteractionEvent::getEventType).containsExactly(InteractionType.OPENED);
    assertThat(r.absentTimes()).containsExactly(new RowMapper.AbsentTime(InteractionType.RESOLVED, "0:00:00"));
  }

  @Test
  void aFieldTakesExactlyOneSource(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bank.yaml");
    Files.writeString(file, BANK.replace("{columns: [line, call_id], separator: \"/\"}", "{column: call_id, columns: [line, call_id]}"));
    assertThatThrownBy(() -> ReplayMapping.load(file)).hasMessageContaining("ticketId needs exactly one of column, columns, value");
    Files.writeString(file, BANK.replace("{column: vip,", "{column: vip, ifAbsent: TICKET_ID,"));
    assertThatThrownBy(() -> ReplayMapping.load(file)).hasMessageContaining("priority.ifAbsent is only for customerId");
  }

  private static final String IVR = BANK.replace("""
        - type: RESOLVED
      """, """
        - type: CLOSED
          when: [{column: outcome, equals: HANG}, {column: queued, notEmpty: false}]
          time: {dateColumn: date, dateFormat: "yyMMdd", timeColumn: end, timeFormat: "H:mm:ss"}
          closeReason: IVR_HANGUP
        - type: RESOLVED
      """);

  @Test
  void aHangUpThatNeverQueuedEndsClosedWithItsReason(@TempDir Path dir) throws Exception {
    RowMapper m = bank(dir, IVR);
    Map<String, String> inIvr = new java.util.HashMap<>(call("1", "251014", "HANG", "10:00:40"));
    inIvr.put("queued", "0:00:00"); // absent: the call never reached a queue
    RowMapper.Result r = m.map(inIvr::get);
    assertThat(r.events()).extracting(InteractionEvent::getEventType)
        .containsExactly(InteractionType.OPENED, InteractionType.CLOSED);
    assertThat(r.events().get(1).getCloseReason()).isEqualTo(io.cxmonitor.schemas.CloseReason.IVR_HANGUP);
    assertThat(r.events().get(1).getEventTime()).isEqualTo(Instant.parse("2025-10-14T10:00:40Z"));
    assertThat(r.events().get(0).getCloseReason()).as("only the CLOSED event has a reason").isNull();

    Map<String, String> queued = new java.util.HashMap<>(inIvr);
    queued.put("queued", "10:00:20");
    assertThat(m.map(queued::get).events()).extracting(InteractionEvent::getEventType)
        .containsExactly(InteractionType.OPENED);
  }

  @Test
  void aCloseReasonBelongsToAClosedEventOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bank.yaml");
    Files.writeString(file, IVR.replace("- type: CLOSED", "- type: ABANDONED"));
    assertThatThrownBy(() -> ReplayMapping.load(file)).hasMessageContaining("events[1].closeReason is only for CLOSED events, not ABANDONED");
  }
}
