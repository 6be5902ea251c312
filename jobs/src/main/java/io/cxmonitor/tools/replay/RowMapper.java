package io.cxmonitor.tools.replay;

import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import io.cxmonitor.schemas.Priority;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Applies a {@link ReplayMapping} to one row: the row's events, or the reason it cannot be mapped. */
public final class RowMapper {

  /**
   * Either events or a rejection reason; {@code anonymous} when the customer id was absent and
   * replaced by the ticket id (with {@code ifAbsent: ANONYMOUS} the events are also marked anonymous), {@code absentTimes} the events whose conditions held but whose time
   * column was empty or a sentinel (so they were not emitted).
   */
  public record Result(List<InteractionEvent> events, String rejection, boolean anonymous, List<AbsentTime> absentTimes) {
    static Result rejected(String reason) {
      return new Result(List.of(), reason, false, List.of());
    }
  }

  /** An event not emitted because its time column held {@code value} (empty or one of the "absent" values). */
  public record AbsentTime(InteractionType type, String value) {}

  /** Start of the reason for rows whose OPENED condition fails; the rest names the column and its value. */
  static final String NOT_OPENED = "OPENED condition does not hold: ";

  private final ReplayMapping mapping;
  private final ZoneId zone;
  private final Set<String> absent;
  private final Integer baseYear;
  private final Map<String, DateTimeFormatter> formatters = new HashMap<>();

  public RowMapper(ReplayMapping mapping) {
    this.mapping = mapping;
    this.zone = ZoneId.of(mapping.format() == null || mapping.format().timeZone() == null ? "UTC" : mapping.format().timeZone());
    this.absent = new HashSet<>(mapping.absent() == null ? List.of("") : mapping.absent());
    this.absent.add("");
    this.baseYear = mapping.format() == null ? null : mapping.format().baseYear();
  }

  /** @param row column name → raw value */
  public Result map(Function<String, String> row) {
    try {
      Ticket ticket = ticketOf(row);
      List<AbsentTime> absentTimes = new ArrayList<>();
      return new Result(events(ticket, row, absentTimes), null, ticket.anonymous(), List.copyOf(absentTimes));
    } catch (Rejected e) {
      return Result.rejected(e.getMessage());
    }
  }

  /** What every event of a row carries. */
  private record Ticket(String id, String customer, boolean anonymous, boolean markedAnonymous, Channel channel, Priority priority, String team,
      String region, String product) {}

  /** A row that cannot be mapped; the message is the reason written to the rejects file. */
  private static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    Rejected(String reason) {
      super(reason, null, false, false); // an expected outcome, not a failure: no stack trace
    }
  }

  private Ticket ticketOf(Function<String, String> row) throws Rejected {
    String ticket = field(mapping.ticketId(), row);
    if (ticket == null) {
      throw new Rejected("ticket id (" + describe(mapping.ticketId()) + ") is empty");
    }
    String customer = mapping.customerId() == null ? ticket : field(mapping.customerId(), row);
    boolean anonymous = false;
    if (customer == null && mapping.customerId().ifAbsent() != null) {
      customer = ticket;
      anonymous = true;
    }
    if (customer == null) {
      throw new Rejected("customer id (" + describe(mapping.customerId()) + ") is empty: set customerId.ifAbsent: "
          + "ANONYMOUS to replay anonymous contacts (or ifAbsent: TICKET_ID: a customer of one contact, not marked)");
    }
    boolean marked = anonymous && mapping.customerId().ifAbsent() == ReplayMapping.IfAbsent.ANONYMOUS;
    return new Ticket(ticket, customer, anonymous, marked, channel(row), priority(row),
        field(mapping.team(), row), field(mapping.region(), row), field(mapping.product(), row));
  }

  private Channel channel(Function<String, String> row) throws Rejected {
    String value = field(mapping.channel(), row);
    try {
      return value == null ? Channel.OTHER : Channel.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Rejected("channel '" + value + "' is not one of " + java.util.Arrays.toString(Channel.values())
          + ": add it to the mapping's channel.map or set a default");
    }
  }

  private Priority priority(Function<String, String> row) throws Rejected {
    String value = field(mapping.priority(), row);
    try {
      return value == null ? Priority.NORMAL : Priority.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Rejected("priority '" + value + "' is not LOW, NORMAL, HIGH or URGENT: map it in priority.map");
    }
  }

  /**
   * The events whose conditions the row meets, in mapping order. The first (the opening) must hold
   * and have a time: a row that does not open is not a ticket. A later event without a time did
   * not happen, and one before the opening is an error.
   */
  private List<InteractionEvent> events(Ticket ticket, Function<String, String> row, List<AbsentTime> absentTimes)
      throws Rejected {
    List<InteractionEvent> events = new ArrayList<>();
    Instant opened = null;
    for (int i = 0; i < mapping.events().size(); i++) {
      ReplayMapping.EventSpec spec = mapping.events().get(i);
      if (!holds(spec, row)) {
        if (i == 0) {
          throw new Rejected(NOT_OPENED + failedCondition(spec, row));
        }
        continue;
      }
      Instant at = timeOf(spec, row, opened);
      if (at == null) {
        if (i == 0) {
          throw new Rejected("opening time (" + columnsOf(spec.time()) + ") is empty");
        }
        absentTimes.add(new AbsentTime(spec.type(), absentTimeValue(spec.time(), row)));
        continue;
      }
      if (i == 0) {
        opened = at;
      } else if (at.isBefore(opened)) {
        throw new Rejected(spec.type() + " at " + at + " (" + columnsOf(spec.time()) + ") is before the ticket was opened at "
            + opened);
      }
      events.add(event(ticket, spec, i, at));
    }
    return events;
  }

  private Instant timeOf(ReplayMapping.EventSpec spec, Function<String, String> row, Instant opened) throws Rejected {
    try {
      return time(spec.time(), row, opened);
    } catch (DateTimeParseException e) {
      throw new Rejected(spec.type() + " time: cannot parse '" + e.getParsedString() + "' with format "
          + formatOf(spec.time()) + " (" + e.getMessage() + ")");
    }
  }

  /** The id depends only on the row (ticket, type, place in the mapping): replaying a file again gives the same ids. */
  private static InteractionEvent event(Ticket t, ReplayMapping.EventSpec spec, int index, Instant at) {
    return InteractionEvent.newBuilder()
        .setEventId(t.id() + "-" + spec.type().name().toLowerCase(Locale.ROOT) + "-" + index)
        .setTicketId(t.id()).setCustomerId(t.customer()).setEventType(spec.type()).setEventTime(at)
        .setChannel(t.channel()).setTeam(t.team()).setRegion(t.region()).setProduct(t.product()).setPriority(t.priority())
        .setSelfService(Boolean.TRUE.equals(spec.selfService()))
        .setCloseReason(spec.closeReason())
        .setAnonymous(t.markedAnonymous())
        .build();
  }

  private boolean holds(ReplayMapping.EventSpec spec, Function<String, String> row) {
    return spec.when() == null || spec.when().stream().allMatch(c -> holds(c, row));
  }

  private boolean holds(ReplayMapping.Condition c, Function<String, String> row) {
    String v = value(row, c.column());
    if (c.equals() != null) {
      return c.equals().equals(v);
    } else if (c.in() != null) {
      return v != null && c.in().contains(v);
    }
    return (v != null) == c.notEmpty();
  }

  /** The first condition that fails, with the value it saw, for the reject reason. */
  private String failedCondition(ReplayMapping.EventSpec spec, Function<String, String> row) {
    for (ReplayMapping.Condition c : spec.when()) {
      if (!holds(c, row)) {
        String expected = c.equals() != null ? "equals '" + c.equals() + "'" : c.in() != null ? "in " + c.in()
            : c.notEmpty() ? "notEmpty" : "empty";
        String v = row.apply(c.column());
        return "column '" + c.column() + "' " + expected + ", got '" + (v == null ? "" : v.trim()) + "'";
      }
    }
    return "";
  }

  private static String absentTimeValue(ReplayMapping.TimeSpec t, Function<String, String> row) {
    String column = t.column() != null ? t.column() : t.timeColumn();
    String v = row.apply(column);
    if ((v == null || v.isBlank()) && t.dateColumn() != null) {
      v = row.apply(t.dateColumn());
    }
    return v == null ? "" : v.trim();
  }

  private Instant time(ReplayMapping.TimeSpec t, Function<String, String> row, Instant opened) {
    if (t.column() != null) {
      String v = value(row, t.column());
      return v == null ? null : LocalDateTime.parse(v, formatter(t.format())).atZone(zone).toInstant();
    }
    String date = value(row, t.dateColumn());
    String time = value(row, t.timeColumn());
    if (date == null || time == null) {
      return null;
    }
    LocalDateTime at = LocalDate.parse(date, formatter(t.dateFormat())).atTime(LocalTime.parse(time, formatter(t.timeFormat())));
    Instant instant = at.atZone(zone).toInstant();
    if (opened != null && instant.isBefore(opened)) {
      instant = at.plusDays(1).atZone(zone).toInstant(); // a time of day before the opening: the next day
    }
    return instant;
  }

  private DateTimeFormatter formatter(String pattern) {
    return formatters.computeIfAbsent(pattern, p -> TwoDigitYears.formatter(p, baseYear));
  }

  /** The raw value, or null when the column is empty or holds one of the "absent" sentinels. */
  private String value(Function<String, String> row, String column) {
    String v = row.apply(column);
    if (v == null) {
      return null;
    }
    v = v.trim();
    return absent.contains(v) ? null : v;
  }

  private String field(ReplayMapping.Field f, Function<String, String> row) {
    if (f == null) {
      return null;
    }
    String v = f.value() != null ? f.value() : raw(f, row);
    if (v != null && f.map() != null) {
      v = f.map().getOrDefault(v, f.defaultValue() != null ? f.defaultValue() : v);
    }
    if (v == null) {
      v = f.defaultValue();
    }
    if (v != null && f.prefix() != null) {
      v = f.prefix() + v;
    }
    return v;
  }

  /** A column's value, or several joined: absent when any part is absent (globally or for this field). */
  private String raw(ReplayMapping.Field f, Function<String, String> row) {
    if (f.columns() == null) {
      return fieldValue(f, row, f.column());
    }
    List<String> parts = new ArrayList<>();
    for (String column : f.columns()) {
      String part = fieldValue(f, row, column);
      if (part == null) {
        return null;
      }
      parts.add(part);
    }
    return String.join(f.separator() == null ? "-" : f.separator(), parts);
  }

  private String fieldValue(ReplayMapping.Field f, Function<String, String> row, String column) {
    String v = value(row, column);
    return v != null && f.absent() != null && f.absent().contains(v) ? null : v;
  }

  private static String describe(ReplayMapping.Field f) {
    if (f == null) {
      return "not mapped";
    }
    if (f.columns() != null) {
      return "columns '" + String.join("' + '", f.columns()) + "'";
    }
    return f.column() != null ? "column '" + f.column() + "'" : "constant";
  }

  private static String columnsOf(ReplayMapping.TimeSpec t) {
    return t.column() != null ? "column '" + t.column() + "'" : "columns '" + t.dateColumn() + "' + '" + t.timeColumn() + "'";
  }

  private static String formatOf(ReplayMapping.TimeSpec t) {
    return t.column() != null ? t.format() : t.dateFormat() + " + " + t.timeFormat();
  }
}
