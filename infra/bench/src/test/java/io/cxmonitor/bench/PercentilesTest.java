package io.cxmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void nearestRankOfOneToHundred() {
    double[] sample = new double[100];
    for (int i = 0; i < 100; i++) {
      sample[i] = 100 - i; // unsorted on purpose
    }
    Percentiles p = Percentiles.of(sample);
    assertThat(p.count()).isEqualTo(100);
    assertThat(p.p50()).isEqualTo(50);
    assertThat(p.p99()).isEqualTo(99);
    assertThat(p.max()).isEqualTo(100);
  }

  @Test
  void aSingleValueIsEveryPercentile() {
    Percentiles p = Percentiles.of(new double[] {0.7});
    assertThat(p.p50()).isEqualTo(0.7);
    assertThat(p.p99()).isEqualTo(0.7);
  }

  @Test
  void anEmptySampleHasNoPercentiles() {
    assertThat(Percentiles.of(new double[0]).count()).isZero();
    assertThat(Percentiles.of(new double[0]).p50()).isNaN();
  }
}
