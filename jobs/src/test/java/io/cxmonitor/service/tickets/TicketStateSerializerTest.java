package io.cxmonitor.service.tickets;

import static io.cxmonitor.service.PojoStateMigration.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.metrics.TicketState;
import io.cxmonitor.rules.SlaPolicy;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.service.PojoStateMigration;
import io.cxmonitor.service.TicketFact;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TicketStateSerializer} gives back exactly the state it was given — checked field by field
 * through Flink's POJO serializer, which knows nothing of the compact layout — in a third of the
 * bytes, and a savepoint whose ticket states Flink's POJO serializer wrote (every release before
 * it) resumes with the same facts as a run that was never interrupted, on both state backends.
 */
class TicketStateSerializerTest {
  private static final TypeSerializer<TicketState> POJO =
      TypeInformation.of(TicketState.class).createSerializer(new SerializerConfigImpl());
  private static final TicketStateSerializer COMPACT = TicketStateSerializer.INSTANCE;

  @Test
  void givesBackEveryFieldOfRandomStates() throws IOException {
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      TicketState s = randomState(random);
      byte[] compact = bytes(COMPACT, s);
      TicketState back = COMPACT.deserialize(new DataInputDeserializer(compact));
      assertThat(bytes(POJO, back)).as("state %d read back", i).isEqualTo(bytes(POJO, s));
      assertThat(bytes(POJO, COMPACT.copy(s))).as("state %d copied", i).isEqualTo(bytes(POJO, s));
      DataOutputSerializer copied = new DataOutputSerializer(64);
      COMPACT.copy(new DataInputDeserializer(compact), copied);
      assertThat(copied.getCopyOfBuffer()).as("state %d copied serialised", i).isEqualTo(compact);
    }
  }

  @Test
  void anOpenTicketTakesAThirdOfThePojoBytes() throws IOException {
    TicketState s = new TicketState();
    s.customerId = "cust-000123";
    s.channel = "zalo_oa";
    s.team = "digital-care";
    s.region = "central";
    s.product = "fibre";
    s.priority = "normal";
    s.priorityOrdinal = 1;
    s.open = true;
    s.openedAt = Instant.parse("2026-06-01T09:00:00Z").toEpochMilli();
    s.frtDue = s.openedAt + Duration.ofHours(4).toMillis();
    s.ttrDue = s.openedAt + Duration.ofHours(72).toMillis();
    s.staleTimer = true;
    s.staleDue = s.openedAt + Duration.ofDays(30).toMillis();
    s.wakeAt = s.frtDue;
    int compact = bytes(COMPACT, s).length;
    int pojo = bytes(POJO, s).length;
    System.out.printf("an open ticket: %d bytes (Flink's POJO serializer: %d)%n", compact, pojo);
    assertThat(compact).isLessThanOrEqualTo(pojo / 3 + 5).isLessThan(80);
  }

  @Test
  void refusesBytesItDidNotWrite() {
    assertThatThrownBy(() -> COMPACT.deserialize(new DataInputDeserializer(new byte[] {(byte) 0xFF, (byte) 0xFF,
        (byte) 0xFF, (byte) 0xFF, 0x7F}))).isInstanceOf(IOException.class).hasMessageContaining("unknown bits");
  }

  /** Part of the generator's day runs with the POJO state, is snapshotted, and resumes with the compact one. */
  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void aSavepointWithPojoStatesResumesWithTheSameFacts(String backend) throws Exception {
    int facts = PojoStateMigration.assertResumesAsUninterrupted(backend, pojo -> new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new TicketLifecycleFunction(new SlaPolicy("NORMAL=PT4H", "NORMAL=PT72H"),
            Duration.ofDays(7).toMillis(), Duration.ofDays(2).toMillis(), Duration.ofDays(1).toMillis(),
            QueuePolicy.defaults(), Duration.ofDays(3).toMillis()).withStateSerializer(pojo ? POJO : COMPACT)),
        InteractionEvent::getTicketId, Types.STRING), (TicketFact f) -> f + " " + f.product);
    assertThat(facts).isGreaterThan(1_000);
  }


  private static TicketState randomState(Random r) {
    TicketState s = new TicketState();
    s.customerId = text(r);
    s.channel = r.nextBoolean() ? pick(r, "chat", "phone", "zalo_oa", "unknown") : text(r);
    s.team = text(r);
    s.region = text(r);
    s.product = text(r);
    s.priority = r.nextBoolean() ? pick(r, "low", "normal", "urgent") : text(r);
    s.priorityOrdinal = r.nextInt(4) == 0 ? 0 : r.nextInt(1 << r.nextInt(31));
    s.queueTeam = text(r);
    long base = 1_780_000_000_000L + r.nextInt(1 << 30);
    s.openedAt = time(r, base);
    s.firstReplyAt = time(r, base);
    s.resolvedAt = time(r, base);
    s.firstResolvedAt = time(r, base);
    s.reopenedAt = time(r, base);
    s.abandonedAt = time(r, base);
    s.lastCustomerReplyAt = time(r, base);
    s.frtDue = time(r, base);
    s.ttrDue = time(r, base);
    s.fcrDue = time(r, base);
    s.cleanupAt = time(r, base);
    s.queueEnteredAt = r.nextBoolean() ? 0 : time(r, base);
    s.closedAt = r.nextBoolean() ? 0 : time(r, base);
    s.staleDue = r.nextBoolean() ? 0 : time(r, base);
    s.wakeAt = time(r, base);
    s.everResolved = r.nextBoolean();
    s.open = r.nextBoolean();
    s.reopened = r.nextBoolean();
    s.transferred = r.nextBoolean();
    s.selfService = r.nextBoolean();
    s.queued = r.nextBoolean();
    s.queueEntered = r.nextBoolean();
    s.queueLeft = r.nextBoolean();
    s.closed = r.nextBoolean();
    s.closedStale = r.nextBoolean();
    s.staleTimer = r.nextBoolean();
    int pending = r.nextInt(5) - 1; // -1: none (null arrays)
    if (pending >= 0) {
      s.pendingAt = new long[pending];
      s.pendingType = new int[pending];
      s.pendingText = new String[pending];
      s.pendingSelfService = new boolean[pending];
      for (int i = 0; i < pending; i++) {
        s.pendingAt[i] = time(r, base);
        s.pendingType[i] = r.nextInt(12);
        s.pendingText[i] = text(r);
        s.pendingSelfService[i] = r.nextBoolean();
      }
    }
    return s;
  }

  /** Unknown, near {@code base}, or anything at all (times read from old states, extreme values). */
  private static long time(Random r, long base) {
    return switch (r.nextInt(6)) {
      case 0, 1 -> TicketState.UNKNOWN;
      case 2 -> r.nextLong();
      case 3 -> r.nextBoolean() ? Long.MAX_VALUE : 0;
      default -> base + r.nextInt(1 << 29) - (1 << 28);
    };
  }

  private static String text(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> null;
      case 1 -> "";
      case 2 -> "Hà Nội – chi nhánh " + r.nextInt(100); // beyond Latin-1
      case 3 -> "ü" + r.nextInt(1000); // Latin-1
      default -> "team-" + r.nextInt(1000);
    };
  }

  private static String pick(Random r, String... values) {
    return values[r.nextInt(values.length)];
  }
}
