package io.cxmonitor.tools.replay;

import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.platform.kafka.Topics;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.InteractionType;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replays a ticket or call log (CSV/TSV) as interaction events on Kafka, driven by a mapping
 * file, in event-time order. Rows that cannot be mapped go to a reject file with row number and
 * reason; nothing is dropped silently.
 */
@Command(name = "cx-replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Turns a helpdesk or call-centre export (CSV/TSV) into InteractionEvents on Kafka, as described by a "
        + "YAML mapping file (see README, \"Replay of ticket history\").",
        "Example: cx-replay --input service_requests.csv --mapping jobs/src/main/resources/mappings/nyc311.yaml --speed 0"})
public final class ReplayCli implements Callable<Integer> {

  @Option(names = "--input", required = true, description = "CSV or TSV file to replay.")
  Path input;

  @Option(names = "--mapping", required = true, description = "YAML mapping file.")
  Path mappingFile;

  @Option(names = "--bootstrap-servers", defaultValue = "${env:CX_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env CX_KAFKA_BOOTSTRAP). Default: ${DEFAULT-VALUE}")
  String bootstrapServers;

  @Option(names = "--topic", defaultValue = Topics.INTERACTIONS, description = "Target topic. Default: ${DEFAULT-VALUE}")
  String topic;

  @Option(names = "--rejects", description = "Reject file (CSV: row, reason, original columns). Default: <input>.rejects.csv")
  Path rejects;

  @Option(names = "--speed", defaultValue = "0",
      description = "Replay speed: k = k times real time (event-time gaps / k); 0 = as fast as possible. Default: ${DEFAULT-VALUE}")
  double speed;

  @Option(names = "--dry-run", description = "Map and report only; publish nothing.")
  boolean dryRun;

  /** What a replay did. */
  public record Summary(long rows, long mappedRows, long rejectedRows, Map<InteractionType, Long> events, long published,
      Map<String, Long> rejectionsByReason) {}

  private PrintStream progressOut = System.err;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReplayCli()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(input)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--input " + input + " is not a readable file");
    }
    if (speed < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--speed must be >= 0, got " + speed);
    }
    ReplayMapping mapping;
    try {
      mapping = ReplayMapping.load(mappingFile);
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "invalid --mapping: " + e.getMessage());
    }
    Summary s = run(mapping);
    System.out.printf("rows %,d: mapped %,d, rejected %,d (see %s)%n", s.rows(), s.mappedRows(), s.rejectedRows(), rejectFile());
    s.rejectionsByReason().forEach((r, n) -> System.out.printf("  rejected %,d × %s%n", n, r));
    System.out.printf("events %s; published %,d to %s%n", s.events(), s.published(), dryRun ? "(dry run)" : topic);
    return 0;
  }

  private Path rejectFile() {
    return rejects != null ? rejects : Path.of(input + ".rejects.csv");
  }

  /** Maps the whole file, writes rejects, publishes the events in event-time order. */
  public Summary run(ReplayMapping mapping) throws IOException, InterruptedException {
    RowMapper mapper = new RowMapper(mapping);
    String delimiter = mapping.format() == null || mapping.format().delimiter() == null ? "," : mapping.format().delimiter();
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter.equals("\\t") ? "\t" : delimiter)
        .setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();
    List<InteractionEvent> events = new ArrayList<>();
    long rows = 0;
    long rejected = 0;
    Map<String, Long> byReason = new LinkedHashMap<>();
    try (Reader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get();
        Writer rejectWriter = Files.newBufferedWriter(rejectFile(), StandardCharsets.UTF_8);
        CSVPrinter rejectCsv = new CSVPrinter(rejectWriter, CSVFormat.DEFAULT)) {
      List<String> header = new ArrayList<>(List.of("row", "reason"));
      header.addAll(parser.getHeaderNames());
      rejectCsv.printRecord(header);
      for (CSVRecord record : parser) {
        rows++;
        RowMapper.Result r = mapper.map(column -> record.isMapped(column) && record.isSet(column) ? record.get(column) : null);
        if (r.rejection() != null) {
          rejected++;
          byReason.merge(category(r.rejection()), 1L, Long::sum);
          List<String> out = new ArrayList<>(List.of(Long.toString(record.getRecordNumber()), r.rejection()));
          out.addAll(record.toList());
          rejectCsv.printRecord(out);
        } else {
          events.addAll(r.events());
        }
      }
    }
    events.sort(Comparator.comparing(InteractionEvent::getEventTime));
    Map<InteractionType, Long> byType = new EnumMap<>(InteractionType.class);
    events.forEach(e -> byType.merge(e.getEventType(), 1L, Long::sum));
    long published = dryRun ? 0 : publish(events);
    return new Summary(rows, rows - rejected, rejected, byType, published, byReason);
  }

  private long publish(List<InteractionEvent> events) throws InterruptedException {
    if (events.isEmpty()) {
      return 0;
    }
    long first = events.get(0).getEventTime().toEpochMilli();
    long wallStart = System.currentTimeMillis();
    long sent = 0;
    try (KafkaPublisher publisher = new KafkaPublisher(bootstrapServers)) {
      for (InteractionEvent e : events) {
        long t = e.getEventTime().toEpochMilli();
        if (speed > 0) {
          long wait = wallStart + (long) ((t - first) / speed) - System.currentTimeMillis();
          if (wait > 0) {
            publisher.flush();
            Thread.sleep(wait);
          }
        }
        publisher.send(new GeneratedRecord(topic, e.getTicketId(), e, t, t));
        sent++;
        if (sent % 1000 == 0 || sent == events.size()) {
          progress(sent, events.size());
        }
      }
      publisher.flush();
      if (publisher.failed() > 0) {
        throw new IllegalStateException(publisher.failed() + " events could not be sent to " + bootstrapServers
            + ": " + publisher.firstError());
      }
    }
    progressOut.println();
    return sent;
  }

  private void progress(long done, long total) {
    int width = 30;
    int filled = (int) (width * done / total);
    progressOut.printf("\r[%s%s] %3d%% %,d/%,d events", "#".repeat(filled), "-".repeat(width - filled), 100 * done / total, done, total);
    progressOut.flush();
  }

  /** The reason without row-specific values, for the summary. */
  static String category(String reason) {
    int at = reason.indexOf(" at ");
    if (reason.contains("before the ticket was opened")) {
      return reason.substring(0, Math.max(0, at)) + " before the ticket was opened";
    }
    int quote = reason.indexOf('\'');
    return quote > 0 ? reason.substring(0, quote).trim() : reason;
  }

  /** For embedding (tests, demo). */
  public static ReplayCli of(String... args) {
    ReplayCli cli = new ReplayCli();
    new CommandLine(cli).parseArgs(args);
    return cli;
  }
}
