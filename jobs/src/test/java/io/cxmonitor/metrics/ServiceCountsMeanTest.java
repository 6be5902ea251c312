package io.cxmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The mean kept as a running sum of median-equivalent values must be the very number HdrHistogram's
 * {@code getMean()} computes by walking the histogram, through adds, subtracts, sealing and aggregates
 * restored from an older release (which carry no sum).
 */
class ServiceCountsMeanTest {
  private static final Random RANDOM = new Random(20261126L);

  private static ServiceCounts minute(int values) {
    ServiceCounts c = new ServiceCounts();
    for (int i = 0; i < values; i++) {
      // durations from under a second to days, the range first response and resolution times take
      long ms = (long) Math.exp(RANDOM.nextDouble() * Math.log(5L * 86_400_000L));
      c.recordFrt(ms);
      c.recordTtr(ms * 3 + RANDOM.nextInt(1000));
      c.recordQueueTime(RANDOM.nextInt(600_000));
    }
    return c.seal();
  }

  /** An aggregate as an older release stored it: histograms only, no sums. */
  private static ServiceCounts older(ServiceCounts c) {
    ServiceCounts o = ServiceCounts.copyOf(c);
    o.frtMedianSum = o.frtMedianSumN = o.ttrMedianSum = o.ttrMedianSumN = o.queueMedianSum = o.queueMedianSumN = 0;
    return o;
  }

  private static void assertSameMeans(ServiceCounts c) {
    assertThat(c.frtMean()).isEqualTo(c.frt().getMean());
    assertThat(c.ttrMean()).isEqualTo(c.ttr().getMean());
    assertThat(c.queueTimeMean()).isEqualTo(c.queueTime().getMean());
  }

  @Test
  void meanEqualsTheHistogramsOwnThroughARollingWindow() {
    List<ServiceCounts> minutes = new ArrayList<>();
    ServiceCounts window = new ServiceCounts();
    for (int m = 0; m < 300; m++) {
      ServiceCounts entering = minute(RANDOM.nextInt(40));
      minutes.add(entering);
      window.add(entering);
      if (m >= 60) {
        window.subtract(minutes.get(m - 60));
      }
      window.seal();
      assertSameMeans(window);
      assertThat(window.frtMedianSumN).as("every value is covered by the sum").isEqualTo(window.frt().getTotalCount());
    }
  }

  @Test
  void aggregatesRestoredFromAnOlderReleaseFallBackToTheHistogramUntilTheyLeave() {
    ServiceCounts window = new ServiceCounts();
    ServiceCounts old = older(minute(25));
    window.add(old);
    window.add(minute(30));
    assertThat(window.frtMedianSumN).isLessThan(window.frt().getTotalCount());
    assertSameMeans(window);
    window.subtract(old);
    assertThat(window.frtMedianSumN).isEqualTo(window.frt().getTotalCount());
    assertSameMeans(window);
  }

  @Test
  void emptyHasMeanZero() {
    assertThat(new ServiceCounts().frtMean()).isZero();
  }
}
