package io.cxmonitor.tools.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.DeadLetterSerializer;
import io.cxmonitor.platform.kafka.RawOrigin;
import io.cxmonitor.testkit.KafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Dead letters written by the jobs' serializer onto a real broker, then re-published by the CLI:
 * dry run, filters by reason, kind and time, the origin topic or another one, truncated ones skipped.
 */
class DeadLettersCliITCase {
  private static final String DLQ = "dl.dead-letter";
  private static final String SURVEYS = "dl.surveys";
  private static final String INTERACTIONS = "dl.interactions";
  private static final String FIXED = "dl.fixed";
  private static KafkaBroker kafka;
  private static Instant cut;

  /** A dead letter as a job writes it, published at {@code at}. */
  private record Letter(DeadLetter.Kind kind, String reason, String topic, long offset, String key, byte[] value, Instant at) {}

  private static final Instant NOW = Instant.now();
  private static final List<Letter> LETTERS = List.of(
      new Letter(DeadLetter.Kind.UNDECODABLE, "unknown schema fingerprint: not a SurveyResponse version this job ships",
          SURVEYS, 10, "r1", bytes("fingerprint-1"), NOW.minus(Duration.ofMinutes(30))),
      new Letter(DeadLetter.Kind.INVALID, "nps = 11 is outside 0..10 (response r2)", SURVEYS, 11, "r2", bytes("nps-11"),
          NOW.minus(Duration.ofMinutes(30))),
      new Letter(DeadLetter.Kind.UNDECODABLE, "unknown schema fingerprint: not a InteractionEvent version this job ships",
          INTERACTIONS, 5, "t1", bytes("fingerprint-2"), NOW.minus(Duration.ofMinutes(5))),
      new Letter(DeadLetter.Kind.UNDECODABLE, "unknown schema fingerprint: not a SurveyResponse version this job ships",
          SURVEYS, 12, "big", new byte[5_000], NOW.minus(Duration.ofMinutes(5))),
      new Letter(DeadLetter.Kind.INVALID, "csat = 0 is outside 1..5 (response r3)", SURVEYS, 13, "r3", bytes("csat-0"),
          NOW.minus(Duration.ofMinutes(5))));

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaBroker.start();
    kafka.createTopics(1, DLQ, SURVEYS, INTERACTIONS, FIXED);
    cut = NOW.minus(Duration.ofMinutes(10));
    DeadLetterSerializer serializer = new DeadLetterSerializer(DLQ, 2_048);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.producerProps())) {
      for (Letter l : LETTERS) {
        RawOrigin origin = new RawOrigin();
        origin.topic = l.topic();
        origin.offset = l.offset();
        origin.timestamp = l.at().toEpochMilli();
        origin.rawKey = bytes(l.key());
        origin.rawValue = l.value();
        ProducerRecord<byte[], byte[]> r = serializer.serialize(new DeadLetter(l.kind(), l.reason(), "test", origin), null, null);
        p.send(new ProducerRecord<>(r.topic(), 0, l.at().toEpochMilli(), r.key(), r.value(), r.headers())).get();
      }
    }
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static String run(String... args) {
    StringWriter text = new StringWriter();
    CommandLine cmd = new CommandLine(new DeadLettersCli());
    cmd.setOut(new PrintWriter(text));
    cmd.setErr(new PrintWriter(text));
    String[] all = new String[args.length + 4];
    all[0] = "--bootstrap-servers";
    all[1] = kafka.bootstrapServers();
    all[2] = "--dead-letter-topic";
    all[3] = DLQ;
    System.arraycopy(args, 0, all, 4, args.length);
    assertThat(cmd.execute(all)).as(text.toString()).isZero();
    return text.toString();
  }

  @Test
  void republishesWhatMatchesToItsOriginAndSkipsWhatWasCut() {
    String dry = run("--reason", "unknown schema fingerprint", "--dry-run");
    assertThat(dry).contains("would re-publish 2 dead letters, skipped 1")
        .contains("cut to").contains("of 5000 bytes when dead-lettered");
    assertThat(kafka.readAll(SURVEYS)).isEmpty();
    assertThat(kafka.readAll(INTERACTIONS)).isEmpty();

    String real = run("--reason", "unknown schema fingerprint");
    assertThat(real).contains("re-published 2 dead letters, skipped 1");
    assertRepublished(kafka.readAll(SURVEYS), LETTERS.get(0));
    assertRepublished(kafka.readAll(INTERACTIONS), LETTERS.get(2));
  }

  @Test
  void filtersByKindAndTimeAndPublishesToAnotherTopic() {
    String out = run("--kind", "INVALID", "--since", cut.toString(), "--to-topic", FIXED);
    assertThat(out).contains("re-published 1 dead letters, skipped 0").contains("1  INVALID: csat = 0 is outside 1..5");
    assertRepublished(kafka.readAll(FIXED), LETTERS.get(4));

    assertThat(run("--kind", "INVALID", "--until", cut.toString(), "--dry-run"))
        .contains("would re-publish 1 dead letters").contains("nps = 11");
  }

  private static void assertRepublished(List<ConsumerRecord<byte[], byte[]>> records, Letter letter) {
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo(bytes(letter.key()));
      assertThat(r.value()).isEqualTo(letter.value());
      assertThat(KafkaBroker.header(r, DeadLettersCli.HEADER_REPUBLISHED_FROM)).startsWith(DLQ + "/0/");
    });
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
