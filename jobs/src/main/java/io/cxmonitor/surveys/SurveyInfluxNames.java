package io.cxmonitor.surveys;

/**
 * The InfluxDB measurements and fields of the survey KPI job: NPS, CSAT and CES. Shared tags and fields (window, n, intervals, rate suffixes) are in {@code
 * InfluxSchema}; a rename here fails the dashboards' contract test.
 */
public final class SurveyInfluxNames {
  private SurveyInfluxNames() {}

  // --- cx_nps: Net Promoter Score, −100..100 ---
  public static final String MEASUREMENT_NPS = "cx_nps";
  public static final String FIELD_SCORE = "score";
  public static final String FIELD_PROMOTERS = "promoters";
  public static final String FIELD_PASSIVES = "passives";
  public static final String FIELD_DETRACTORS = "detractors";

  // --- cx_csat: satisfaction 1..5 ---
  public static final String MEASUREMENT_CSAT = "cx_csat";
  /** % answering 4 or 5; CI by Wilson in {@link #FIELD_CI_LOW}/{@link #FIELD_CI_HIGH}. */
  public static final String FIELD_TOP2_PCT = "top2_pct";
  public static final String FIELD_SATISFIED = "satisfied";
  public static final String FIELD_MEAN = "mean";
  public static final String FIELD_MEAN_CI_LOW = "mean_ci_low";
  public static final String FIELD_MEAN_CI_HIGH = "mean_ci_high";

  // --- cx_ces: effort 1 (low) .. 7 (high); mean CI in ci_low/ci_high ---
  public static final String MEASUREMENT_CES = "cx_ces";
  /** % answering 5..7 (high effort), Wilson CI in high_effort_ci_low/high. */
  public static final String FIELD_HIGH_EFFORT_PCT = "high_effort_pct";
  public static final String FIELD_HIGH_EFFORT_CI_LOW = "high_effort_ci_low";
  public static final String FIELD_HIGH_EFFORT_CI_HIGH = "high_effort_ci_high";
}
