package io.cxmonitor.churn.risk;

import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a customer's churn-risk score is built: every signal adds its weight, and every point
 * decays by half each {@code halfLife}. A customer becomes at risk when the score reaches
 * {@code enter} and recovers only when it falls below {@code exit} (hysteresis: {@code exit <
 * enter}, so a score hovering at the threshold does not flap).
 */
public final class RiskPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What can raise the risk score. */
  public enum Signal {
    /** NPS 0–6. */
    DETRACTOR(2.0),
    /** CSAT 1–2. */
    LOW_CSAT(1.5),
    /** CES 5–7 (high effort). */
    HIGH_EFFORT(1.0),
    /** A repeat contact ({@link io.cxmonitor.rules.RepeatContactRule}). */
    REPEAT_CONTACT(1.0),
    /** A resolved ticket was reopened. */
    REOPEN(1.0),
    /** First-response SLA breached: unanswered and open at its deadline ({@link io.cxmonitor.rules.SlaRule}). */
    SLA_BREACH(0.75),
    /** Resolution SLA breached: still open at its deadline ({@link io.cxmonitor.rules.SlaRule}). */
    LONG_RESOLUTION(1.0),
    /** Moved to a cheaper plan. */
    DOWNGRADE(2.0);

    public final double defaultWeight;

    Signal(double defaultWeight) {
      this.defaultWeight = defaultWeight;
    }

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final String DEFAULT_WEIGHTS =
      "DETRACTOR=2,LOW_CSAT=1.5,HIGH_EFFORT=1,REPEAT_CONTACT=1,REOPEN=1,SLA_BREACH=0.75,LONG_RESOLUTION=1,DOWNGRADE=2";

  private final double[] weights = new double[Signal.values().length];
  private final long halfLifeMs;
  private final double enter;
  private final double exit;

  public RiskPolicy(String weightSpec, Duration halfLife, double enter, double exit) {
    for (Signal s : Signal.values()) {
      weights[s.ordinal()] = s.defaultWeight;
    }
    parseWeights(weightSpec).forEach((s, w) -> weights[s.ordinal()] = w);
    if (halfLife.isNegative() || halfLife.isZero()) {
      throw new IllegalArgumentException("risk half-life must be positive, got " + halfLife);
    }
    if (!(exit > 0 && exit < enter)) {
      throw new IllegalArgumentException("need 0 < exit threshold < enter threshold, got exit " + exit + ", enter " + enter);
    }
    this.halfLifeMs = halfLife.toMillis();
    this.enter = enter;
    this.exit = exit;
  }

  public static RiskPolicy defaults() {
    return new RiskPolicy(DEFAULT_WEIGHTS, Duration.ofDays(14), 4.0, 2.0);
  }

  private static Map<Signal, Double> parseWeights(String spec) {
    Map<Signal, Double> m = new EnumMap<>(Signal.class);
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      try {
        Signal s = Signal.valueOf(p.substring(0, eq).trim().toUpperCase(Locale.ROOT));
        double w = Double.parseDouble(p.substring(eq + 1).trim());
        if (w < 0) {
          throw new IllegalArgumentException("risk weight " + s + " must be >= 0, got " + w);
        }
        m.put(s, w);
      } catch (StringIndexOutOfBoundsException | NumberFormatException e) {
        throw new IllegalArgumentException("risk weights: '" + p + "' is not SIGNAL=NUMBER, e.g. DETRACTOR=2");
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("risk weight")) {
          throw e;
        }
        throw new IllegalArgumentException("risk weights: unknown signal in '" + p + "', use one of "
            + java.util.Arrays.toString(Signal.values()));
      }
    }
    return m;
  }

  public double weight(Signal s) {
    return weights[s.ordinal()];
  }

  public double enter() {
    return enter;
  }

  public double exit() {
    return exit;
  }

  /** {@code value} points at time {@code from}, decayed to time {@code to}. */
  public double decay(double value, long from, long to) {
    return to <= from ? value : value * Math.pow(0.5, (double) (to - from) / halfLifeMs);
  }

  /** When {@code value} points at {@code from} will have decayed to {@code target}. */
  public long timeToDecay(double value, long from, double target) {
    if (value <= target) {
      return from;
    }
    return from + (long) Math.ceil(halfLifeMs * (Math.log(value / target) / Math.log(2)));
  }
}
