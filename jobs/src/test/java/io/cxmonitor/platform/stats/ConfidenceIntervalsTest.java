package io.cxmonitor.platform.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reference values: Wilson from Newcombe (1998) table I; t quantiles from standard tables; NPS by hand. */
class ConfidenceIntervalsTest {

  @Test
  void wilsonMatchesPublishedValues() {
    Interval eightOfTen = ConfidenceIntervals.wilson(8, 10);
    assertThat(eightOfTen.low()).isCloseTo(0.4902, within(1e-4));
    assertThat(eightOfTen.high()).isCloseTo(0.9433, within(1e-4));
  }

  @Test
  void wilsonAtZeroAndAllSuccessesStaysInsideTheUnitIntervalWithWidth() {
    Interval none = ConfidenceIntervals.wilson(0, 10);
    assertThat(none.low()).isEqualTo(0.0);
    assertThat(none.high()).isCloseTo(0.2775, within(1e-4));
    Interval all = ConfidenceIntervals.wilson(10, 10);
    assertThat(all.low()).isCloseTo(0.7225, within(1e-4));
    assertThat(all.high()).isLessThanOrEqualTo(1.0).isCloseTo(1.0, within(1e-9));
  }

  /** At 0 % and 100 % the bounds are exactly 0 and 1, not a rounding error beside them: the interval holds the rate. */
  @Test
  void wilsonAtZeroAndAllSuccessesHoldsTheRateForEveryN() {
    for (long n = 1; n <= 10_000; n++) {
      assertThat(ConfidenceIntervals.wilson(0, n).low()).as("low of 0/%d", n).isEqualTo(0.0);
      assertThat(ConfidenceIntervals.wilson(n, n).high()).as("high of %d/%d", n, n).isEqualTo(1.0);
    }
  }

  @Test
  void wilsonWithOneAnswerIsWide() {
    Interval one = ConfidenceIntervals.wilson(1, 1);
    assertThat(one.low()).isCloseTo(0.2065, within(1e-4));
    assertThat(one.high()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void wilsonRejectsImpossibleCounts() {
    assertThatThrownBy(() -> ConfidenceIntervals.wilson(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfidenceIntervals.wilson(3, 2)).hasMessageContaining("3/2");
  }

  @Test
  void npsIntervalForAllPromotersIsClampedAt100AndStillWide() {
    Interval ci = ConfidenceIntervals.npsAdjustedWald(10, 0, 0);
    assertThat(ci.high()).isEqualTo(100.0);
    assertThat(ci.low()).isCloseTo(47.50, within(0.01));
  }

  @Test
  void npsIntervalForAllDetractorsMirrorsAllPromoters() {
    Interval ci = ConfidenceIntervals.npsAdjustedWald(0, 0, 10);
    assertThat(ci.low()).isEqualTo(-100.0);
    assertThat(ci.high()).isCloseTo(-47.50, within(0.01));
  }

  @Test
  void npsIntervalForAMixedSample() {
    // 50 promoters, 30 passives, 20 detractors: NPS 30, adjusted-Wald 95 % CI 14.05 .. 44.20
    Interval ci = ConfidenceIntervals.npsAdjustedWald(50, 30, 20);
    assertThat(ci.low()).isCloseTo(14.05, within(0.01));
    assertThat(ci.high()).isCloseTo(44.20, within(0.01));
    assertThat(ci.contains(30)).isTrue();
  }

  @Test
  void npsIntervalWithOneAnswerSpansMostOfTheScale() {
    Interval promoter = ConfidenceIntervals.npsAdjustedWald(1, 0, 0);
    assertThat(promoter.low()).isCloseTo(-48.50, within(0.01));
    assertThat(promoter.high()).isCloseTo(98.50, within(0.01));
    Interval passive = ConfidenceIntervals.npsAdjustedWald(0, 1, 0);
    assertThat(passive.low()).isCloseTo(-60.01, within(0.01));
    assertThat(passive.high()).isCloseTo(60.01, within(0.01));
  }

  @Test
  void npsIntervalNeedsAnswers() {
    assertThatThrownBy(() -> ConfidenceIntervals.npsAdjustedWald(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tQuantilesMatchTables() {
    assertThat(ConfidenceIntervals.t95(1)).isCloseTo(12.706, within(1e-3));
    assertThat(ConfidenceIntervals.t95(10)).isCloseTo(2.228, within(1e-3));
    assertThat(ConfidenceIntervals.t95(29)).isCloseTo(2.045, within(1e-3));
    assertThat(ConfidenceIntervals.t95(5000)).isCloseTo(1.9604, within(1e-3));
  }

  @Test
  void meanIntervalWithOneAnswerIsTheWholeScale() {
    assertThat(ConfidenceIntervals.mean(1, 4, 0, 1, 5)).isEqualTo(new Interval(1, 5));
  }

  @Test
  void meanIntervalIsClampedToTheScale() {
    // answers 5,5,5,4: mean 4.75, s² = 0.25, t(3) = 3.182 → 4.75 ± 0.796 → high clamped to 5
    Interval ci = ConfidenceIntervals.mean(4, 4.75, 0.25, 1, 5);
    assertThat(ci.high()).isEqualTo(5.0);
    assertThat(ci.low()).isCloseTo(4.75 - 3.182 * 0.25, within(1e-3));
  }

  @Test
  void tQuantileBeyondTheTableEqualsTheInvertedTDistribution() {
    for (long df : new long[] {1023, 1024, 1025, 2_000, 10_000, 123_457, 10_000_000}) {
      double exact = new org.apache.commons.math3.distribution.TDistribution(null, df).inverseCumulativeProbability(0.975);
      // commons-math inverts the t distribution to about 1e-9 (its solver's accuracy)
      assertThat(ConfidenceIntervals.t95(df)).as("df %d", df).isCloseTo(exact, within(1e-8));
    }
    // the expansion itself, where the table would take over, is still that close
    double at1023 = new org.apache.commons.math3.distribution.TDistribution(null, 1023).inverseCumulativeProbability(0.975);
    assertThat(ConfidenceIntervals.t95Asymptotic(1023)).isCloseTo(at1023, within(1e-8));
    assertThat(ConfidenceIntervals.t95(Long.MAX_VALUE)).isCloseTo(ConfidenceIntervals.Z95, within(1e-12));
  }
}
