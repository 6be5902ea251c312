package io.cxmonitor.metrics;

/**
 * What the churn job remembers about one customer: the subscription (for the active base and
 * MRR), the decayed risk contributions per signal, at-risk status and the latest contact.
 * About 200 bytes serialised (measured by {@code CustomerRiskFunctionTest}), plus one small entry
 * per open ticket.
 */
public final class CustomerState {
  public static final long NONE = Long.MIN_VALUE;

  public boolean active;
  public String plan;
  public long mrr;
  public String region;
  public String product;

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
