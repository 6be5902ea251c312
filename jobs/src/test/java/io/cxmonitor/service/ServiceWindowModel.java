package io.cxmonitor.service;

import io.cxmonitor.tools.replay.CallCentreFixture.Call;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the service job must report for one group of calls in one window [from, to), computed from
 * the calls of an export by the definitions the README states ("Service KPIs"), with plain loops
 * and no job class: the test oracle of {@code ServiceKpiCallCentreDailyITCase}.
 *
 * <p>Each figure is dated by its cohort event: opened and contacts by the opening, the queue
 * figures (queued, answered, abandoned, service level, queue time) by the queue entry, first
 * response time by the first agent reply, time to resolution by the resolution, closed by the
 * end without resolution. The backlog is the gauge at {@code to}.
 */
record ServiceWindowModel(long opened, long queued, long answered, long answeredInServiceLevel, long abandoned,
    long leftQueue, List<Long> queueTimesMs, List<Long> firstResponsesMs, List<Long> resolutionsMs, long resolved,
    long closed, long closedStale, long backlog, long contacts, long repeats) {

  /** How the job was run: the options whose values the figures depend on. */
  record Settings(Duration serviceLevel, Duration repeatWindow, Duration maxTicketAge) {}

  /** The figures of the calls {@code group} selects, in [from, to). */
  static ServiceWindowModel of(List<Call> calls, Repeats repeats, Settings settings, Predicate<Call> group, Instant from,
      Instant to) {
    long opened = 0, queued = 0, answered = 0, inSl = 0, abandoned = 0, left = 0, resolved = 0, closed = 0, stale = 0,
        backlog = 0, contacts = 0, repeatContacts = 0;
    List<Long> queueTimes = new ArrayList<>();
    List<Long> frt = new ArrayList<>();
    List<Long> ttr = new ArrayList<>();
    for (Call c : calls) {
      if (!group.test(c)) {
        continue;
      }
      Instant staleAt = staleAt(c, settings);
      if (in(c.opened(), from, to)) {
        opened++;
        // Plug-in: anonymous callers excluded from the repeat rates and counted apart -> here,
        // `if (c.anonymous()) anonymousContacts++; else { contacts++; ... }`.
        contacts++;
        if (repeats.backward().contains(c.id())) {
          repeatContacts++;
        }
        // Plug-in: the forward repeat -> `if (repeats.forward().contains(c.id())) forwardRepeats++;`
        // (final only once to + the repeat window has passed; provisional before).
      }
      if (in(c.queued(), from, to)) {
        queued++;
        Instant out = c.leftQueue() != null ? c.leftQueue() : end(c, staleAt); // answered, abandoned, or ended otherwise
        if (out != null) {
          left++;
        }
        if (c.answered() != null) {
          answered++;
          long waitMs = Duration.between(c.queued(), c.answered()).toMillis();
          queueTimes.add(waitMs);
          if (waitMs <= settings.serviceLevel().toMillis()) { // "answered within T seconds": T itself included
            inSl++;
          }
        } else if (c.abandoned() != null) {
          abandoned++;
          queueTimes.add(Duration.between(c.queued(), c.abandoned()).toMillis());
        }
      }
      if (in(c.answered(), from, to)) {
        frt.add(Duration.between(c.opened(), c.answered()).toMillis());
      }
      if (in(c.resolved(), from, to)) {
        resolved++;
        ttr.add(Duration.between(c.opened(), c.resolved()).toMillis());
      }
      if (in(c.ivrHangUp(), from, to)) {
        closed++;
      }
      if (in(staleAt, from, to)) {
        stale++;
      }
      Instant end = end(c, staleAt);
      if (c.opened().isBefore(to) && (end == null || !end.isBefore(to))) {
        backlog++;
      }
    }
    return new ServiceWindowModel(opened, queued, answered, inSl, abandoned, left, sorted(queueTimes), sorted(frt),
        sorted(ttr), resolved, closed, stale, backlog, contacts, repeatContacts);
  }

  /** Nothing in the window (the backlog aside): the job writes no point for it, or one with n = 0. */
  boolean quiet() {
    return opened + queued + resolved + closed + closedStale + contacts + firstResponsesMs.size() == 0;
  }

  /** Abandoned while queued / queued contacts that left the queue, in %; null with n = 0 (only n is written). */
  Double abandonPct() {
    return pct(abandoned, leftQueue);
  }

  Double serviceLevelPct() {
    return pct(answeredInServiceLevel, leftQueue);
  }

  Double repeatPct() {
    return pct(repeats, contacts);
  }

  /** The exact nearest-rank percentile, in seconds; null when there are no values. */
  static Double percentileS(List<Long> sortedMs, double p) {
    if (sortedMs.isEmpty()) {
      return null;
    }
    int rank = Math.max(1, (int) Math.ceil(p / 100.0 * sortedMs.size()));
    return sortedMs.get(rank - 1) / 1000.0;
  }

  /**
   * Repeat contacts over the whole export. A contact is a new call; a caller is its customer id, an
   * anonymous caller the call itself (the mapping's {@code ifAbsent: TICKET_ID}), so an anonymous
   * call is never a repeat. Backward: the caller's previous call was opened at most the repeat
   * window before (the window's end included). As the job defines it today, anonymous calls are
   * contacts (the denominator) that can never be repeats, which lowers the rate: over the fixture's
   * month about 30 % of all contacts against about 42 % of the identified callers' contacts.
   */
  record Repeats(Set<String> backward) {
    static Repeats of(List<Call> calls, Duration window) {
      List<Call> inOrder = new ArrayList<>(calls);
      inOrder.sort(Comparator.comparing(Call::opened).thenComparing(Call::id));
      Map<String, Call> previous = new HashMap<>();
      Set<String> backward = new HashSet<>();
      for (Call c : inOrder) {
        Call before = previous.put(caller(c), c);
        if (before != null && Duration.between(before.opened(), c.opened()).compareTo(window) <= 0) {
          backward.add(c.id());
        }
      }
      // Plug-in: the forward repeat is the same loop in reverse order of opening (the caller's next
      // call within the window after this one), kept as a second set.
      return new Repeats(backward);
    }

    private static String caller(Call c) {
      return c.anonymous() ? "call:" + c.id() : c.customer();
    }
  }

  /** When a ticket still open at the maximum ticket age is closed as stale; null if it ended before (or no maximum). */
  private static Instant staleAt(Call c, Settings settings) {
    if (settings.maxTicketAge() == null) {
      return null;
    }
    Instant due = c.opened().plus(settings.maxTicketAge());
    return c.ended() == null || c.ended().isAfter(due) ? due : null;
  }

  private static Instant end(Call c, Instant staleAt) {
    return staleAt != null ? staleAt : c.ended();
  }

  private static boolean in(Instant t, Instant from, Instant to) {
    return t != null && !t.isBefore(from) && t.isBefore(to);
  }

  private static Double pct(long hits, long n) {
    return n == 0 ? null : 100.0 * hits / n;
  }

  private static List<Long> sorted(List<Long> values) {
    values.sort(null);
    return List.copyOf(values);
  }
}
