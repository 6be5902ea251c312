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
}
