package io.cxmonitor.tools.deadletters;

import io.cxmonitor.platform.cli.KafkaClientOptions;
import io.cxmonitor.platform.kafka.DeadLetter;
import io.cxmonitor.platform.kafka.KafkaIo;
import io.cxmonitor.platform.kafka.TopicScan;
import io.cxmonitor.platform.kafka.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Re-publishes dead letters after a fix (a job that now knows a producer's schema, a corrected
 * validation rule): the original key and value bytes, to the topic they came from or another one.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Reads the dead-letter topic from the beginning to its current end and re-publishes the original key and "
            + "value of the dead letters that match the filters to their origin topic (header cx.source.topic) or "
            + "--to-topic, with header cx.republished.from = <dead-letter topic>/<partition>/<offset>. Dead letters cut "
            + "to --dead-letter-max-bytes (header cx.truncated) are never re-published: their bytes are incomplete.",
        "A re-published record whose minute the running job has already closed is late there and dead-lettered again "
            + "as LATE: re-publish soon after the fix, or to a topic a bounded backfill run reads.",
        "Example: dead-letters --reason 'unknown schema fingerprint' --since 2026-03-02T00:00:00Z --dry-run"})
public final class DeadLettersCli implements Callable<Integer> {
  public static final String HEADER_REPUBLISHED_FROM = "cx.republished.from";

  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap-servers", defaultValue = "${env:CX_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env CX_KAFKA_BOOTSTRAP). Default: ${DEFAULT-VALUE}")
  String bootstrapServers;

  @Mixin
  KafkaClientOptions kafkaClient = new KafkaClientOptions();

  @Option(names = "--dead-letter-topic", defaultValue = Topics.DEAD_LETTER, description = "Default: ${DEFAULT-VALUE}")
  String deadLetterTopic;

  @Option(names = "--reason", description = "Only dead letters whose reason (header cx.reason) contains a match of this "
      + "regular expression.")
  Pattern reason;

  @Option(names = "--kind", description = "Only this kind: ${COMPLETION-CANDIDATES}.")
  DeadLetter.Kind kind;

  @Option(names = "--job", description = "Only dead letters of this job (header cx.job: surveys, service, churn, ...).")
  String job;

  @Option(names = "--source-topic", description = "Only dead letters that came from this topic.")
  String sourceTopic;

  @Option(names = "--since", description = "Only dead letters written at or after this instant (ISO-8601).")
  Instant since;

  @Option(names = "--until", description = "Only dead letters written before this instant (ISO-8601).")
  Instant until;

  @Option(names = "--to-topic", description = "Publish here instead of each record's origin topic.")
  String toTopic;

  @Option(names = "--max", defaultValue = "" + Integer.MAX_VALUE, description = "Re-publish at most this many.")
  int max;

  @Option(names = "--dry-run", description = "Only list what would be re-published.")
  boolean dryRun;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DeadLettersCli()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<ConsumerRecord<byte[], byte[]>> matching =
        TopicScan.read(bootstrapServers, kafkaClient.clientProperties(new CommandLine(this)), deadLetterTopic, Integer.MAX_VALUE, this::matches);
    Map<String, Integer> byReason = new TreeMap<>();
    int published = 0;
    int skipped = 0;
    Exception[] failure = new Exception[1];
    try (KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer()) {
      for (ConsumerRecord<byte[], byte[]> d : matching) {
        String where = d.topic() + "/" + d.partition() + "/" + d.offset();
        String origin = header(d, DeadLetter.HEADER_TOPIC) + "/" + header(d, DeadLetter.HEADER_PARTITION) + "/"
            + header(d, DeadLetter.HEADER_OFFSET);
        if ("true".equals(header(d, DeadLetter.HEADER_TRUNCATED))) {
          out.printf("skip %s (from %s): cut to %d of %s bytes when dead-lettered, cannot be re-published%n",
              where, origin, d.value() == null ? 0 : d.value().length, header(d, DeadLetter.HEADER_ORIGINAL_VALUE_SIZE));
          skipped++;
          continue;
        }
        if (published >= max) {
          break;
        }
        String target = toTopic != null ? toTopic : header(d, DeadLetter.HEADER_TOPIC);
        if (target == null) {
          out.printf("skip %s: no %s header and no --to-topic%n", where, DeadLetter.HEADER_TOPIC);
          skipped++;
          continue;
        }
        String why = header(d, DeadLetter.HEADER_REASON);
        out.printf("%s %s (from %s) -> %s: %s%n", dryRun ? "would re-publish" : "re-publish", where, origin, target, why);
        if (!dryRun) {
          RecordHeaders headers = new RecordHeaders();
          headers.add(HEADER_REPUBLISHED_FROM, where.getBytes(StandardCharsets.UTF_8));
          producer.send(new ProducerRecord<>(target, null, null, d.key(), d.value(), headers), (meta, e) -> {
            if (e != null && failure[0] == null) {
              failure[0] = e;
            }
          });
        }
        byReason.merge(header(d, DeadLetter.HEADER_KIND) + ": " + shortReason(why), 1, Integer::sum);
        published++;
      }
      if (producer != null) {
        producer.flush();
      }
    }
    if (failure[0] != null) {
      spec.commandLine().getErr().printf("re-publishing failed: %s; records before the failure may have been written, "
          + "run again with --since or --max to continue%n", failure[0]);
      return 1;
    }
    byReason.forEach((r, n) -> out.printf("%8d  %s%n", n, r));
    out.printf("%s %d dead letters, skipped %d%n", dryRun ? "would re-publish" : "re-published", published, skipped);
    out.flush();
    return 0;
  }

  private boolean matches(ConsumerRecord<byte[], byte[]> d) {
    String why = header(d, DeadLetter.HEADER_REASON);
    return (reason == null || (why != null && reason.matcher(why).find()))
        && (kind == null || kind.name().equals(header(d, DeadLetter.HEADER_KIND)))
        && (job == null || job.equals(header(d, DeadLetter.HEADER_JOB)))
        && (sourceTopic == null || sourceTopic.equals(header(d, DeadLetter.HEADER_TOPIC)))
        && (since == null || d.timestamp() >= since.toEpochMilli())
        && (until == null || d.timestamp() < until.toEpochMilli());
  }

  /** The reason up to the first detail that differs between records (ids, values in parentheses). */
  private static String shortReason(String reason) {
    if (reason == null) {
      return "(no reason)";
    }
    int cut = reason.indexOf(" (");
    return cut > 0 ? reason.substring(0, cut) : reason;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(KafkaIo.byteProducerProps(bootstrapServers, kafkaClient.clientProperties(new CommandLine(this))));
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
