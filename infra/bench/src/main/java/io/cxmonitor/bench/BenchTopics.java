package io.cxmonitor.bench;

import io.cxmonitor.platform.kafka.Topics;
import java.util.ArrayList;
import java.util.List;

/** The topics the benchmark fills and the runners read. */
public final class BenchTopics {
  private BenchTopics() {}

  /** Survey responses at benchmark density (the generator's responses, each published several times under new ids). */
  public static final String SURVEYS = Topics.SURVEYS;
  /** The generator's survey responses once each, at its natural density: the churn job's survey input. */
  public static final String NATURAL_SURVEYS = "bench.surveys-natural";
  public static final String INTERACTIONS = Topics.INTERACTIONS;
  public static final String LIFECYCLE = Topics.LIFECYCLE;
  public static final String FOLLOW_UPS_DONE = Topics.FOLLOW_UPS_DONE;
  /** Survey responses published live at a steady rate, event time = now: the latency probe's input. */
  public static final String LIVE_SURVEYS = "bench.surveys-live";

  /** Every topic to create: the jobs' inputs and outputs and the benchmark's own. */
  public static List<String> all() {
    List<String> all = new ArrayList<>(Topics.ALL);
    all.add(NATURAL_SURVEYS);
    all.add(LIVE_SURVEYS);
    return all;
  }
}
