package io.cxmonitor.tools.replay;

import io.cxmonitor.schemas.InteractionType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The shipped call-centre fixture as the tests read it, with plain string handling and java.time,
 * independently of the mapping code: its calls, and what a correct replay must yield.
 */
public final class CallCentreFixture {
  private CallCentreFixture() {}

  public static final Path TSV = Path.of("src/test/resources/callcentre/calls_2025-10.tsv");
  public static final Path MAPPING = Path.of("src/main/resources/mappings/callcentre.yaml");
  /** The call centre's local time, in which the file's dates and times of day are written (see its README). */
  public static final ZoneId ZONE = ZoneId.of("Asia/Jerusalem");
  private static final String NONE = "0:00:00";
  private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("H:mm:ss");

  /**
   * One call the file holds (phantoms and rows with an unreadable date are not calls), as the
   * fixture's README describes its columns: {@code null} for a stage the call never reached.
   *
   * @param id line + call id
   * @param customer the caller, {@code null} for an anonymous caller (customer 0)
   * @param team the service type, lower case (the InfluxDB tag value)
   * @param priority {@code normal} (0) or {@code high} (1, 2)
   * @param queued queue entry; {@code answered} the agent's pick-up (with or without queueing)
   * @param abandoned hung up while queued; {@code ivrHangUp} hung up in the IVR without queueing
   * @param resolved end of service (absent when the export lost it)
   */
  public record Call(String id, String customer, String team, String priority, Instant opened, Instant queued,
      Instant answered, Instant abandoned, Instant ivrHangUp, Instant resolved) {
    public boolean anonymous() {
      return customer == null;
    }

    /** When the call ended (resolved, abandoned or hung up in the IVR); {@code null} if the file does not say. */
    public Instant ended() {
      return resolved != null ? resolved : abandoned != null ? abandoned : ivrHangUp;
    }

    /** When it left the queue (answered or abandoned); {@code null} if it never queued. */
    public Instant leftQueue() {
      return queued == null ? null : answered != null ? answered : abandoned;
    }

    Stream<Instant> times() {
      return Stream.of(opened, queued, answered, abandoned, ivrHangUp, resolved).filter(t -> t != null);
    }
  }

  /** What the test itself reads from the file. */
  public record Expected(long rows, long phantoms, long badDates, Map<InteractionType, Long> events, long anonymous,
      long lostEnds, Set<String> callIds, Instant first, Instant last) {}

  /** The rows of the file that are calls. */
  public static List<Call> calls() throws Exception {
    List<Call> calls = new ArrayList<>();
    rows((row, col) -> {
      if (isCall(col)) {
        calls.add(call(col));
      }
    });
    return calls;
  }

  /** The file's figures, as a dry run of the shipped mapping must report them. */
  public static Expected read() throws Exception {
    long[] rows = new long[1];
    long[] phantoms = new long[1];
    long[] badDates = new long[1];
    long[] lostEnds = new long[1];
    Set<String> callIds = new HashSet<>();
    rows((row, col) -> {
      rows[0]++;
      if (col.apply("outcome").equals("PHANTOM")) {
        phantoms[0]++;
      } else if (!isCall(col)) {
        badDates[0]++;
      } else {
        callIds.add(col.apply("call_id"));
        if (col.apply("outcome").equals("AGENT") && col.apply("ser_exit").equals(NONE)) {
          lostEnds[0]++;
        }
      }
    });
    List<Call> calls = calls();
    Map<InteractionType, Long> events = new EnumMap<>(InteractionType.class);
    for (Call c : calls) {
      events.merge(InteractionType.OPENED, 1L, Long::sum);
      count(events, InteractionType.QUEUED, c.queued());
      count(events, InteractionType.AGENT_REPLY, c.answered());
      count(events, InteractionType.RESOLVED, c.resolved());
      count(events, InteractionType.ABANDONED, c.abandoned());
      count(events, InteractionType.CLOSED, c.ivrHangUp());
    }
    List<Instant> times = calls.stream().flatMap(Call::times).sorted().toList();
    return new Expected(rows[0], phantoms[0], badDates[0], events, calls.stream().filter(Call::anonymous).count(),
        lostEnds[0], callIds, times.get(0), times.get(times.size() - 1));
  }

  private static void count(Map<InteractionType, Long> events, InteractionType type, Instant at) {
    if (at != null) {
      events.merge(type, 1L, Long::sum);
    }
  }

  private interface RowConsumer {
    void accept(String[] values, java.util.function.Function<String, String> column);
  }

  private static void rows(RowConsumer each) throws Exception {
    List<String> lines = Files.readAllLines(TSV, StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split("\t"));
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split("\t", -1);
      each.accept(v, name -> v[header.indexOf(name)]);
    }
  }

  private static boolean isCall(java.util.function.Function<String, String> col) {
    return !col.apply("outcome").equals("PHANTOM") && col.apply("date").matches("\\d{6}");
  }

  private static Call call(java.util.function.Function<String, String> col) {
    String d = col.apply("date");
    int yy = Integer.parseInt(d.substring(0, 2));
    LocalDate day = LocalDate.of(yy < 70 ? 2000 + yy : 1900 + yy, Integer.parseInt(d.substring(2, 4)),
        Integer.parseInt(d.substring(4, 6)));
    LocalTime start = LocalTime.parse(col.apply("vru_entry"), TIME_OF_DAY);
    java.util.function.Function<String, Instant> at = column -> {
      String t = col.apply(column);
      if (t.equals(NONE)) {
        return null;
      }
      LocalTime time = LocalTime.parse(t, TIME_OF_DAY);
      return LocalDateTime.of(time.isBefore(start) ? day.plusDays(1) : day, time).atZone(ZONE).toInstant();
    };
    boolean agent = col.apply("outcome").equals("AGENT");
    Instant queued = at.apply("q_start");
    String customer = col.apply("customer_id");
    return new Call(col.apply("vru_line") + "-" + col.apply("call_id"), customer.equals("0") ? null : customer,
        col.apply("type").toLowerCase(Locale.ROOT), col.apply("priority").equals("0") ? "normal" : "high",
        at.apply("vru_entry"), queued,
        agent ? at.apply("ser_start") : null,
        !agent && queued != null ? at.apply("q_exit") : null,
        !agent && queued == null ? at.apply("vru_exit") : null,
        agent ? at.apply("ser_exit") : null);
  }
}
