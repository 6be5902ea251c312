package io.cxmonitor.metrics;

/**
 * What the churn job remembers about one customer: the subscription (for the active base and
 * MRR), the decayed risk contributions per signal, at-risk status and the latest contact.
 * About 270 bytes serialised for a subscriber (measured by {@code CustomerRiskFunctionTest}), plus one small entry
 * per open ticket.
 */
public final class CustomerState {
  public static final long NONE = Long.MIN_VALUE;
  public static final String GROUP_SEPARATOR = "\u001f";

  public boolean active;
  public String plan;
  public long mrr;
  public String region;
  public String product;

  /**
   * The subscription's versions (groups and MRR) over the last day, for the churn cohorts: when
   * each began (the first: when the subscription began), its MRR and its groups (region, product,
   * plan joined by {@link #GROUP_SEPARATOR}). Null when not subscribed, or restored from a release
   * that did not keep them (then the subscription counts as begun before anything the job knows).
   */
  public long[] versionFrom;
  public long[] versionMrr;
  public String[] versionGroup;

  /** Risk contribution per risk signal (indexed by the churn job's signal ordinal), decayed to {@link #scoreAt}. */
  public double[] contributions;
  public int[] counts;
  public long scoreAt = NONE;
  public boolean atRisk;
  /** Group of the at-risk gauge entry (plan at the time), and the MRR counted as at risk. */
  public String riskPlan;
  public long riskMrr;
  public long exitAt = NONE;

  public long lastContactAt = NONE;
  public String lastContactTicket;
  public long cleanupAt = NONE;

  public CustomerState() {}

  public double score() {
    double s = 0;
    for (double c : contributions) {
      s += c;
    }
    return s;
  }
}
