package io.cxmonitor.tools.schemas;

import io.cxmonitor.platform.cli.KafkaClientOptions;
import io.cxmonitor.platform.kafka.TopicScan;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.Fingerprints;
import io.cxmonitor.schemas.MessageCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The wire contract for producers: each record type's canonical form and fingerprint, and a check of sample messages. */
@Command(name = "schemas", mixinStandardHelpOptions = true,
    description = "Prints the Parsing Canonical Form and CRC-64-AVRO fingerprint of every record type the jobs read "
        + "(Avro single-object encoding), and checks sample messages against them with a precise reason.",
    subcommands = {SchemasCli.ListCommand.class, SchemasCli.CheckCommand.class})
public final class SchemasCli {
  /** The record type each default topic carries. */
  static final Map<String, String> RECORD_OF_TOPIC = Map.of(
      Topics.SURVEYS, "SurveyResponse", Topics.INTERACTIONS, "InteractionEvent",
      Topics.LIFECYCLE, "CustomerLifecycleEvent", Topics.ALERTS, "SlaBreachAlert", Topics.AT_RISK, "AtRiskEvent",
      Topics.FOLLOW_UPS, "FollowUpAction", Topics.FOLLOW_UPS_DONE, "FollowUpDone");

  private SchemasCli() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(SchemasCli.class);
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Every shipped version of every record type: the 10 header bytes its records start with, the "
          + "fingerprint (as a signed 64-bit number, how Java and fastavro print it) and the canonical form it is "
          + "computed from.")
  static final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--record", description = "Only this record type (e.g. SurveyResponse).")
    String record;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (Fingerprints.Shipped s : Fingerprints.shipped()) {
        if (record != null && !record.equals(s.record())) {
          continue;
        }
        out.printf("%s%s%n  header:         %s%n  fingerprint:    %d (0x%016x)%n  canonical form: %s%n%n",
            s.label(), s.current() ? " (current: what the jobs' classes are generated from)" : "",
            Fingerprints.headerHex(s.fingerprint()), s.fingerprint(), s.fingerprint(), s.canonicalForm());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Checks messages: files (one message each, the raw record value) or the first records of a topic. "
          + "Exit code 0 when every message is readable, 1 otherwise.")
  static final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--record", description = "Record type the messages must be (e.g. SurveyResponse). "
        + "Default: the type of the --topic when it is a default topic name, else any shipped type.")
    String record;

    @Option(names = "--topic", description = "Read messages from this topic instead of files.")
    String topic;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:CX_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
        description = "Kafka bootstrap servers (env CX_KAFKA_BOOTSTRAP). Default: ${DEFAULT-VALUE}")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafkaClient = new KafkaClientOptions();

    @Option(names = "--max", defaultValue = "20", description = "Messages to read from the topic. Default: ${DEFAULT-VALUE}")
    int max;

    @Option(names = "--show", description = "Print each readable record as JSON too.")
    boolean show;

    @CommandLine.Parameters(arity = "0..*", paramLabel = "FILE", description = "Files of one message each.")
    List<Path> files = List.of();

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      if ((topic == null) == files.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "give either --topic or one or more FILEs");
      }
      String expected = record != null ? record : topic == null ? null : RECORD_OF_TOPIC.get(topic);
      if (expected != null && Fingerprints.shipped().stream().noneMatch(s -> s.record().equals(expected))) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--record " + expected + " is not a shipped record type");
      }
      int bad = 0;
      int n = 0;
      if (topic != null) {
        for (ConsumerRecord<byte[], byte[]> r : TopicScan.read(bootstrapServers, kafkaClient.clientProperties(new CommandLine(this)), topic, max, x -> true)) {
          bad += report(out, r.topic() + "/" + r.partition() + "/" + r.offset(), r.value(), expected);
          n++;
        }
      } else {
        for (Path f : files) {
          bad += report(out, f.toString(), Files.readAllBytes(f), expected);
          n++;
        }
      }
      out.printf("%d checked%s: %d readable, %d not%n", n, expected == null ? "" : " as " + expected, n - bad, bad);
      out.flush();
      return bad == 0 ? 0 : 1;
    }

    private int report(PrintWriter out, String where, byte[] value, String expected) {
      MessageCheck.Verdict v = MessageCheck.check(value, expected);
      out.printf("%s  %s  %s%n", where, v.ok() ? "OK " : "BAD", v.reason());
      if (show && v.json() != null) {
        out.printf("  %s%n", v.json());
      }
      return v.ok() ? 0 : 1;
    }
  }
}
