package io.cxmonitor.surveys;

import io.cxmonitor.metrics.SurveyCounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SurveyScoresTest {

  private static SurveyCounts answers(int[] nps, int[] csat, int[] ces) {
    SurveyCounts c = new SurveyCounts();
    for (int v : nps) {
      c.addResponse(v, null, null);
    }
    for (int v : csat) {
      c.addResponse(null, v, null);
    }
    for (int v : ces) {
      c.addResponse(null, null, v);
    }
    return c;
  }

  @Test
  void noAnswersGiveNoScores() {
    SurveyCounts empty = new SurveyCounts();
    assertThat(SurveyScores.nps(empty)).isEmpty();
    assertThat(SurveyScores.csat(empty)).isEmpty();
    assertThat(SurveyScores.ces(empty)).isEmpty();
    assertThat(empty.isEmpty()).isTrue();
  }

  @Test
  void npsCountsPromotersPassivesAndDetractorsAtTheirBoundaries() {
    // 9,10 promoters; 7,8 passives; 0..6 detractors
    var nps = SurveyScores.nps(answers(new int[] {10, 9, 9, 8, 7, 6, 0}, new int[0], new int[0])).orElseThrow();
    assertThat(nps.n()).isEqualTo(7);
    assertThat(nps.promoters()).isEqualTo(3);
    assertThat(nps.passives()).isEqualTo(2);
    assertThat(nps.detractors()).isEqualTo(2);
    assertThat(nps.score()).isCloseTo(100.0 * (3 - 2) / 7, within(1e-9));
    assertThat(nps.ci().contains(nps.score())).isTrue();
  }

  @Test
  void onePromoterScores100WithAWideInterval() {
    var nps = SurveyScores.nps(answers(new int[] {10}, new int[0], new int[0])).orElseThrow();
    assertThat(nps.score()).isEqualTo(100.0);
    assertThat(nps.ci().low()).isLessThan(0);
  }

  @Test
  void theIntervalAlwaysContainsTheObservedScore() {
    // adjusted Wald alone gives [-98.5, 48.5] for a single detractor
    var nps = SurveyScores.nps(answers(new int[] {2}, new int[0], new int[0])).orElseThrow();
    assertThat(nps.score()).isEqualTo(-100.0);
    assertThat(nps.ci().low()).isEqualTo(-100.0);
    assertThat(nps.ci().high()).isCloseTo(48.50, within(0.01));
  }

  @Test
  void allDetractorsScoreMinus100() {
    var nps = SurveyScores.nps(answers(new int[] {0, 3, 6, 6}, new int[0], new int[0])).orElseThrow();
    assertThat(nps.score()).isEqualTo(-100.0);
    assertThat(nps.ci().low()).isEqualTo(-100.0);
    assertThat(nps.ci().high()).isLessThan(0);
  }

  @Test
  void csatTop2BoxAndMean() {
    var csat = SurveyScores.csat(answers(new int[0], new int[] {5, 4, 3, 1}, new int[0])).orElseThrow();
    assertThat(csat.n()).isEqualTo(4);
    assertThat(csat.satisfied()).isEqualTo(2);
    assertThat(csat.top2Pct()).isEqualTo(50.0);
    assertThat(csat.mean()).isCloseTo(13 / 4.0, within(1e-12));
    // s² = ((5-3.25)² + (4-3.25)² + (3-3.25)² + (1-3.25)²) / 3 = 8.75 / 3
    double half = 3.182446 * Math.sqrt(8.75 / 3 / 4);
    assertThat(csat.meanCi().low()).isCloseTo(Math.max(1, 3.25 - half), within(1e-4));
    assertThat(csat.meanCi().high()).isCloseTo(Math.min(5, 3.25 + half), within(1e-4));
    assertThat(csat.top2Ci().low()).isBetween(0.0, 50.0);
  }

  @Test
  void cesMeanAndHighEffortShare() {
    var ces = SurveyScores.ces(answers(new int[0], new int[0], new int[] {1, 2, 5, 7})).orElseThrow();
    assertThat(ces.mean()).isEqualTo(3.75);
    assertThat(ces.highEffort()).isEqualTo(2);
    assertThat(ces.highEffortPct()).isEqualTo(50.0);
    assertThat(ces.meanCi().low()).isGreaterThanOrEqualTo(1.0);
    assertThat(ces.meanCi().high()).isLessThanOrEqualTo(7.0);
  }

  @Test
  void countsSubtractBackToEmpty() {
    SurveyCounts a = answers(new int[] {1, 9}, new int[] {2}, new int[] {7});
    SurveyCounts sum = SurveyCounts.copyOf(a);
    sum.add(a);
    sum.subtract(a);
    assertThat(sum).isEqualTo(a);
    sum.subtract(a);
    assertThat(sum.isEmpty()).isTrue();
  }
}
