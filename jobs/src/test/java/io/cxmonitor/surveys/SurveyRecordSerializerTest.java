package io.cxmonitor.surveys;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.inputs.TestInputs;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.testing.DecodedRecords;
import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The survey job's shuffle serializer: every field of a consumed record survives the trip, for
 * usable, invalid, late, undecodable and duplicate records with any optional field missing; and a
 * field added to the schema fails here until the serializer writes it.
 */
class SurveyRecordSerializerTest {
  private final DecodedRecords<SurveyResponse> in = TestInputs.surveys("cx.surveys");
  private final Random random = new Random(11);

  @Test
  void writesEveryFieldOfTheSchema() {
    assertThat(SurveyRecordSerializer.FIELDS).containsExactlyElementsOf(SurveyRecordSerializer.schemaFields());
  }

  @Test
  void everyKindOfRecordSurvivesTheTripAndItsCopy() throws Exception {
    List<Decoded<SurveyResponse>> records = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      SurveyResponse r = response(i);
      Decoded<SurveyResponse> d = switch (i % 5) {
        case 0 -> in.invalid(SurveyResponse.newBuilder(r).setNps(11).build());
        case 1 -> in.undecodable(new byte[] {(byte) 0xC3, 1, 2, 3}, Instant.parse("2026-03-02T09:00:00Z"));
        default -> in.good(r);
      };
      if (i % 7 == 0 && d.ok()) {
        d.duplicate = true;
      }
      if (i % 11 == 0 && d.ok()) {
        d.unknownSymbols = "SurveyResponse.channel = TELEGRAM";
      }
      if (i % 13 == 0 && d.ok()) {
        d.failureKind = DeadLetter.Kind.LATE; // as the lateness check marks it, value dropped
        d.failureReason = "late: minute closed";
        d.value = null;
      }
      if (i % 19 == 0 && d.ok()) { // scores no valid record has: the layout still carries them
        int[] odd = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, -7};
        d.value.setCsat(odd[(i / 19) % odd.length]);
      }
      if (i % 3 == 0) {
        d.rawKey = ("key-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      records.add(d);
    }
    SurveyRecordSerializer serializer = SurveyRecordSerializer.INSTANCE;
    DataOutputSerializer out = new DataOutputSerializer(256);
    for (Decoded<SurveyResponse> d : records) {
      serializer.serialize(d, out);
    }
    DataInputDeserializer back = new DataInputDeserializer(out.getCopyOfBuffer());
    for (Decoded<SurveyResponse> d : records) {
      assertSame(serializer.deserialize(back), d);
      assertSame(serializer.copy(d), d);
    }
    assertThat(back.available()).isZero();
  }

  @Test
  void namesItselfInASnapshot() throws Exception {
    TypeSerializerSnapshot<Decoded<SurveyResponse>> snapshot = SurveyRecordSerializer.INSTANCE.snapshotConfiguration();
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
    TypeSerializerSnapshot<Decoded<SurveyResponse>> read = TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    TypeSerializer<Decoded<SurveyResponse>> restored = read.restoreSerializer();
    assertThat(restored).isSameAs(SurveyRecordSerializer.INSTANCE);
    assertThat(SurveyRecordSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs())
        .isTrue();
  }

  private SurveyResponse response(int i) {
    SurveyResponse.Builder b = SurveyResponse.newBuilder()
        .setResponseId("r-" + i + (i % 17 == 0 ? "-Đà Nẵng-✓" : ""))
        .setCustomerId("c-" + random.nextInt(1000))
        .setEventTime(Instant.parse("2026-03-02T09:00:00Z").plusMillis(random.nextInt(3_600_000)))
        .setChannel(Channel.values()[random.nextInt(Channel.values().length)]);
    b.setTicketId(random.nextBoolean() ? "t-" + i : null);
    b.setRegion(random.nextBoolean() ? "HCMC" : null);
    b.setTeam(random.nextBoolean() ? "billing" : null);
    b.setProduct(random.nextBoolean() ? "fiber" : null);
    b.setNps(random.nextInt(3) == 0 ? null : random.nextInt(11));
    b.setCsat(random.nextInt(3) == 0 ? null : 1 + random.nextInt(5));
    b.setCes(random.nextInt(3) == 0 ? null : 1 + random.nextInt(7));
    b.setComment(random.nextInt(4) == 0 ? "Chờ quá lâu, nhân viên dễ thương" : null);
    if (b.getNps() == null && b.getCsat() == null && b.getCes() == null) {
      b.setNps(10);
    }
    return b.build();
  }

  private static void assertSame(Decoded<SurveyResponse> actual, Decoded<SurveyResponse> expected) {
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
    assertThat(actual.value).isEqualTo(expected.value);
  }
}
