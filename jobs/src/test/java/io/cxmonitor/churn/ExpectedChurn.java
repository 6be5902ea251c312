package io.cxmonitor.churn;

import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * The churn ITCase's own model, from the raw events with plain loops: who is active with which
 * MRR when, each cancellation, and each customer's at-risk intervals, where the risk score at a
 * signal is the sum over all earlier signals of weight × ½^(age / 14 days) (the job instead decays
 * a running score). Thresholds and weights are the documented defaults, written out here.
 */
final class ExpectedChurn {
  /**
   * All cancellations in the window and their MRR; the cohort (active at the window start, in the
   * group then) with its MRR then, and those of it who cancelled in the window with that MRR.
   */
  record Window(long cancellations, long activeAtStart, long mrrChurned, long mrrAtStart, long churned, long churnedMrrAtStart) {}

  /** A stretch of a subscription with the same region, plan and MRR: [from, to], and when the subscription was cancelled. */
  private static final class Segment {
    final long from;
    long to = Long.MAX_VALUE;
    final String region;
    final String plan;
    final long mrr;
    long cancelledAt = Long.MAX_VALUE;

    Segment(long from, String region, String plan, long mrr) {
      this.from = from;
      this.region = region;
      this.plan = plan;
      this.mrr = mrr;
    }
  }

  private final List<Segment> segments = new ArrayList<>();

  record Risk(long customers, long mrr) {}

  private record Change(long time, String region, String plan, long active, long mrr) {}

  private record Cancellation(long time, String region, String plan, long mrr) {}

  /** A stretch during which a customer counted as at risk with a given MRR. */
  private record RiskSpan(long from, long to, long mrr) {}

  private record Ev(long time, int order, String ticket, SpecificRecord record) {}

  private static final long HALF_LIFE = 14L * 24 * 3_600_000;
  private static final double ENTER = 4.0;
  private static final double EXIT = 2.0;
  private static final long REPEAT_WINDOW = 7L * 24 * 3_600_000;
  private static final long MIN = 60_000;
  private static final long[] FRT_SLA = {24 * 60 * MIN, 4 * 60 * MIN, 60 * MIN, 15 * MIN};   // LOW, NORMAL, HIGH, URGENT
  private static final long[] RES_SLA = {7 * 24 * 60 * MIN, 72 * 60 * MIN, 24 * 60 * MIN, 4 * 60 * MIN};

  private final long bucket;
  private final List<Change> changes = new ArrayList<>();
  private final List<Cancellation> cancels = new ArrayList<>();
  private final List<RiskSpan> spans = new ArrayList<>();
  private final Set<String> groups = new LinkedHashSet<>();
  final long cancellations;
  final long flagged;

  ExpectedChurn(List<SpecificRecord> records, long bucket) {
    this.bucket = bucket;
    Map<String, List<Ev>> byCustomer = new HashMap<>();
    for (SpecificRecord r : records) {
      Ev e = event(r);
      if (e != null) {
        String customer = r instanceof CustomerLifecycleEvent l ? l.getCustomerId()
            : r instanceof SurveyResponse s ? s.getCustomerId() : ((InteractionEvent) r).getCustomerId();
        byCustomer.computeIfAbsent(customer, k -> new ArrayList<>()).add(e);
      }
    }
    long flaggedCustomers = 0;
    for (List<Ev> evs : byCustomer.values()) {
      evs.sort(Comparator.comparingLong(Ev::time).thenComparingInt(Ev::order).thenComparing(Ev::ticket));
      if (replay(evs)) {
        flaggedCustomers++;
      }
    }
    groups.add("all|all");
    cancellations = cancels.size();
    flagged = flaggedCustomers;
  }

  /** Signal order of the job for events at the same millisecond: lifecycle, survey, then ticket events. */
  private static Ev event(SpecificRecord r) {
    if (r instanceof CustomerLifecycleEvent l) {
      int order = switch (l.getType()) {
        case SUBSCRIBED -> 0;
        case RENEWED -> 1;
        case UPGRADED -> 2;
        case DOWNGRADED -> 3;
        case CANCELLED -> 4;
        default -> -1;
      };
      return order < 0 ? null : new Ev(l.getEventTime().toEpochMilli(), order, "", r);
    }
    if (r instanceof SurveyResponse s) {
      return new Ev(s.getEventTime().toEpochMilli(), 5, s.getTicketId() == null ? "" : s.getTicketId(), r);
    }
    InteractionEvent i = (InteractionEvent) r;
    int order = switch (i.getEventType()) {
      case OPENED -> 6;
      case AGENT_REPLY -> 7;
      case RESOLVED -> 8;
      case REOPENED -> 9;
      case ABANDONED -> 10;
      default -> -1;
    };
    return order < 0 ? null : new Ev(i.getEventTime().toEpochMilli(), order, i.getTicketId(), r);
  }

  /** Replays one customer; returns whether they were ever at risk. */
  private boolean replay(List<Ev> evs) {
    boolean active = false;
    List<Segment> stint = new ArrayList<>();
    String plan = null;
    long mrr = 0;
    String region = "unknown";
    List<long[]> signals = new ArrayList<>(); // [time, weight × 1000]
    long lastContact = Long.MIN_VALUE;
    String lastTicket = null;
    Map<String, long[]> open = new HashMap<>(); // ticket → [opened, priority, replied]
    boolean atRisk = false;
    boolean everAtRisk = false;
    long riskFrom = 0;
    long riskMrr = 0;
    long exitAt = Long.MAX_VALUE;
    for (Ev e : evs) {
      // a recovery due before this event happens first; at the same millisecond the job handles
      // the event first (which moves the recovery)
      if (atRisk && exitAt < e.time()) {
        spans.add(new RiskSpan(riskFrom, exitAt, riskMrr));
        atRisk = false;
        exitAt = Long.MAX_VALUE;
      }
      double added = 0;
      if (e.record() instanceof CustomerLifecycleEvent l) {
        if (l.getRegion() != null && !l.getRegion().toLowerCase().equals(region)) {
          region = l.getRegion().toLowerCase();
          if (active) {
            stint.add(segment(stint, e.time(), region, plan, mrr));
          }
        }
        String p = l.getPlan().toLowerCase();
        switch (l.getType()) {
          case SUBSCRIBED -> {
            if (!active) {
              active = true;
              plan = p;
              mrr = l.getMrrMinor();
              change(e.time(), region, plan, 1, mrr);
              stint.clear();
              stint.add(segment(stint, e.time(), region, plan, mrr));
            }
          }
          case UPGRADED, DOWNGRADED -> {
            if (active) {
              change(e.time(), region, plan, -1, -mrr);
              change(e.time(), region, p, 1, l.getMrrMinor());
              plan = p;
              mrr = l.getMrrMinor();
              stint.add(segment(stint, e.time(), region, plan, mrr));
              if (atRisk) {
                spans.add(new RiskSpan(riskFrom, e.time(), riskMrr));
                riskFrom = e.time();
                riskMrr = mrr;
              }
            }
            if (l.getType() == io.cxmonitor.schemas.LifecycleType.DOWNGRADED) {
              added = 2.0;
            }
          }
          case CANCELLED -> {
            if (active) {
              cancels.add(new Cancellation(e.time(), region, plan, mrr));
              for (Segment seg : stint) {
                seg.cancelledAt = e.time();
              }
              stint.get(stint.size() - 1).to = e.time();
              change(e.time(), region, plan, -1, -mrr);
              if (atRisk) {
                spans.add(new RiskSpan(riskFrom, e.time(), riskMrr));
                atRisk = false;
                exitAt = Long.MAX_VALUE;
              }
              active = false;
              mrr = 0;
            }
          }
          default -> { }
        }
      } else if (e.record() instanceof SurveyResponse s) {
        added += s.getNps() != null && s.getNps() <= 6 ? 2.0 : 0;
        added += s.getCsat() != null && s.getCsat() <= 2 ? 1.5 : 0;
        added += s.getCes() != null && s.getCes() >= 5 ? 1.0 : 0;
      } else {
        InteractionEvent i = (InteractionEvent) e.record();
        switch (i.getEventType()) {
          case OPENED -> {
            if (lastContact != Long.MIN_VALUE && !i.getTicketId().equals(lastTicket) && e.time() - lastContact <= REPEAT_WINDOW) {
              added = 1.0;
            }
            lastContact = e.time();
            lastTicket = i.getTicketId();
            open.put(i.getTicketId(), new long[] {e.time(), i.getPriority().ordinal(), 0});
          }
          case AGENT_REPLY -> {
            long[] t = open.get(i.getTicketId());
            if (t != null && t[2] == 0) {
              t[2] = 1;
              added = e.time() - t[0] > FRT_SLA[(int) t[1]] ? 0.75 : 0;
            }
          }
          case RESOLVED, ABANDONED -> {
            // the SLA definition: unanswered and open at the first-response deadline, open at the
            // resolution deadline; a ticket that closes has been open until it closed
            long[] t = open.remove(i.getTicketId());
            if (t != null && t[2] == 0 && e.time() - t[0] > FRT_SLA[(int) t[1]]) {
              added += 0.75;
            }
            if (t != null && e.time() - t[0] > RES_SLA[(int) t[1]]) {
              added += 1.0;
            }
          }
          case REOPENED -> added = 1.0;
          default -> { }
        }
      }
      if (added > 0) {
        double score = added;
        for (long[] sig : signals) {
          score += (sig[1] / 1000.0) * Math.pow(0.5, (double) (e.time() - sig[0]) / HALF_LIFE);
        }
        signals.add(new long[] {e.time(), Math.round(added * 1000)});
        if (!atRisk && score >= ENTER) {
          atRisk = true;
          everAtRisk = true;
          riskFrom = e.time();
          riskMrr = active ? mrr : 0;
        }
        if (atRisk) {
          exitAt = Math.max(e.time() + (long) Math.ceil(HALF_LIFE * (Math.log(score / EXIT) / Math.log(2))), e.time() + 1);
        }
      }
    }
    if (atRisk) {
      spans.add(new RiskSpan(riskFrom, exitAt, riskMrr));
    }
    return everAtRisk;
  }

  /** Ends the stint's current segment at {@code time} and starts the next. */
  private Segment segment(List<Segment> stint, long time, String region, String plan, long mrr) {
    if (!stint.isEmpty()) {
      stint.get(stint.size() - 1).to = time;
    }
    Segment seg = new Segment(time, region, plan, mrr);
    segments.add(seg);
    return seg;
  }

  private void change(long time, String region, String plan, long active, long mrr) {
    changes.add(new Change(time, region, plan, active, mrr));
    groups.add(region + "|all");
    groups.add("all|" + plan);
  }

  Set<String> groups() {
    return groups;
  }

  private static boolean in(String group, String region, String plan) {
    String[] g = group.split("\\|", -1);
    return (g[0].equals("all") || g[0].equals(region)) && (g[1].equals("all") || g[1].equals(plan));
  }

  /** The window of buckets {@code from..to} (inclusive) for a group "region|plan". */
  Window window(String group, long from, long to) {
    long start = from * bucket;
    long end = (to + 1) * bucket;
    long active = 0;
    long mrr = 0;
    for (Change c : changes) {
      if (c.time() < start && in(group, c.region(), c.plan())) {
        active += c.active();
        mrr += c.mrr();
      }
    }
    long n = 0;
    long churned = 0;
    for (Cancellation c : cancels) {
      if (c.time() >= start && c.time() < end && in(group, c.region(), c.plan())) {
        n++;
        churned += c.mrr();
      }
    }
    // the cohort: segments in force at the window's start (begun before it, not ended before it)
    long cohort = 0;
    long cohortMrr = 0;
    long cohortChurned = 0;
    long cohortChurnedMrr = 0;
    for (Segment seg : segments) {
      if (seg.from < start && start <= seg.to && in(group, seg.region, seg.plan)) {
        cohort++;
        cohortMrr += seg.mrr;
        if (seg.cancelledAt >= start && seg.cancelledAt < end) {
          cohortChurned++;
          cohortChurnedMrr += seg.mrr;
        }
      }
    }
    if (cohort != active || cohortMrr != mrr) {
      throw new AssertionError("the oracle's two counts of the base at " + start + " disagree: " + cohort + " vs " + active);
    }
    return new Window(n, active, churned, mrr, cohortChurned, cohortChurnedMrr);
  }

  /** At-risk customers and their MRR at instant {@code t}. */
  Risk riskAt(long t) {
    long customers = 0;
    long mrr = 0;
    for (RiskSpan s : spans) {
      if (s.from() <= t && t < s.to()) {
        customers++;
        mrr += s.mrr();
      }
    }
    return new Risk(customers, mrr);
  }
}
