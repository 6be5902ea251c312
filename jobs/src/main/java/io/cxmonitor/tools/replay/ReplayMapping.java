package io.cxmonitor.tools.replay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxmonitor.schemas.InteractionType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A declarative mapping from rows of a ticket or call log (CSV/TSV) to interaction events;
 * written in YAML, documented in the README ("Replay of ticket history").
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ReplayMapping(
    Format format,
    Field ticketId,
    Field customerId,
    Field channel,
    Field team,
    Field region,
    Field product,
    Field priority,
    List<String> absent,
    List<EventSpec> events) {

  /** File format. */
  /** The first row is always the header; columns are named by it. */
  public record Format(String delimiter, String timeZone) {}

  /**
   * A value from a column (or a constant {@code value}), with an optional {@code prefix}, a value
   * map (exact match, case-sensitive) and a {@code default} for absent or unmapped values.
   */
  public record Field(String column, String value, String prefix, Map<String, String> map, @com.fasterxml.jackson.annotation.JsonProperty("default") String defaultValue) {}

  /** One event a row may yield. */
  public record EventSpec(InteractionType type, TimeSpec time, List<Condition> when, Boolean selfService) {}

  /**
   * Where the event time comes from: {@code column} + {@code format}, or {@code dateColumn} +
   * {@code dateFormat} with {@code timeColumn} + {@code timeFormat}; in the latter form a time
   * of day earlier than the row's opening time means the next day (calls across midnight).
   */
  public record TimeSpec(String column, String format, String dateColumn, String dateFormat, String timeColumn, String timeFormat) {}

  /** Holds when {@code column} equals {@code equals}, is one of {@code in}, or ({@code notEmpty: true}) is present. */
  public record Condition(String column, String equals, List<String> in, Boolean notEmpty) {}

  public static ReplayMapping load(Path file) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    ReplayMapping m = yaml.readValue(file.toFile(), ReplayMapping.class);
    m.check(file);
    return m;
  }

  private void check(Path file) {
    String where = "mapping " + file + ": ";
    if (ticketId == null || (ticketId.column() == null && ticketId.value() == null)) {
      throw new IllegalArgumentException(where + "ticketId needs a column");
    }
    if (events == null || events.isEmpty() || events.get(0).type() != InteractionType.OPENED) {
      throw new IllegalArgumentException(where + "events must start with an OPENED event (the row's opening time)");
    }
    for (int i = 0; i < events.size(); i++) {
      EventSpec e = events.get(i);
      TimeSpec t = e.time();
      if (e.type() == null || t == null) {
        throw new IllegalArgumentException(where + "events[" + i + "] needs a type and a time");
      }
      boolean single = t.column() != null && t.format() != null;
      boolean split = t.dateColumn() != null && t.dateFormat() != null && t.timeColumn() != null && t.timeFormat() != null;
      if (single == split) {
        throw new IllegalArgumentException(where + "events[" + i + "].time needs either column+format or "
            + "dateColumn+dateFormat+timeColumn+timeFormat");
      }
      if (e.when() != null) {
        for (Condition c : e.when()) {
          int kinds = (c.equals() != null ? 1 : 0) + (c.in() != null ? 1 : 0) + (Boolean.TRUE.equals(c.notEmpty()) ? 1 : 0);
          if (c.column() == null || kinds != 1) {
            throw new IllegalArgumentException(where + "events[" + i + "].when: each condition needs a column and "
                + "exactly one of equals, in, notEmpty: true");
          }
        }
      }
    }
  }
}
