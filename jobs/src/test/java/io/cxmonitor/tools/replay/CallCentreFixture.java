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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The shipped call-centre fixture as the tests read it: what a correct replay must yield. */
public final class CallCentreFixture {
  private CallCentreFixture() {}

  public static final Path TSV = Path.of("src/test/resources/callcentre/calls_2025-10.tsv");
  public static final Path MAPPING = Path.of("src/main/resources/mappings/callcentre.yaml");
  private static final ZoneId ZONE = ZoneId.of("Asia/Jerusalem");
  private static final String NONE = "0:00:00";

  /** What the test itself reads from the file. */
  public record Expected(long rows, long phantoms, long badDates, Map<InteractionType, Long> events, long anonymous,
      long lostEnds, Set<String> callIds, Instant first, Instant last) {}

  /** Reads the TSV with plain string handling and java.time, independently of the mapping code. */
  public static Expected read() throws Exception {
    List<String> lines = Files.readAllLines(TSV, StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split("\t"));
    long phantoms = 0;
    long badDates = 0;
    long anonymous = 0;
    long lostEnds = 0;
    Map<InteractionType, Long> events = new EnumMap<>(InteractionType.class);
    Set<String> callIds = new HashSet<>();
    List<Instant> times = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split("\t", -1);
      java.util.function.Function<String, String> col = name -> v[header.indexOf(name)];
      if (col.apply("outcome").equals("PHANTOM")) {
        phantoms++;
        continue;
      }
      String d = col.apply("date");
      if (!d.matches("\\d{6}")) {
        badDates++;
        continue;
      }
      LocalDate day = LocalDate.of(2000 + Integer.parseInt(d.substring(0, 2)), Integer.parseInt(d.substring(2, 4)),
          Integer.parseInt(d.substring(4, 6)));
      LocalTime opened = LocalTime.parse(col.apply("vru_entry"), java.time.format.DateTimeFormatter.ofPattern("H:mm:ss"));
      times.add(LocalDateTime.of(day, opened).atZone(ZONE).toInstant());
      events.merge(InteractionType.OPENED, 1L, Long::sum);
      callIds.add(col.apply("call_id"));
      if (col.apply("customer_id").equals("0")) {
        anonymous++;
      }
      List<String> later = new ArrayList<>();
      if (!col.apply("q_start").equals(NONE)) {
        events.merge(InteractionType.QUEUED, 1L, Long::sum);
        later.add(col.apply("q_start"));
      }
      if (col.apply("outcome").equals("AGENT")) {
        events.merge(InteractionType.AGENT_REPLY, 1L, Long::sum);
        later.add(col.apply("ser_start"));
        if (col.apply("ser_exit").equals(NONE)) {
          lostEnds++;
        } else {
          events.merge(InteractionType.RESOLVED, 1L, Long::sum);
          later.add(col.apply("ser_exit"));
        }
      } else if (!col.apply("q_start").equals(NONE)) {
        events.merge(InteractionType.ABANDONED, 1L, Long::sum);
        later.add(col.apply("q_exit"));
      }
      for (String t : later) {
        LocalTime at = LocalTime.parse(t, java.time.format.DateTimeFormatter.ofPattern("H:mm:ss"));
        times.add(LocalDateTime.of(at.isBefore(opened) ? day.plusDays(1) : day, at).atZone(ZONE).toInstant());
      }
    }
    times.sort(null);
    return new Expected(lines.size() - 1, phantoms, badDates, events, anonymous, lostEnds, callIds,
        times.get(0), times.get(times.size() - 1));
  }
}
