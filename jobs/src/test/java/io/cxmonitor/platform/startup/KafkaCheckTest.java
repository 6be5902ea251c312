package io.cxmonitor.platform.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;

/** Which operation a topic's authorized operations lack (brokers with ACLs; the ITCase broker has none). */
class KafkaCheckTest {
  private static final TopicUse INPUT = TopicUse.input("in", "survey input", "--topic");
  private static final TopicUse OUTPUT = TopicUse.output("out", "dead-letter", "--dead-letter-topic");

  @Test
  void anOutputNeedsWriteAndAnInputRead() {
    Set<AclOperation> readOnly = Set.of(AclOperation.DESCRIBE, AclOperation.READ);
    assertThat(KafkaCheck.missingPermission(OUTPUT, readOnly)).isEqualTo("write");
    assertThat(KafkaCheck.missingPermission(INPUT, readOnly)).isNull();
    Set<AclOperation> writeOnly = Set.of(AclOperation.DESCRIBE, AclOperation.WRITE);
    assertThat(KafkaCheck.missingPermission(INPUT, writeOnly)).isEqualTo("read");
    assertThat(KafkaCheck.missingPermission(OUTPUT, writeOnly)).isNull();
  }

  @Test
  void allOrNothingReportedIsNoProblem() {
    assertThat(KafkaCheck.missingPermission(OUTPUT, Set.of(AclOperation.ALL))).isNull();
    assertThat(KafkaCheck.missingPermission(OUTPUT, null)).as("broker that does not report operations").isNull();
    assertThat(KafkaCheck.missingPermission(OUTPUT, Set.of())).isNull();
  }
}
