package io.cxmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static final RunResult PASS_FRESH =
      new RunResult(Runners.PASS_THROUGH_SURVEYS, "fresh", 2_000_000, 4.0, 0.5, 6.0, 0, 0, 0, 0, 0, 0, 200L << 20, 120);
  private static final RunResult SURVEY_FRESH =
      new RunResult(Runners.SURVEY_JOB, "fresh", 2_000_000, 10.0, 3.0, 9.5, 80_000, 100_000, 3, 3L << 20, 900, 400, 1L << 30,
      800, 0.8);

  @Test
  void aRowPerRunWithRateRatioAndPointsPerEvent() {
    String table = Report.throughputTable(List.of(PASS_FRESH, SURVEY_FRESH));
    List<String> rows = table.lines().toList();
    assertThat(rows).hasSize(4);
    // 2M events in 4 s and in 10 s: 500k/s and 200k/s, 40 % of the pass-through; 80k and 100k points / 2M events
    // influxd's CPU not measured for the pass-through: a dash
    assertThat(rows.get(2)).startsWith("| pass-through-surveys | fresh | 2.00M | 500k | — | 6.0 | — | — | — |");
    assertThat(rows.get(3)).startsWith("| survey-job | fresh | 2.00M | 200k | 40 % | 9.5 | 0.8 | 0.040 / 0.050 | 3 | 3 MiB | 900 / 400 ms "
        + "| 1.0 GiB | 800 ms | 3.0 s |");
  }

  @Test
  void theRatioComparesRunsOfTheSameJvmState() {
    RunResult surveyWarmed = new RunResult(Runners.SURVEY_JOB, "warmed", 1_000, 1.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(Report.throughputTable(List.of(PASS_FRESH, surveyWarmed)).lines().toList().get(3)).contains("| — |");
  }

  @Test
  void aQueryRowPerDashboardNeedWithBothTimesAndTheirRatio() {
    DashboardQueries.Timing both = new DashboardQueries.Timing("NPS per minute, overall, 6 h", 240,
        Percentiles.of(new double[] {1200, 800, 1000}), 239, Percentiles.of(new double[] {4.0, 5.0, 6.5}));
    DashboardQueries.Timing rawOnly = new DashboardQueries.Timing("NPS last 1 h, overall", 1,
        Percentiles.of(new double[] {95}), -1, Percentiles.NONE);
    List<String> rows = Report.queryTable(List.of(both, rawOnly), 3).lines().toList();
    assertThat(rows.get(0)).contains("3 timed runs each");
    assertThat(rows.get(2)).startsWith("| query | rows raw | raw: ms | rows pre-computed | pre-computed: ms |");
    // raw p50 1000 ms of {800, 1000, 1200}, p99 = max 1200; pre-computed p50 5.0 ms: 200 times
    assertThat(rows.get(4)).isEqualTo("| NPS per minute, overall, 6 h | 240 | 1000 / 1200 / 1200 | 239 | 5.0 / 6.5 / 6.5 | 200× |");
    assertThat(rows.get(5)).isEqualTo("| NPS last 1 h, overall | 1 | 95 / 95 / 95 | — | — | — |");
  }

  @Test
  void theChartIsAPng(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("chart.png");
    Report.chart(List.of(PASS_FRESH, SURVEY_FRESH), "test machine", png);
    assertThat(Files.size(png)).isPositive();
    assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(900);
  }

  @Test
  void latencyTableHasTheProvisionalRowWhenTheProbeMeasuredIt() {
    Percentiles close = new Percentiles(144, 0.24, 0.47, 0.47);
    Percentiles event = new Percentiles(1000, 59.4, 89.1, 90.2);
    String without = Report.latencyTable(new LatencyProbe.Result(1000, 150, 2, 1000, close, event, new Percentiles(0, 0, 0, 0)));
    assertThat(without).contains("| window close → point visible (after the watermark passes the window end) | 144 | 0.24 s | 0.47 s | 0.47 s |")
        .doesNotContain("provisional");
    String with = Report.latencyTable(new LatencyProbe.Result(1000, 150, 2, 1000, close, event, new Percentiles(900, 0.57, 0.87, 0.95)));
    assertThat(with).contains("| event → provisional point visible (the overall 1m NPS point counts it) | 900 | 0.57 s | 0.87 s | 0.95 s |");
  }
}
