package io.cxmonitor.platform.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.platform.testing.LogCapture;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A per-topic value format for a topic the job does not use is named in a warning (most likely a typo). */
class UnusedTopicFormatTest {
  @Test
  void aTopicFormatForATopicTheJobDoesNotUseIsWarnedOf() {
    JobOptions job = new JobOptions();
    new CommandLine(job).parseArgs("--schema-registry", "http://127.0.0.1:8081",
        "--value-format", "cx.surveyz=confluent", "--value-format", "cx.surveys=confluent");
    List<TopicUse> topics = List.of(TopicUse.input("cx.surveys", "survey input", "--topic"),
        TopicUse.output("cx.dead-letter", "dead-letter", "--dead-letter-topic"));
    try (LogCapture log = LogCapture.atLevel(Level.WARN)) {
      StartupChecks.warnOfUnusedTopicFormats(job, topics);
      // distinct: the capture sees a line once per logger configuration it passes
      assertThat(log.linesContaining("--value-format").stream().distinct().toList()).hasSize(1).first().asString()
          .contains("cx.surveyz=confluent names a topic this job neither reads nor writes")
          .contains("[cx.dead-letter, cx.surveys]");
    }
  }
}
