package io.cxmonitor.tools.generator;

import java.time.Duration;
import java.time.Instant;

/**
 * Knobs of the synthetic CX world.
 *
 * @param seed              same seed, same events
 * @param start             simulated time of the first ticket
 * @param duration          simulated time span of ticket arrivals
 * @param ticketsPerMinute  average arrival rate over a day (the time-of-day profile shapes it)
 * @param customers         size of the customer base
 * @param surveyResponseRate share of resolved tickets whose customer answers the survey
 * @param outOfOrderShare   share of records emitted up to {@code maxOutOfOrder} after later ones
 * @param maxOutOfOrder     bound of that delay (keep it under the job's out-of-orderness bound)
 * @param lateShare         share of records emitted {@code lateDelayMin..lateDelayMax} after their event time
 * @param lateDelayMin      minimum delay of a late record (keep it well over the job's bound)
 * @param lateDelayMax      maximum delay of a late record
 * @param plantedChurnShare share of customers planted as churners: their experience worsens (bad
 *                          tickets, repeat contacts, poor survey answers) in the days before they
 *                          cancel
 * @param queueEvents       phone, chat and Zalo OA contacts send a QUEUED event when they enter the
 *                          agent queue, and some phone calls end in the IVR (a ticket closed with
 *                          a reason); drawn from their own random stream, so every other record is
 *                          the same as without
 */
public record SimulationConfig(
    long seed,
    Instant start,
    Duration duration,
    double ticketsPerMinute,
    int customers,
    double surveyResponseRate,
    double outOfOrderShare,
    Duration maxOutOfOrder,
    double lateShare,
    Duration lateDelayMin,
    Duration lateDelayMax,
    double plantedChurnShare,
    boolean queueEvents) {

  /** Without queue events and IVR-only calls: the data set earlier releases generated. */
  public SimulationConfig(long seed, Instant start, Duration duration, double ticketsPerMinute, int customers,
      double surveyResponseRate, double outOfOrderShare, Duration maxOutOfOrder, double lateShare, Duration lateDelayMin,
      Duration lateDelayMax, double plantedChurnShare) {
    this(seed, start, duration, ticketsPerMinute, customers, surveyResponseRate, outOfOrderShare, maxOutOfOrder, lateShare,
        lateDelayMin, lateDelayMax, plantedChurnShare, false);
  }

  public SimulationConfig {
    if (ticketsPerMinute <= 0) {
      throw new IllegalArgumentException("ticketsPerMinute must be > 0, got " + ticketsPerMinute);
    }
    if (customers < 1) {
      throw new IllegalArgumentException("customers must be >= 1, got " + customers);
    }
    requireShare("surveyResponseRate", surveyResponseRate);
    requireShare("outOfOrderShare", outOfOrderShare);
    requireShare("lateShare", lateShare);
    requireShare("plantedChurnShare", plantedChurnShare);
    if (lateDelayMax.compareTo(lateDelayMin) < 0) {
      throw new IllegalArgumentException("lateDelayMax " + lateDelayMax + " < lateDelayMin " + lateDelayMin);
    }
  }

  private static void requireShare(String name, double v) {
    if (v < 0 || v > 1) {
      throw new IllegalArgumentException(name + " must be in 0..1, got " + v);
    }
  }

  public static SimulationConfig defaults(long seed, Instant start, Duration duration) {
    return new SimulationConfig(seed, start, duration, 60, 200_000, 0.3, 0.1, Duration.ofSeconds(20),
        0.005, Duration.ofMinutes(10), Duration.ofMinutes(60), 0.002);
  }

  public SimulationConfig withRate(double perMinute) {
    return new SimulationConfig(seed, start, duration, perMinute, customers, surveyResponseRate, outOfOrderShare,
        maxOutOfOrder, lateShare, lateDelayMin, lateDelayMax, plantedChurnShare, queueEvents);
  }

  public SimulationConfig withCustomers(int n, double plantedShare) {
    return new SimulationConfig(seed, start, duration, ticketsPerMinute, n, surveyResponseRate, outOfOrderShare,
        maxOutOfOrder, lateShare, lateDelayMin, lateDelayMax, plantedShare, queueEvents);
  }

  public SimulationConfig withDisorder(double outOfOrder, Duration maxDelay, double late) {
    return new SimulationConfig(seed, start, duration, ticketsPerMinute, customers, surveyResponseRate, outOfOrder,
        maxDelay, late, lateDelayMin, lateDelayMax, plantedChurnShare, queueEvents);
  }

  public SimulationConfig withQueueEvents(boolean on) {
    return new SimulationConfig(seed, start, duration, ticketsPerMinute, customers, surveyResponseRate, outOfOrderShare,
        maxOutOfOrder, lateShare, lateDelayMin, lateDelayMax, plantedChurnShare, on);
  }
}
