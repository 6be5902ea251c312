package io.cxmonitor.tools.replay;

import io.cxmonitor.tools.generator.KafkaPublisher;
import io.cxmonitor.platform.cli.KafkaClientOptions;
import io.cxmonitor.platform.cli.ValueFormatOptions;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin
  KafkaClientOptions kafkaClient = new KafkaClientOptions();

  @Mixin
  ValueFormatOptions values = new ValueFormatOptions();

  @Option(names = "--topic", defaultValue = Topics.INTERACTIONS, description = "Target topic. Default: ${DEFAULT-VALUE}")
  String topic;

  @Option(names = "--rejects", description = "Reject file (CSV: row, reason, original columns). Default: <input>.rejects.csv")
  Path rejects;

  @Option(names = "--speed", defaultValue = "0",
      description = "Replay speed: k = k times real time (event-time gaps / k); 0 = as fast as possible. Default: ${DEFAULT-VALUE}")
  double speed;

  @Option(names = "--dry-run", description = "Map and report only (rows, events per type, rejects by reason, duplicate "
      + "ticket ids, events whose time held an absent value, first/last event time); publish nothing.")
  boolean dryRun;

  /**
   * What a replay did (or, in a dry run, would do).
   *
   * @param duplicateIdRows mapped rows whose ticket id an earlier mapped row already had
   * @param duplicateExamples a few of them: ticket id and both row numbers
   * @param anonymousRows rows whose customer id was absent and became the ticket id
   * @param absentTimes events not emitted because their time column held an absent value, by type and value
   * @param firstEvent earliest event time, null without events
   */
  public record Summary(long rows, long mappedRows, long rejectedRows, Map<InteractionType, Long> events, long published,
      Map<String, Long> rejectionsByReason, long duplicateIdRows, List<String> duplicateExamples, long anonymousRows,
      Map<String, Long> absentTimes, Instant firstEvent, Instant lastEvent) {

    /** The report a user acts on: what was read, what was left out and why, and what looks wrong. */
    public void print(PrintStream out, Path rejectFile, String target) {
      out.printf("rows %,d: mapped %,d, rejected %,d (see %s)%n", rows, mappedRows, rejectedRows, rejectFile);
      rejectionsByReason.forEach((r, n) -> out.printf("  rejected %,d × %s%n", n, r));
      out.printf("events %,d %s; %s%n", events.values().stream().mapToLong(Long::longValue).sum(), events,
          firstEvent == null ? "none" : "event times " + firstEvent + " .. " + lastEvent);
      if (anonymousRows > 0) {
        out.printf("anonymous: %,d rows had no customer id: published as anonymous contacts (counted in "
            + "anonymous_contacts, left out of both repeat rates; customer id = ticket id)%n", anonymousRows);
      }
      absentTimes.forEach((what, n) -> out.printf("  not emitted %,d × %s%n", n, what));
      if (duplicateIdRows > 0) {
        out.printf("%n!!! DUPLICATE TICKET IDS: %,d rows reuse the ticket id of an earlier row, e.g. %s.%n"
            + "!!! The service job keeps the first OPENED of a ticket and drops the others (only a counter shows it),%n"
            + "!!! and merges the later rows' replies and resolutions into the first: figures will be wrong.%n"
            + "!!! Make the id unique, e.g. ticketId: {columns: [line, call_id]}.%n%n",
            duplicateIdRows, String.join("; ", duplicateExamples));
      }
      out.printf("published %,d to %s%n", published, target);
    }
  }

  private static final int DUPLICATE_EXAMPLES = 5;

  private PrintStream progressOut = System.err;
  private Properties clientProperties = new Properties();

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
    clientProperties = kafkaClient.clientProperties(new CommandLine(this));
    values.validate(new CommandLine(this));
    ReplayMapping mapping;
    try {
      mapping = ReplayMapping.load(mappingFile);
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "invalid --mapping: " + e.getMessage());
    }
    run(mapping).print(System.out, rejectFile(), dryRun ? "(dry run)" : topic);
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
    Map<String, Long> firstRowOfTicket = new HashMap<>();
    long duplicates = 0;
    List<String> duplicateExamples = new ArrayList<>();
    long anonymous = 0;
    Map<String, Long> absentTimes = new TreeMap<>();
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
          String ticket = r.events().get(0).getTicketId();
          Long earlier = firstRowOfTicket.putIfAbsent(ticket, record.getRecordNumber());
          if (earlier != null) {
            duplicates++;
            if (duplicateExamples.size() < DUPLICATE_EXAMPLES) {
              duplicateExamples.add("'" + ticket + "' rows " + earlier + " and " + record.getRecordNumber());
            }
          }
          if (r.anonymous()) {
            anonymous++;
          }
          r.absentTimes().forEach(a -> absentTimes.merge(a.type() + " time '" + a.value() + "'", 1L, Long::sum));
        }
      }
    }
    events.sort(Comparator.comparing(InteractionEvent::getEventTime));
    Map<InteractionType, Long> byType = new EnumMap<>(InteractionType.class);
    events.forEach(e -> byType.merge(e.getEventType(), 1L, Long::sum));
    long published = dryRun ? 0 : publish(events);
    return new Summary(rows, rows - rejected, rejected, byType, published, byReason, duplicates, List.copyOf(duplicateExamples),
        anonymous, absentTimes, events.isEmpty() ? null : events.get(0).getEventTime(),
        events.isEmpty() ? null : events.get(events.size() - 1).getEventTime());
  }

  private long publish(List<InteractionEvent> events) throws InterruptedException {
    if (events.isEmpty()) {
      return 0;
    }
    long first = events.get(0).getEventTime().toEpochMilli();
    long wallStart = System.currentTimeMillis();
    long sent = 0;
    try (KafkaPublisher publisher = new KafkaPublisher(bootstrapServers, clientProperties, values.valueFormat())) {
      for (InteractionEvent e : events) {
        long t = e.getEventTime().toEpochMilli();
        if (speed > 0) {
          long wait = wallStart + (long) ((t - first) / speed) - System.currentTimeMillis();
          if (wait > 0) {
            publisher.flush();
            Thread.sleep(wait);
          }
        }
        // The Kafka timestamp is the publish time, not the (historic) event time, which stays in the
        // record: retention and time-based segment rolls count from the replay, so a replayed month
        // is not deleted before the jobs read it.
        publisher.sendRaw(topic, e.getTicketId(), publisher.encode(topic, e), System.currentTimeMillis());
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
    if (reason.startsWith(RowMapper.NOT_OPENED)) {
      return reason; // the condition's column holds few distinct values: each one is a category worth seeing
    }
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
