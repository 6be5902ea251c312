package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link KpiPointSerializer} under Flink's own serializer contract tests (round trips one by one
 * and in sequence, copies, duplicates, snapshot and restore, Java serialization), and the points
 * written from a shipped point: the same line protocol as from the original, field order and
 * integer-or-float kinds included.
 */
class KpiPointSerializerTest extends SerializerTestBase<KpiPoint> {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @Override
  protected TypeSerializer<KpiPoint> createSerializer() {
    return KpiPointSerializer.INSTANCE;
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<KpiPoint> getTypeClass() {
    return KpiPoint.class;
  }

  /** A point needs a field, so there is no empty instance to create: Flink's non-reusing paths never ask. */
  @Override
  protected boolean allowNullInstances(TypeSerializer<KpiPoint> serializer) {
    return true;
  }

  @Override
  protected KpiPoint[] getTestData() {
    Map<String, Object> many = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      many.put("f" + (39 - i), i % 2 == 0 ? (Object) (long) i : (Object) (i / 7.0));
    }
    Map<String, String> nullValue = new TreeMap<>();
    nullValue.put("channel", null);
    return new KpiPoint[] {
        new KpiPoint("cx_service", Map.of("window", "1m", "channel", "PHONE", "region", "all"),
            fields("opened", 12L, "fcr_pct", 66.66666666666667, "fcr_n", 3L), T0),
        new KpiPoint("cx_backlog", Map.of(), fields("open", 0L), 0L),
        new KpiPoint("", Map.of("", ""), fields("x", -0.0), -1L),
        new KpiPoint("cx_frt", Map.of("team", "Équipe 漢 \\ ,= \n"), fields("min", Long.MIN_VALUE, "max", Long.MAX_VALUE,
            "tiny", Double.MIN_VALUE, "huge", Double.MAX_VALUE, "whole", 3.0, "three", 3L), Long.MAX_VALUE),
        new KpiPoint("cx_repeat_pairs", Map.of("window", "24h", "channel", "email", "to_channel", "chat"), many, T0 - 1),
        new KpiPoint("m".repeat(70_000), Map.of("k", "v".repeat(100_000)), fields("n".repeat(66_000), 1L), T0),
        new KpiPoint("cx_null_tag", nullValue, fields("n", 1L), Long.MIN_VALUE),
        new KpiPoint("cx_latin1", Map.of("région", "Île-de-France ÿ"), fields("durée_s", 1.5), T0),
        new KpiPoint("cx_wide", Map.of("team", "\uD83D\uDE00 Ā"), fields("n", 2L), T0),
    };
  }

  private static Map<String, Object> fields(Object... keysAndValues) {
    Map<String, Object> f = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      f.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return f;
  }

  @Test
  void shippedPointsWriteTheSameLinesWithFieldsInTheirOrderAndKinds() throws IOException {
    Random random = new Random(7);
    List<KpiPoint> points = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      points.add(randomPoint(random));
    }
    DataOutputSerializer out = new DataOutputSerializer(64);
    for (KpiPoint p : points) {
      KpiPointSerializer.INSTANCE.serialize(p, out);
    }
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    for (KpiPoint p : points) {
      KpiPoint back = KpiPointSerializer.INSTANCE.deserialize(in);
      assertThat(back).isEqualTo(p);
      assertThat(new ArrayList<>(back.fields().keySet())).isEqualTo(new ArrayList<>(p.fields().keySet()));
      for (Map.Entry<String, Object> f : p.fields().entrySet()) {
        assertThat(back.fields().get(f.getKey())).isExactlyInstanceOf(f.getValue().getClass());
      }
      assertThat(LineProtocol.line(back, (a, b) -> {})).isEqualTo(LineProtocol.line(p, (a, b) -> {}));
      KpiPoint copy = KpiPointSerializer.INSTANCE.copy(p);
      assertThat(LineProtocol.line(copy, (a, b) -> {})).isEqualTo(LineProtocol.line(p, (a, b) -> {}));
    }
    assertThat(in.available()).isZero();
  }

  @Test
  void aCopyDoesNotShareTheOriginalsFieldMap() {
    Map<String, Object> f = fields("n", 1L);
    KpiPoint original = new KpiPoint("m", Map.of("a", "b"), f, T0);
    KpiPoint copy = KpiPointSerializer.INSTANCE.copy(original);
    f.put("n", 2L);
    assertThat(copy.fields()).containsEntry("n", 1L);
  }

  @Test
  void bytesOfAnotherLayoutAreRefusedWithTheFieldNamed() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    KpiPointSerializer.INSTANCE.serialize(new KpiPoint("cx_service", Map.of(), fields("opened", 1L), T0), out);
    byte[] bytes = out.getCopyOfBuffer();
    int kindAt = bytes.length - 8 - 8 - 1; // before the field's long and the time
    bytes[kindAt] = 9;
    assertThatThrownBy(() -> KpiPointSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
        .isInstanceOf(IOException.class).hasMessageContaining("opened").hasMessageContaining("unknown kind 9");
    assertThatThrownBy(() -> KpiPointSerializer.INSTANCE.copy(new DataInputDeserializer(bytes), new DataOutputSerializer(64)))
        .isInstanceOf(IOException.class).hasMessageContaining("unknown kind 9");
  }

  @Test
  void tagsOutOfOrderAreRefused() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    KpiPointSerializer.INSTANCE.serialize(new KpiPoint("cx_service", Map.of("channel", "chat", "region", "emea"),
        fields("opened", 1L), T0), out);
    byte[] bytes = out.getCopyOfBuffer();
    String written = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    int channel = written.indexOf("channel");
    int region = written.indexOf("region");
    assertThat(channel).isPositive().isLessThan(region);
    bytes[channel] = 's'; // "shannel" after "region"
    assertThatThrownBy(() -> KpiPointSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
        .isInstanceOf(IOException.class).hasMessageContaining("cx_service").hasMessageContaining("out of order");
  }

  private static KpiPoint randomPoint(Random random) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      tags.put(text(random, 8), text(random, 12));
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 1 + random.nextInt(30); i > 0; i--) {
      fields.put(text(random, 10) + i, random.nextBoolean()
          ? (Object) (random.nextBoolean() ? random.nextLong() : (long) random.nextInt(100))
          : (Object) ((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20)));
    }
    return new KpiPoint(text(random, 16), tags, fields, T0 + random.nextInt());
  }

  private static String text(Random random, int maxLength) {
    String alphabet = "ab Z,=\\\"'-_.é漢\n\t";
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
