package io.cxmonitor.tools.replay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxmonitor.schemas.CloseReason;
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

  /**
   * File format; the first row is always the header and names the columns. Two-digit years
   * ({@code yy}) fall in [{@code baseYear}, {@code baseYear} + 99]; a mapping that uses them must
   * say so, since Java alone would read 99 as 2099.
   */
  public record Format(String delimiter, String timeZone, Integer baseYear) {}

  /** What a field that is absent becomes, instead of its {@code default}. */
  public enum IfAbsent {
    /** The row's ticket id: for a customer id, an anonymous caller becomes a customer of one contact. */
    TICKET_ID,
    /**
     * An anonymous caller: the events are marked {@code anonymous} (the service job leaves them out
     * of the repeat-contact rates and counts them apart) and carry the ticket id as customer id, so
     * every job can still key them and none joins two anonymous contacts.
     */
    ANONYMOUS
  }

  /**
   * A value from a column, several columns joined by {@code separator} (default "-"), or a
   * constant {@code value}; with an optional {@code prefix}, a value map (exact match,
   * case-sensitive), values that mean "absent" for this field only, and a {@code default} (or
   * {@code ifAbsent}) for absent or unmapped values.
   */
  public record Field(String column, List<String> columns, String separator, String value, String prefix,
      Map<String, String> map, List<String> absent,
      @com.fasterxml.jackson.annotation.JsonProperty("default") String defaultValue, IfAbsent ifAbsent) {}

  /** One event a row may yield; {@code closeReason} only for CLOSED (an end without resolution). */
  public record EventSpec(InteractionType type, TimeSpec time, List<Condition> when, Boolean selfService,
      CloseReason closeReason) {}

  /**
   * Where the event time comes from: {@code column} + {@code format}, or {@code dateColumn} +
   * {@code dateFormat} with {@code timeColumn} + {@code timeFormat}; in the latter form a time
   * of day earlier than the row's opening time means the next day (calls across midnight).
   */
  public record TimeSpec(String column, String format, String dateColumn, String dateFormat, String timeColumn, String timeFormat) {}

  /**
   * Holds when {@code column} equals {@code equals}, is one of {@code in}, or is present
   * ({@code notEmpty: true}) or absent ({@code notEmpty: false}: empty or an "absent" value).
   */
  public record Condition(String column, String equals, List<String> in, Boolean notEmpty) {}

  private static void checkField(String where, String name, Field f) {
    if (f == null) {
      return;
    }
    int sources = (f.column() != null ? 1 : 0) + (f.columns() != null ? 1 : 0) + (f.value() != null ? 1 : 0);
    if (sources != 1) {
      throw new IllegalArgumentException(where + name + " needs exactly one of column, columns, value");
    }
    if (f.ifAbsent() != null && !name.equals("customerId")) {
      throw new IllegalArgumentException(where + name + ".ifAbsent is only for customerId");
    }
    if (f.columns() != null && f.columns().size() < 2) {
      throw new IllegalArgumentException(where + name + ".columns needs at least two columns (else use column)");
    }
  }

  public static ReplayMapping load(Path file) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    ReplayMapping m = yaml.readValue(file.toFile(), ReplayMapping.class);
    m.check(file);
    return m;
  }

  private void check(Path file) {
    String where = "mapping " + file + ": ";
    if (ticketId == null || (ticketId.column() == null && ticketId.columns() == null && ticketId.value() == null)) {
      throw new IllegalArgumentException(where + "ticketId needs a column (or columns)");
    }
    Map<String, Field> fields = new java.util.LinkedHashMap<>();
    fields.put("ticketId", ticketId);
    fields.put("customerId", customerId);
    fields.put("channel", channel);
    fields.put("team", team);
    fields.put("region", region);
    fields.put("product", product);
    fields.put("priority", priority);
    fields.forEach((name, f) -> checkField(where, name, f));
    if (events == null || events.isEmpty() || events.get(0).type() != InteractionType.OPENED) {
      throw new IllegalArgumentException(where + "events must start with an OPENED event (the row's opening time)");
    }
    for (int i = 0; i < events.size(); i++) {
      EventSpec e = events.get(i);
      TimeSpec t = e.time();
      if (e.type() == null || t == null) {
        throw new IllegalArgumentException(where + "events[" + i + "] needs a type and a time");
      }
      if (e.closeReason() != null && e.type() != InteractionType.CLOSED) {
        throw new IllegalArgumentException(where + "events[" + i + "].closeReason is only for CLOSED events, not "
            + e.type());
      }
      boolean single = t.column() != null && t.format() != null;
      boolean split = t.dateColumn() != null && t.dateFormat() != null && t.timeColumn() != null && t.timeFormat() != null;
      if (single == split) {
        throw new IllegalArgumentException(where + "events[" + i + "].time needs either column+format or "
            + "dateColumn+dateFormat+timeColumn+timeFormat");
      }
      for (String pattern : single ? List.of(t.format()) : List.of(t.dateFormat(), t.timeFormat())) {
        if (TwoDigitYears.uses(pattern) && (format == null || format.baseYear() == null)) {
          throw new IllegalArgumentException(where + "events[" + i + "].time format '" + pattern + "' has a two-digit "
              + "year: set format.baseYear (e.g. baseYear: 1970 reads 69 as 2069 and 70 as 1970)");
        }
      }
      if (e.when() != null) {
        for (Condition c : e.when()) {
          int kinds = (c.equals() != null ? 1 : 0) + (c.in() != null ? 1 : 0) + (c.notEmpty() != null ? 1 : 0);
          if (c.column() == null || kinds != 1) {
            throw new IllegalArgumentException(where + "events[" + i + "].when: each condition needs a column and "
                + "exactly one of equals, in, notEmpty: true/false");
          }
        }
      }
    }
  }
}
