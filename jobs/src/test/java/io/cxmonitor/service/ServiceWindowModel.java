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
 * <p>Each figure is dated by its cohort event: opened, contacts, anonymous contacts and both repeat
 * rates by the opening, the queue figures (queued, answered, abandoned, service level, queue time)
 * by the queue entry, first response time by the first agent reply, time to resolution and
 * provisional FCR by the resolution, closed (per reason) by the end without resolution. The
 * backlog is the gauge at {@code to}.
 */
record ServiceWindowModel(long opened, long queued, long answered, long answeredInServiceLevel, long abandoned,
    long leftQueue, List<Long> queueTimesMs, List<Long> firstResponsesMs, List<Long> resolutionsMs, long resolved,
    long closed, long closedIvrHangUp, long closedStale, long backlog, long contacts, long repeats,
    long anonymousContacts, long fcrProvisional, long fcrProvisionalYes, Forward forward) {

  /**
   * The forward repeat of the window's contacts (known callers, dated by the contact).
   *
   * @param followedKnown followed by a contact before the end of the bucket after the window's end:
   *     what the provisional point holds (followed so far at the window's end, and the follow-ups
   *     known within the next bucket, applied when it ends; README "When a point is final")
   * @param finalN contacts whose repeat window has passed by the last event of the input (their
   *     outcome is final); {@code finalFollowed} of them followed within the window
   */
  record Forward(long followedKnown, long finalN, long finalFollowed) {}

  /** How the job was run: the options whose values the figures depend on. */
  record Settings(Duration serviceLevel, Duration repeatWindow, Duration maxTicketAge) {}

  /** The figures of the calls {@code group} selects, in [from, to). */
  static ServiceWindowModel of(List<Call> calls, Repeats repeats, Settings settings, Predicate<Call> group, Instant from,
      Instant to) {
    long opened = 0, queued = 0, answered = 0, inSl = 0, abandoned = 0, left = 0, resolved = 0, closed = 0, stale = 0,
        backlog = 0, contacts = 0, repeatContacts = 0, anonymous = 0, fcrProvisional = 0, fcrProvisionalYes = 0,
        followedKnown = 0, finalN = 0, finalFollowed = 0;
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
        if (c.anonymous()) { // in neither repeat rate, counted apart
          anonymous++;
        } else {
          contacts++;
          if (repeats.backward().contains(c.id())) {
            repeatContacts++;
          }
          Instant next = repeats.next().get(c.id());
          Duration after = next == null ? null : Duration.between(c.opened(), next);
          if (next != null && next.isBefore(to.plus(CallCentreReplay.bucket()))) {
            followedKnown++;
          }
          if (!c.opened().plus(repeats.window()).isAfter(repeats.lastEvent())) {
            finalN++;
            if (after != null && after.compareTo(repeats.window()) <= 0) { // the window's end included
              finalFollowed++;
            }
          }
        }
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
        // Provisional FCR: every resolution in the file is by an agent (the call was answered), and
        // the file knows no transfer and no customer reply, so each is a first-contact resolution.
        fcrProvisional++;
        fcrProvisionalYes++;
        ttr.add(Duration.between(c.opened(), c.resolved()).toMillis());
      }
      if (in(c.ivrHangUp(), from, to)) { // the file's only end without resolution: reason IVR hang-up
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
        sorted(ttr), resolved, closed, closed, stale, backlog, contacts, repeatContacts, anonymous, fcrProvisional,
        fcrProvisionalYes, new Forward(followedKnown, finalN, finalFollowed));
  }

  /** Nothing in the window (the backlog aside): the job writes no point for it, or one with n = 0. */
  boolean quiet() {
    return opened + queued + resolved + closed + closedStale + contacts + anonymousContacts + firstResponsesMs.size() == 0;
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

  Double fcrProvisionalPct() {
    return pct(fcrProvisionalYes, fcrProvisional);
  }

  /** The final forward repeat rate; null while no contact's outcome is final. */
  Double forwardFinalPct() {
    return pct(forward.finalFollowed(), forward.finalN());
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
   * Repeat contacts over the whole export. A contact is a new call; anonymous callers (customer 0)
   * are no customer and take part in neither meaning. Backward ({@code backward}: ids of the calls
   * that are repeats): the caller's previous call was opened at most the window before (the
   * window's end included). Forward ({@code next}: id -> when the caller's next call was opened):
   * a call is followed when that is at most the window after. {@code lastEvent}: the input's last
   * event time, up to which a bounded replay decides outcomes (README "End of input").
   */
  record Repeats(Set<String> backward, Map<String, Instant> next, Duration window, Instant lastEvent) {
    static Repeats of(List<Call> calls, Duration window) {
      List<Call> inOrder = new ArrayList<>(calls);
      inOrder.removeIf(Call::anonymous);
      inOrder.sort(Comparator.comparing(Call::opened).thenComparing(Call::id));
      Map<String, Call> previous = new HashMap<>();
      Set<String> backward = new HashSet<>();
      Map<String, Instant> next = new HashMap<>();
      for (Call c : inOrder) {
        Call before = previous.put(c.customer(), c);
        if (before != null) {
          next.put(before.id(), c.opened());
          if (Duration.between(before.opened(), c.opened()).compareTo(window) <= 0) {
            backward.add(c.id());
          }
        }
      }
      Instant last = Instant.MIN;
      for (Call c : calls) {
        for (Instant t : new Instant[] {c.opened(), c.queued(), c.answered(), c.abandoned(), c.ivrHangUp(), c.resolved()}) {
          if (t != null && t.isAfter(last)) {
            last = t;
          }
        }
      }
      return new Repeats(backward, next, window, last);
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
