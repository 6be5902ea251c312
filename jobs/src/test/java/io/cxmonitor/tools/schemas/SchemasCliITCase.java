package io.cxmonitor.tools.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.schemas.Channel;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import io.cxmonitor.testkit.KafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schemas CLI on files and on a real topic holding real records and a producer's mistakes. */
class SchemasCliITCase {
  private static KafkaBroker kafka;
  private final WireFormat.Codec<SurveyResponse> codec = WireFormat.surveys();

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaBroker.start();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private record Run(int exit, String out) {}

  private static Run run(String... args) {
    StringWriter text = new StringWriter();
    var cmd = SchemasCli.commandLine();
    cmd.setOut(new PrintWriter(text));
    cmd.setErr(new PrintWriter(text));
    int exit = cmd.execute(args);
    return new Run(exit, text.toString());
  }

  private static SurveyResponse survey(String id) {
    return SurveyResponse.newBuilder().setResponseId(id).setCustomerId("c-" + id)
        .setEventTime(Instant.parse("2026-03-02T07:00:00Z")).setChannel(Channel.CHAT).setNps(8).build();
  }

  /** The body the codec writes, behind the fingerprint of the canonical form with Channel only referenced. */
  private byte[] withChannelReferenced(SurveyResponse s) {
    String spec = SchemaNormalization.toParsingForm(SurveyResponse.getClassSchema());
    String referenced = spec.replace(SchemaNormalization.toParsingForm(Channel.getClassSchema()), "\"io.cxmonitor.schemas.Channel\"");
    byte[] bytes = codec.encode(s);
    ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(SchemaNormalization.fingerprint64(referenced.getBytes(StandardCharsets.UTF_8)));
    return bytes;
  }

  @Test
  void listPrintsTheHeaderEveryRecordStartsWith() {
    Run r = run("list", "--record", "SurveyResponse");
    assertThat(r.exit()).isZero();
    long fp = SchemaNormalization.parsingFingerprint64(SurveyResponse.getClassSchema());
    String header = HexFormat.ofDelimiter(" ").formatHex(codec.encode(survey("x")), 0, 10);
    assertThat(r.out()).contains("SurveyResponse v1 (current")
        .contains("header:         " + header)
        .contains("fingerprint:    " + fp)
        .contains("canonical form: " + SchemaNormalization.toParsingForm(SurveyResponse.getClassSchema()))
        .doesNotContain("InteractionEvent");
  }

  @Test
  void checksFiles(@TempDir Path dir) throws Exception {
    Path good = Files.write(dir.resolve("good.bin"), codec.encode(survey("g1")));
    Path fastavro = Files.write(dir.resolve("fastavro.bin"), withChannelReferenced(survey("f1")));
    Run ok = run("check", "--record", "SurveyResponse", "--show", good.toString());
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(ok.out()).contains(good + "  OK   a SurveyResponse v1 record").contains("\"response_id\": \"g1\"")
        .contains("1 checked as SurveyResponse: 1 readable, 0 not");
    Run bad = run("check", "--record", "SurveyResponse", good.toString(), fastavro.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.out()).contains(fastavro + "  BAD  unknown fingerprint")
        .contains("referenced by name instead of defined inline").contains("2 checked as SurveyResponse: 1 readable, 1 not");
  }

  @Test
  void checksTheFirstRecordsOfATopic() throws Exception {
    String topic = "cx.surveys";
    kafka.createTopics(1, topic);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.producerProps())) {
      long now = System.currentTimeMillis();
      p.send(new ProducerRecord<>(topic, 0, now, null, codec.encode(survey("t1"))));
      p.send(new ProducerRecord<>(topic, 0, now, null, withChannelReferenced(survey("t2"))));
      p.send(new ProducerRecord<>(topic, 0, now, null, "{\"nps\": 3}".getBytes(StandardCharsets.UTF_8)));
      p.send(new ProducerRecord<>(topic, 0, now, null, codec.encode(survey("t4"))));
      p.flush();
    }
    Run r = run("check", "--topic", topic, "--bootstrap-servers", kafka.bootstrapServers(), "--max", "3");
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).contains(topic + "/0/0  OK ")
        .contains(topic + "/0/1  BAD  unknown fingerprint")
        .contains(topic + "/0/2  BAD  wrong marker: the value starts with 7b 22")
        .doesNotContain(topic + "/0/3")
        .contains("3 checked as SurveyResponse: 1 readable, 2 not");
  }
}
