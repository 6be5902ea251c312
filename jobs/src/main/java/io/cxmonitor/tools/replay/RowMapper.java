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
    String ticket = field(mapping.ticketId(), row);
    if (ticket == null) {
      return Result.rejected("ticket id (" + describe(mapping.ticketId()) + ") is empty");
    }
    String customer = mapping.customerId() == null ? ticket : field(mapping.customerId(), row);
    if (customer == null) {
      return Result.rejected("customer id (" + describe(mapping.customerId()) + ") is empty");
    }
    Channel channel;
    String channelValue = field(mapping.channel(), row);
    try {
      channel = channelValue == null ? Channel.OTHER : Channel.valueOf(channelValue.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Result.rejected("channel '" + channelValue + "' is not one of " + java.util.Arrays.toString(Channel.values())
          + ": add it to the mapping's channel.map or set a default");
    }
    Priority priority;
    String priorityValue = field(mapping.priority(), row);
    try {
      priority = priorityValue == null ? Priority.NORMAL : Priority.valueOf(priorityValue.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Result.rejected("priority '" + priorityValue + "' is not LOW, NORMAL, HIGH or URGENT: map it in priority.map");
    }
    String team = field(mapping.team(), row);
    String region = field(mapping.region(), row);
    String product = field(mapping.product(), row);

    List<InteractionEvent> events = new ArrayList<>();
    Instant opened = null;
    for (int i = 0; i < mapping.events().size(); i++) {
      ReplayMapping.EventSpec spec = mapping.events().get(i);
      if (!holds(spec, row)) {
        continue;
      }
      Instant at;
      try {
        at = time(spec.time(), row, opened);
      } catch (DateTimeParseException e) {
        return Result.rejected(spec.type() + " time: cannot parse '" + e.getParsedString() + "' with format "
            + formatOf(spec.time()) + " (" + e.getMessage() + ")");
      }
      if (at == null) {
        if (i == 0) {
          return Result.rejected("opening time (" + columnsOf(spec.time()) + ") is empty");
        }
        continue;
      }
      if (i == 0) {
        opened = at;
      } else if (at.isBefore(opened)) {
        return Result.rejected(spec.type() + " at " + at + " (" + columnsOf(spec.time()) + ") is before the ticket was opened at "
            + opened);
      }
      events.add(InteractionEvent.newBuilder()
          .setEventId(ticket + "-" + spec.type().name().toLowerCase(Locale.ROOT) + "-" + i)
          .setTicketId(ticket).setCustomerId(customer).setEventType(spec.type()).setEventTime(at)
          .setChannel(channel).setTeam(team).setRegion(region).setProduct(product).setPriority(priority)
          .setSelfService(Boolean.TRUE.equals(spec.selfService()))
          .build());
    }
    return new Result(events, null);
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
