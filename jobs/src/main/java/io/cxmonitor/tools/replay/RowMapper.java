package io.cxmonitor.tools.replay;

import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.InteractionEvent;
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

  /** Either events or a rejection reason. */
  public record Result(List<InteractionEvent> events, String rejection) {
    static Result rejected(String reason) {
      return new Result(List.of(), reason);
    }
  }

  private final ReplayMapping mapping;
  private final ZoneId zone;
  private final Set<String> absent;
  private final Map<String, DateTimeFormatter> formatters = new HashMap<>();

  public RowMapper(ReplayMapping mapping) {
    this.mapping = mapping;
    this.zone = ZoneId.of(mapping.format() == null || mapping.format().timeZone() == null ? "UTC" : mapping.format().timeZone());
    this.absent = new HashSet<>(mapping.absent() == null ? List.of("") : mapping.absent());
    this.absent.add("");
  }

  /** @param row column name → raw value */
  public Result map(Function<String, String> row) {
    try {
      return new Result(events(ticketOf(row), row), null);
    } catch (Rejected e) {
      return Result.rejected(e.getMessage());
    }
  }

  /** What every event of a row carries. */
  private record Ticket(String id, String customer, Channel channel, Priority priority, String team, String region,
      String product) {}

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
    if (customer == null) {
      throw new Rejected("customer id (" + describe(mapping.customerId()) + ") is empty");
    }
    return new Ticket(ticket, customer, channel(row), priority(row),
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
   * The events whose conditions the row meets, in mapping order. The first (the opening) must have
   * a time; a later event without one did not happen, and one before the opening is an error.
   */
  private List<InteractionEvent> events(Ticket ticket, Function<String, String> row) throws Rejected {
    List<InteractionEvent> events = new ArrayList<>();
    Instant opened = null;
    for (int i = 0; i < mapping.events().size(); i++) {
      ReplayMapping.EventSpec spec = mapping.events().get(i);
      if (!holds(spec, row)) {
        continue;
      }
      Instant at = timeOf(spec, row, opened);
      if (at == null) {
        if (i == 0) {
          throw new Rejected("opening time (" + columnsOf(spec.time()) + ") is empty");
        }
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
        .build();
  }

  private boolean holds(ReplayMapping.EventSpec spec, Function<String, String> row) {
    if (spec.when() == null) {
      return true;
    }
    for (ReplayMapping.Condition c : spec.when()) {
      String v = value(row, c.column());
      boolean ok;
      if (c.equals() != null) {
        ok = c.equals().equals(v);
      } else if (c.in() != null) {
        ok = v != null && c.in().contains(v);
      } else {
        ok = v != null;
      }
      if (!ok) {
        return false;
      }
    }
    return true;
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
    return formatters.computeIfAbsent(pattern, p -> DateTimeFormatter.ofPattern(p, Locale.ROOT));
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
    String v = f.value() != null ? f.value() : value(row, f.column());
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

  private static String describe(ReplayMapping.Field f) {
    return f == null ? "not mapped" : f.column() != null ? "column '" + f.column() + "'" : "constant";
  }

  private static String columnsOf(ReplayMapping.TimeSpec t) {
    return t.column() != null ? "column '" + t.column() + "'" : "columns '" + t.dateColumn() + "' + '" + t.timeColumn() + "'";
  }

  private static String formatOf(ReplayMapping.TimeSpec t) {
    return t.column() != null ? t.format() : t.dateFormat() + " + " + t.timeFormat();
  }
}
