package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.metrics.ServiceCounts;
import io.cxmonitor.platform.windows.Grouping;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link ServicePartialSerializer} gives back every field of a partial: each count (random values,
 * negative ones too), the arrays or their absence, and durations (as histograms, or as the values
 * the pre-aggregator keeps) with the same counts at the same values, so every figure read from them
 * (percentiles, mean, maximum) is the same.
 */
class ServicePartialSerializerTest {
  @Test
  void carriesEveryFieldOfTheCounts() {
    List<String> declared = Arrays.stream(ServiceCounts.class.getDeclaredFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers()))
        .map(Field::getName).toList();
    assertThat(ServicePartialSerializer.FIELDS).as("fields of ServiceCounts the wire layout carries")
        .containsExactlyInAnyOrderElementsOf(declared);
  }

  @Test
  void randomPartialsRoundTrip() throws Exception {
    Random r = new Random(5);
    for (int i = 0; i < 2_000; i++) {
      ServicePartial p = random(r);
      DataOutputSerializer out = new DataOutputSerializer(64);
      ServicePartialSerializer.INSTANCE.serialize(p, out);
      ServicePartial back = ServicePartialSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
      ServicePartial copy = ServicePartialSerializer.INSTANCE.copy(p); // before reading p turns its values into histograms
      assertSame(p, back);
      assertSame(p, copy);

      DataOutputSerializer copied = new DataOutputSerializer(64);
      ServicePartialSerializer.INSTANCE.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
      assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }
  }

  @Test
  void refusesADurationFormItDoesNotKnow() throws Exception {
    ServicePartial p = new ServicePartial(Grouping.values()[0], "chat", 42, new ServiceCounts()); // no durations
    DataOutputSerializer out = new DataOutputSerializer(64);
    ServicePartialSerializer.INSTANCE.serialize(p, out);
    byte[] bytes = out.getCopyOfBuffer();
    assertThat(bytes[bytes.length - 1]).as("the queue times' form comes last: none").isEqualTo((byte) 0);
    ServicePartialSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)); // as written: fine
    bytes[bytes.length - 1] = 7;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ServicePartialSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
        .isInstanceOf(java.io.IOException.class).hasMessageContaining("unknown form 7");
  }

  private static ServicePartial random(Random r) throws IllegalAccessException {
    ServiceCounts c = new ServiceCounts();
    for (Field f : ServiceCounts.class.getDeclaredFields()) {
      if (f.getType() == long.class && !Modifier.isStatic(f.getModifiers())) {
        f.setLong(c, switch (r.nextInt(4)) {
          case 0 -> 0;
          case 1 -> r.nextInt(100);
          case 2 -> -r.nextInt(5);
          default -> r.nextLong();
        });
      }
    }
    c.repeatPairs = r.nextBoolean() ? null : r.longs(ServiceCounts.CHANNELS * ServiceCounts.CHANNELS, -3, 50).toArray();
    c.closedByReason = r.nextBoolean() ? null : r.longs(ServiceCounts.CLOSE_REASONS, 0, 9).toArray();
    if (r.nextBoolean()) {
      for (int i = r.nextInt(40); i > 0; i--) {
        c.frt().recordValue(r.nextInt(3) == 0 ? 0 : (long) Math.exp(r.nextDouble() * 20));
        c.ttr().recordValue((long) Math.exp(r.nextDouble() * 23));
      }
      for (int i = r.nextInt(3); i > 0; i--) {
        c.queueTime().recordValueWithCount(r.nextInt(600_000), 1 + r.nextInt(1_000));
      }
    } else {
      // as the pre-aggregator records them: kept as values up to DurationValues.MAX_VALUES, then a histogram
      for (int i = r.nextInt(4) == 0 ? r.nextInt(100) : r.nextInt(4); i > 0; i--) {
        c.recordFrt(r.nextInt(3) == 0 ? 0 : (long) Math.exp(r.nextDouble() * 20));
        c.recordTtr((long) Math.exp(r.nextDouble() * 23));
        if (r.nextBoolean()) {
          c.recordQueueTime(r.nextInt(600_000));
        }
      }
    }
    if (r.nextBoolean()) {
      c.seal(); // as restored or copied counts carry them: the live histograms are what is written
    }
    Grouping g = Grouping.values()[r.nextInt(Grouping.values().length)];
    return new ServicePartial(g, r.nextBoolean() ? "chat" : "tier-" + r.nextInt(1000) + "-ñ", r.nextLong() >> 20,
        r.nextInt(20) == 0 ? null : c);
  }

  private static void assertSame(ServicePartial expected, ServicePartial actual) throws IllegalAccessException {
    assertThat(actual.grouping).isEqualTo(expected.grouping);
    assertThat(actual.value).isEqualTo(expected.value);
    assertThat(actual.bucket).isEqualTo(expected.bucket);
    if (expected.counts == null) {
      assertThat(actual.counts).isNull();
      return;
    }
    for (Field f : ServiceCounts.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers()) || f.getType() == byte[].class) {
        continue;
      }
      assertThat(f.get(actual.counts)).as(f.getName()).isEqualTo(f.get(expected.counts));
    }
    assertSameHistogram(actual.counts.frt(), expected.counts.frt());
    assertSameHistogram(actual.counts.ttr(), expected.counts.ttr());
    assertSameHistogram(actual.counts.queueTime(), expected.counts.queueTime());
  }

  private static void assertSameHistogram(Histogram actual, Histogram expected) {
    assertThat(recorded(actual)).isEqualTo(recorded(expected));
    assertThat(actual.getTotalCount()).isEqualTo(expected.getTotalCount());
    assertThat(actual.getMaxValue()).isEqualTo(expected.getMaxValue());
    assertThat(actual.getMinNonZeroValue()).isEqualTo(expected.getMinNonZeroValue());
    assertThat(actual.getMinValue()).isEqualTo(expected.getMinValue());
    assertThat(actual.getMean()).isEqualTo(expected.getMean());
    for (double q : new double[] {0, 1, 50, 90, 99, 99.9, 100}) {
      assertThat(actual.getValueAtPercentile(q)).as("p%s", q).isEqualTo(expected.getValueAtPercentile(q));
    }
  }

  private static List<String> recorded(Histogram h) {
    List<String> values = new ArrayList<>();
    for (HistogramIterationValue v : h.recordedValues()) {
      values.add(v.getValueIteratedTo() + "×" + v.getCountAtValueIteratedTo());
    }
    return values;
  }
}
