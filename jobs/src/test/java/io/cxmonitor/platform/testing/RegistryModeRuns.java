package io.cxmonitor.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxmonitor.reliability.InfluxContents;
import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.testkit.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The servers and checks of the "same job, both value formats" ITCases: a real schema registry,
 * Kafka broker and influxd; records framed as a Confluent serializer frames them (schema registered
 * under {@code <topic>-value}, magic byte, id, body) or single-object-encoded, with plain Avro
 * rather than the jobs' codecs; and the comparison of two runs' InfluxDB databases and output topics.
 */
public final class RegistryModeRuns implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  public final SchemaRegistry registry;
  public final KafkaBroker kafka;
  public final InfluxServer influx;
  private final Map<String, Integer> ids = new HashMap<>();

  private RegistryModeRuns(SchemaRegistry registry, KafkaBroker kafka, InfluxServer influx) {
    this.registry = registry;
    this.kafka = kafka;
    this.influx = influx;
  }

  /** Starts the three servers and creates {@code topics} with one partition. */
  public static RegistryModeRuns start(String... topics) throws Exception {
    SchemaRegistry registry = SchemaRegistry.start();
    KafkaBroker kafka = KafkaBroker.start();
    InfluxServer influx = InfluxServer.start();
    kafka.createTopics(1, topics);
    return new RegistryModeRuns(registry, kafka, influx);
  }

  /** The options that put every topic of a job in Confluent framing against this registry. */
  public List<String> confluentArgs() {
    return List.of("--value-format", "confluent", "--schema-registry", registry.confluentUrl());
  }

  /** {@code record} as a Confluent serializer writes it to {@code topic}: its schema registered under the topic's subject. */
  public byte[] confluent(String topic, SpecificRecord record) throws IOException, InterruptedException {
    Integer id = ids.get(topic);
    if (id == null) {
      id = registry.register(topic + "-value", record.getSchema().toString());
      ids.put(topic, id);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
    return out.toByteArray();
  }

  /** {@code record} in Avro single-object encoding. */
  public static byte[] singleObject(SpecificRecord record) throws IOException {
    return new BinaryMessageEncoder<SpecificRecord>(SpecificData.get(), record.getSchema()).encode(record).array();
  }

  /**
   * The records of an output topic in single-object encoding, sorted by {@code id}.
   */
  public <T extends SpecificRecord> List<T> readSingleObject(String topic, Schema schema, Function<T, String> id)
      throws IOException {
    BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
    List<T> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic)) {
      out.add(decoder.decode(r.value()));
    }
    out.sort(Comparator.comparing(id));
    return out;
  }

  /**
   * The records of an output topic in Confluent framing, as a consumer reads them (the writer
   * schema fetched from the registry by the record's id), sorted by {@code id}; every record must
   * be framed with the id the registry has for {@code schema} under the topic's subject.
   */
  public <T extends SpecificRecord> List<T> readConfluent(String topic, Schema schema, Function<T, String> id)
      throws IOException, InterruptedException {
    int registered = registry.register(topic + "-value", schema.toString()); // the same schema: its existing id
    Schema writer = new Schema.Parser().parse(JSON.readTree(registry.schemaById(registered)).get("schema").asText());
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, schema);
    List<T> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic)) {
      byte[] v = r.value();
      assertThat(v[0]).as("%s: magic byte", topic).isZero();
      assertThat(ByteBuffer.wrap(v, 1, 4).getInt()).as("%s: framed with the id under %s-value", topic, topic)
          .isEqualTo(registered);
      out.add(reader.read(null, DecoderFactory.get().binaryDecoder(v, 5, v.length - 5, null)));
    }
    out.sort(Comparator.comparing(id));
    return out;
  }

  /** Every KPI point of {@code db} equal to those of {@code expectedDb}; returns how many were compared. */
  public int assertSameKpis(String expectedDb, String db) {
    InfluxContents expected = InfluxContents.read(influx.url(), expectedDb);
    InfluxContents.read(influx.url(), db).assertSameKpisAs(expected, db + " against " + expectedDb);
    return expected.pointCount();
  }

  /** The records {@code job} counted as events in {@code db} (the last cx_pipeline events_total of each subtask, summed). */
  public long eventsCounted(String db, String job) throws IOException, InterruptedException {
    long sum = 0;
    for (var s : JSON.readTree(influx.query(db, "SELECT last(events_total) FROM cx_pipeline WHERE job = '" + job
        + "' GROUP BY subtask")).at("/results/0/series")) {
      sum += s.at("/values/0/1").asLong();
    }
    return sum;
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {influx, kafka, registry}) {
      try {
        c.close();
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }
}
