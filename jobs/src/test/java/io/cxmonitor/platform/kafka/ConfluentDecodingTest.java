package io.cxmonitor.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.ConfluentFraming;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Confluent path of {@link DecodingDeserializer} where no registry answers (the registry's answers: SurveyKpiJobRegistryITCase). */
class ConfluentDecodingTest {
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  private static DecodingDeserializer<SurveyResponse> deserializer(SchemaRegistryClient.Config registry) {
    return new DecodingDeserializer<>(WireFormat::surveys, ValueFormat.confluent(registry), (r, now) -> null,
        TypeInformation.of(new TypeHint<Decoded<SurveyResponse>>() {}));
  }

  private static Decoded<SurveyResponse> decode(DecodingDeserializer<SurveyResponse> d, byte[] value) throws Exception {
    List<Decoded<SurveyResponse>> out = new ArrayList<>();
    d.deserialize(new ConsumerRecord<>("surveys", 0, 0L, null, value), new ListCollector<>(out));
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  /** A registry nobody listens for. */
  private static SchemaRegistryClient.Config unreachable(Duration retryFor) {
    return SchemaRegistryClient.Config.of("http://127.0.0.1:" + FreePorts.next()).withRetryFor(retryFor);
  }

  @Test
  void aRecordWaitsForAnUnreachableRegistryAndThenFailsTheSourceInsteadOfBeingDeadLettered() {
    SurveyResponse s = SurveyResponse.newBuilder().setResponseId("r1").setCustomerId("c1").setEventTime(T0)
        .setChannel(Channel.CHAT).setNps(9).build();
    byte[] value = ConfluentFraming.frame(3, WireFormat.surveys().encodeBody(s));
    DecodingDeserializer<SurveyResponse> d = deserializer(unreachable(Duration.ofMillis(700)));
    long start = System.nanoTime();
    assertThatThrownBy(() -> decode(d, value))
        .isInstanceOf(SchemaRegistryClient.RegistryUnavailableException.class)
        .hasMessageContaining("schema id 3").hasMessageContaining("nothing is dead-lettered");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it retried").isGreaterThanOrEqualTo(Duration.ofMillis(700));
  }

  @Test
  void framingProblemsAreDeadLetteredWithoutAskingTheRegistry() throws Exception {
    DecodingDeserializer<SurveyResponse> d = deserializer(unreachable(Duration.ofMinutes(10)));
    Decoded<SurveyResponse> wrongMagic = decode(d, new byte[] {1, 0, 0, 0, 3, 2});
    assertThat(wrongMagic.ok()).isFalse();
    assertThat(wrongMagic.failureKind).isEqualTo(DeadLetter.Kind.UNDECODABLE);
    assertThat(wrongMagic.failureReason).contains("not the magic byte 0x00");

    Decoded<SurveyResponse> shortHeader = decode(d, new byte[] {0, 0, 0});
    assertThat(shortHeader.failureKind).isEqualTo(DeadLetter.Kind.UNDECODABLE);
    assertThat(shortHeader.failureReason).contains("cut short");

    Decoded<SurveyResponse> tombstone = decode(d, null);
    assertThat(tombstone.failureKind).isEqualTo(DeadLetter.Kind.UNDECODABLE);
  }

  @Test
  void aConfluentTopicStillReadsTheSingleObjectRecordsItHeldBeforeItSwitched() throws Exception {
    SurveyResponse s = SurveyResponse.newBuilder().setResponseId("r1").setCustomerId("c1").setEventTime(T0)
        .setChannel(Channel.CHAT).setNps(9).build();
    // unreachable: a single-object record must not make the decoder ask the registry
    Decoded<SurveyResponse> old = decode(deserializer(unreachable(Duration.ofMinutes(10))), WireFormat.surveys().encode(s));
    assertThat(old.ok()).as(old.failureReason).isTrue();
    assertThat(old.value).isEqualTo(s);
  }

  @Test
  void eachTopicIsReadInItsOwnFormat() throws Exception {
    SurveyResponse s = SurveyResponse.newBuilder().setResponseId("r1").setCustomerId("c1").setEventTime(T0)
        .setChannel(Channel.CHAT).setNps(9).build();
    byte[] confluent = ConfluentFraming.frame(3, WireFormat.surveys().encodeBody(s));
    ValueFormat format = new ValueFormat(ValueFormat.Kind.CONFLUENT, unreachable(Duration.ofMinutes(10)),
        java.util.Map.of("surveys", ValueFormat.Kind.SINGLE_OBJECT));
    DecodingDeserializer<SurveyResponse> d = new DecodingDeserializer<>(WireFormat::surveys, format, (r, now) -> null,
        TypeInformation.of(new TypeHint<Decoded<SurveyResponse>>() {}));
    // "surveys" is single-object: the Confluent record is dead-lettered at once, the registry never asked
    Decoded<SurveyResponse> framed = decode(d, confluent);
    assertThat(framed.failureKind).isEqualTo(DeadLetter.Kind.UNDECODABLE);
    assertThat(framed.failureReason).contains("not Avro single-object encoding");
    assertThat(decode(d, WireFormat.surveys().encode(s)).value).isEqualTo(s);

    assertThat(format.forTopic("surveys")).isEqualTo(ValueFormat.SINGLE_OBJECT);
    assertThat(format.forTopic("other").kind()).isEqualTo(ValueFormat.Kind.CONFLUENT);
    assertThat(format.forTopic("other").registry()).isEqualTo(format.registry());
  }

  @Test
  void aCredentialsFileWithoutUserAndPasswordIsRefusedWithoutRepeatingIt(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.cred"), "s3cr3t-token");
    assertThatThrownBy(() -> SchemaRegistryClient.Config.of("http://127.0.0.1:1").withCredentialsFile(bad.toString()).connect())
        .hasMessageContaining("must hold user:password").hasMessageNotContaining("s3cr3t");
  }
}
