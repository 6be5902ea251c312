package io.cxmonitor.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.schemas.InteractionType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dry run of the shipped call-centre fixture with its shipped mapping: every figure of the
 * report is checked against the test's own plain reading of the TSV.
 */
class ReplayCliCallCentreTest {
  private static final Path TSV = CallCentreFixture.TSV;
  private static final Path MAPPING = CallCentreFixture.MAPPING;
  private static CallCentreFixture.Expected expected;

  @BeforeAll
  static void readTheFile() throws Exception {
    expected = CallCentreFixture.read();
  }

  @Test
  void theDryRunReportsWhatTheFileHolds(@TempDir Path tmp) throws Exception {
    Path rejects = tmp.resolve("rejects.csv");
    ReplayCli cli = ReplayCli.of("--input", TSV.toString(), "--mapping", MAPPING.toString(), "--rejects", rejects.toString(), "--dry-run");
    ReplayCli.Summary s = cli.run(ReplayMapping.load(MAPPING));

    assertThat(expected.phantoms()).isPositive();
    assertThat(expected.anonymous()).isPositive();
    assertThat(expected.lostEnds()).isPositive();
    assertThat(s.rows()).isEqualTo(expected.rows());
    assertThat(s.rejectedRows()).isEqualTo(expected.phantoms() + expected.badDates());
    assertThat(s.rejectionsByReason()).containsOnlyKeys(
        "OPENED condition does not hold: column 'outcome' in [AGENT, HANG], got 'PHANTOM'", "OPENED time: cannot parse");
    assertThat(s.rejectionsByReason()).containsEntry(
        "OPENED condition does not hold: column 'outcome' in [AGENT, HANG], got 'PHANTOM'", expected.phantoms());
    assertThat(s.events()).isEqualTo(expected.events());
    assertThat(s.published()).isZero();
    assertThat(s.anonymousRows()).isEqualTo(expected.anonymous());
    assertThat(s.absentTimes()).containsExactly(Map.entry("RESOLVED time '0:00:00'", expected.lostEnds()));
    assertThat(s.duplicateIdRows()).as("line + call id is unique").isZero();
    assertThat(s.firstEvent()).isEqualTo(expected.first());
    assertThat(s.lastEvent()).isEqualTo(expected.last());
    assertThat(Files.readAllLines(rejects)).hasSize(1 + (int) s.rejectedRows());
    assertThat(Files.readAllLines(rejects).stream().filter(l -> l.contains("251O14"))).singleElement()
        .asString().contains("OPENED time: cannot parse '251O14' with format yyMMdd + H:mm:ss");
  }

  @Test
  void aTicketIdThatRepeatsIsReportedLoudly(@TempDir Path tmp) throws Exception {
    Path mapping = tmp.resolve("by-call-id.yaml");
    Files.writeString(mapping, Files.readString(MAPPING)
        .replace("{columns: [vru_line, call_id], separator: \"-\", prefix: \"bank-\"}", "{column: call_id}"));
    ReplayCli cli = ReplayCli.of("--input", TSV.toString(), "--mapping", mapping.toString(),
        "--rejects", tmp.resolve("rejects.csv").toString(), "--dry-run");
    ReplayCli.Summary s = cli.run(ReplayMapping.load(mapping));

    long mapped = expected.events().get(InteractionType.OPENED);
    assertThat(s.duplicateIdRows()).isEqualTo(mapped - expected.callIds().size()).isPositive();
    assertThat(s.duplicateExamples()).hasSize(5).first().asString().matches("'33\\d{3}' rows \\d+ and \\d+");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.print(new PrintStream(out, true, StandardCharsets.UTF_8), tmp.resolve("rejects.csv"), "(dry run)");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("DUPLICATE TICKET IDS: " + s.duplicateIdRows() + " rows reuse")
        .contains("keeps the first OPENED of a ticket and drops the others")
        .contains("anonymous: " + expected.anonymous() + " rows")
        .contains("not emitted " + expected.lostEnds() + " × RESOLVED time '0:00:00'")
        .contains("event times " + expected.first() + " .. " + expected.last());
  }
}
