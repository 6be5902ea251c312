package io.cxmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.stats.DurationValues;
import io.cxmonitor.platform.stats.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Durations a partial keeps as values ({@link DurationValues}) must end in the same histograms as
 * the old way: each partial's values recorded into a histogram of its own and that histogram added
 * to (or subtracted from) the aggregate. The oracle here is plain HdrHistogram doing exactly that;
 * the aggregate under test goes through what the rolling windows do to it: partials added (few
 * values, and more than {@link DurationValues#MAX_VALUES}), added into an aggregate that holds only
 * values itself, subtracted again, sealed and read back from its stored form (as a copy in state
 * has only that), copied.
 */
class ServiceCountsValuesTest {
  private static final Random RANDOM = new Random(20261127L);

  private record Kind(String name, Function<ServiceCounts, Histogram> histogram,
      java.util.function.ObjLongConsumer<ServiceCounts> record, Function<ServiceCounts, Double> mean) {}

  private static final List<Kind> KINDS = List.of(
      new Kind("frt", ServiceCounts::frt, ServiceCounts::recordFrt, ServiceCounts::frtMean),
      new Kind("ttr", ServiceCounts::ttr, ServiceCounts::recordTtr, ServiceCounts::ttrMean),
      new Kind("queue", ServiceCounts::queueTime, ServiceCounts::recordQueueTime, ServiceCounts::queueTimeMean));

  private static long duration() {
    return switch (RANDOM.nextInt(5)) {
      case 0 -> 0;
      case 1 -> RANDOM.nextInt(1_000);
      default -> (long) Math.exp(RANDOM.nextDouble() * Math.log(30L * 86_400_000L)); // up to 30 days
    };
  }

  @Test
  void valuesEndInTheSameHistogramsAsHistogramsAddedAndSubtracted() {
    for (Kind kind : KINDS) {
      for (int run = 0; run < 20; run++) {
        ServiceCounts aggregate = new ServiceCounts();
        Histogram oracle = Durations.newHistogram();
        long oracleMedianSum = 0;
        List<ServiceCounts> added = new ArrayList<>();
        List<Histogram> addedOracle = new ArrayList<>();
        for (int step = 0; step < 60; step++) {
          int n = RANDOM.nextInt(10) == 0 ? DurationValues.MAX_VALUES + RANDOM.nextInt(20) : 1 + RANDOM.nextInt(4);
          ServiceCounts partial = new ServiceCounts();
          Histogram own = Durations.newHistogram();
          long medianSum = 0;
          for (int i = 0; i < n; i++) {
            long ms = duration();
            kind.record.accept(partial, ms);
            own.recordValue(ms);
            medianSum += own.medianEquivalentValue(ms);
          }
          if (RANDOM.nextInt(4) == 0) {
            // a partial that gathered other partials' values before it was added
            ServiceCounts gathered = new ServiceCounts();
            gathered.add(partial);
            partial = gathered;
          }
          aggregate.add(partial);
          oracle.add(own);
          oracleMedianSum += medianSum;
          added.add(partial);
          addedOracle.add(own);
          if (RANDOM.nextInt(5) == 0 && added.size() > 1) {
            int i = RANDOM.nextInt(added.size() - 1);
            aggregate.subtract(added.remove(i));
            Histogram gone = addedOracle.remove(i);
            oracle.subtract(gone);
            for (HistogramIterationValue v : gone.recordedValues()) {
              oracleMedianSum -= v.getCountAtValueIteratedTo() * gone.medianEquivalentValue(v.getValueIteratedTo());
            }
          }
          switch (RANDOM.nextInt(4)) {
            case 0 -> aggregate = stored(aggregate.seal());
            case 1 -> aggregate = ServiceCounts.copyOf(aggregate);
            default -> { }
          }
          assertSame(kind, aggregate, oracle, oracleMedianSum);
        }
      }
    }
  }

  @Test
  void anAggregateOfValuesOnlyIsNotEmptyAndSealsItsValues() {
    ServiceCounts c = new ServiceCounts();
    assertThat(c.isEmpty()).isTrue();
    c.recordTtr(1_234);
    assertThat(c.ttrValues()).isNotNull();
    assertThat(c.isEmpty()).isFalse();
    ServiceCounts back = stored(c.seal());
    assertThat(back.ttr().getTotalCount()).isEqualTo(1);
    assertThat(back.ttr().getMaxValue()).isEqualTo(Durations.newHistogram().highestEquivalentValue(1_234));
    assertThat(back.frtIfAny()).isNull();
  }

  /** Flink's POJO serializer of the aggregate, as the state backends keep it. */
  private static final TypeSerializer<ServiceCounts> STATE =
      TypeInformation.of(ServiceCounts.class).createSerializer(new SerializerConfigImpl());

  /** The aggregate as state holds it after a copy (heap) or a write and read (RocksDB, restore): the stored fields only. */
  private static ServiceCounts stored(ServiceCounts c) {
    try {
      DataOutputSerializer out = new DataOutputSerializer(256);
      STATE.serialize(STATE.copy(c), out);
      return STATE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertSame(Kind kind, ServiceCounts c, Histogram expected, long expectedMedianSum) {
    Histogram actual = kind.histogram.apply(c);
    assertThat(recorded(actual)).as(kind.name).isEqualTo(recorded(expected));
    assertThat(actual.getTotalCount()).as(kind.name).isEqualTo(expected.getTotalCount());
    if (expected.getTotalCount() > 0) {
      assertThat(actual.getMaxValue()).as(kind.name + " max").isEqualTo(expected.getMaxValue());
      assertThat(actual.getMinNonZeroValue()).as(kind.name + " min").isEqualTo(expected.getMinNonZeroValue());
    }
    for (double q : new double[] {0, 50, 90, 99, 100}) {
      assertThat(actual.getValueAtPercentile(q)).as("%s p%s", kind.name, q).isEqualTo(expected.getValueAtPercentile(q));
    }
    assertThat(kind.mean.apply(c)).as(kind.name + " mean").isEqualTo(expected.getTotalCount() == 0 ? 0.0 : expected.getMean());
    long medianSum = switch (kind.name) {
      case "frt" -> c.frtMedianSum;
      case "ttr" -> c.ttrMedianSum;
      default -> c.queueMedianSum;
    };
    assertThat(medianSum).as(kind.name + " median sum").isEqualTo(expectedMedianSum);
  }

  private static List<String> recorded(Histogram h) {
    List<String> values = new ArrayList<>();
    for (HistogramIterationValue v : h.recordedValues()) {
      values.add(v.getValueIteratedTo() + "×" + v.getCountAtValueIteratedTo());
    }
    return values;
  }
}
