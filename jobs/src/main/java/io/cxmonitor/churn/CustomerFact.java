package io.cxmonitor.churn;

/** A change to the customer base, revenue, risk or follow-ups that counts toward churn KPIs. */
public final class CustomerFact {
  /** What happened; {@link #value} is MRR in minor units where it applies. */
  public enum Kind {
    /** Became active: +1 active, +value MRR (new). */
    SUBSCRIBED,
    /** Still active, but moved (plan, region or product): leaves the old groups' gauges (−1, −value MRR) ... */
    GROUP_OUT,
    /** ... and joins the new groups' gauges (+1, +value MRR). */
    GROUP_IN,
    /** MRR went up by value (windowed movement; the gauge moves through PLAN_OUT/PLAN_IN). */
    EXPANSION,
    /** MRR went down by value (windowed movement). */
    CONTRACTION,
    /** Renewed, no MRR change. */
    RENEWED,
    /** Cancelled: −1 active, −value MRR (churned MRR). */
    CANCELLED,
    /** Entered at-risk: +1 at risk, +value revenue at risk. */
    AT_RISK,
    /** Left at-risk by recovering: −1, −value. */
    RECOVERED,
    /** Left at-risk by cancelling: −1, −value. */
    CHURNED_AT_RISK,
    /** An at-risk customer's plan, MRR, region or product changed: leaves the old groups' at-risk gauges (−1, −value) ... */
    RISK_OUT,
    /** ... and joins the new one (+1, +value). */
    RISK_IN,
    /**
     * A cancellation's place in the churn cohorts ({@link ChurnCohort}): from this bucket on, window
     * {@link #window} counts {@link #count} more churned customers and value more churned MRR.
     */
    COHORT,
    FOLLOW_UP_CREATED,
    FOLLOW_UP_DONE_ON_TIME,
    FOLLOW_UP_DONE_LATE,
    FOLLOW_UP_OVERDUE
  }

  public Kind kind;
  public long time;
  public String region;
  public String product;
  public String plan;
  public long value;
  /** For {@link Kind#COHORT}: the window (0 one bucket, 1 an hour, 2 a day) and the churned-customer delta. */
  public int window;
  public long count;

  public CustomerFact() {}

  /** A cohort correction as a fact at the start of its bucket. */
  public static CustomerFact cohort(ChurnCohort.Correction c, long bucketMillis) {
    CustomerFact f = new CustomerFact(Kind.COHORT, c.bucket() * bucketMillis, c.group().region(), c.group().product(),
        c.group().plan(), c.mrr());
    f.window = c.window();
    f.count = c.count();
    return f;
  }

  public CustomerFact(Kind kind, long time, String region, String product, String plan, long value) {
    this.kind = kind;
    this.time = time;
    this.region = region;
    this.product = product;
    this.plan = plan;
    this.value = value;
  }

  @Override
  public String toString() {
    return kind + "@" + time + "{" + region + "," + product + "," + plan + "," + value + "}";
  }
}
