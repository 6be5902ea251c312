package io.cxmonitor.service.repeats;

import static io.cxmonitor.service.PojoStateMigration.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.functions.RepeatContactFunction.Contact;
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
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ContactSerializer} gives back exactly the contact it was given (checked through Flink's
 * POJO serializer), in fewer bytes, and the repeat-contact function resumes from a savepoint whose
 * contacts the POJO serializer wrote with the facts of an uninterrupted run, on both backends.
 */
class ContactSerializerTest {
  private static final TypeSerializer<Contact> POJO =
      TypeInformation.of(Contact.class).createSerializer(new SerializerConfigImpl());
  private static final ContactSerializer COMPACT = ContactSerializer.INSTANCE;

  @Test
  void givesBackEveryFieldOfRandomContacts() throws IOException {
    Random r = new Random(11);
    String[] texts = {null, "", "Hà Nội – chi nhánh 3", "ü12", "billing", "chat", "normal", "unknown"};
    for (int i = 0; i < 5_000; i++) {
      Contact c = new Contact();
      c.at = switch (r.nextInt(3)) {
        case 0 -> r.nextLong();
        case 1 -> Long.MIN_VALUE;
        default -> 1_780_000_000_000L + r.nextInt();
      };
      c.ticketId = texts[r.nextInt(texts.length)];
      c.channel = texts[r.nextInt(texts.length)];
      c.team = texts[r.nextInt(texts.length)];
      c.region = texts[r.nextInt(texts.length)];
      c.priority = texts[r.nextInt(texts.length)];
      c.product = texts[r.nextInt(texts.length)];
      c.anonymous = r.nextBoolean();
      c.followed = r.nextBoolean();
      byte[] compact = bytes(COMPACT, c);
      assertThat(bytes(POJO, COMPACT.deserialize(new DataInputDeserializer(compact)))).as("contact %d", i)
          .isEqualTo(bytes(POJO, c));
      assertThat(bytes(POJO, COMPACT.copy(c))).as("contact %d copied", i).isEqualTo(bytes(POJO, c));
    }
  }

  @Test
  void aContactTakesAboutHalfThePojoBytes() throws IOException {
    Contact c = new Contact();
    c.at = Instant.parse("2026-06-01T09:00:00Z").toEpochMilli();
    c.ticketId = "TCK-00012345";
    c.channel = "zalo_oa";
    c.team = "digital-care";
    c.region = "central";
    c.priority = "normal";
    c.product = "fibre";
    int compact = bytes(COMPACT, c).length;
    int pojo = bytes(POJO, c).length;
    System.out.printf("a contact: %d bytes (Flink's POJO serializer: %d)%n", compact, pojo);
    assertThat(compact).isLessThan(pojo * 2 / 3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void aSavepointWithPojoContactsResumesWithTheSameFacts(String backend) throws Exception {
    int facts = PojoStateMigration.assertResumesAsUninterrupted(backend, pojo -> new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new RepeatContactFunction(Duration.ofDays(7).toMillis(), Duration.ofDays(1).toMillis())
            .withContactSerializer(pojo ? POJO : COMPACT)),
        InteractionEvent::getCustomerId, Types.STRING), (TicketFact f) -> f + " " + f.product);
    assertThat(facts).isGreaterThan(1_000);
  }
}
