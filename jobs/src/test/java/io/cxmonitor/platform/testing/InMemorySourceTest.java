package io.cxmonitor.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The in-memory source keeps order and holds records behind a gate until it opens. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class InMemorySourceTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = WorkflowTestCluster.extension();

  private final CollectingSink<String> sink = CollectingSink.create();

  @AfterEach
  void closeSink() {
    sink.close();
  }

  @Test
  void emitsInOrderAndReleasesRecordsWhenTheGateOpens() throws Exception {
    Gate sawB = sink.gateWhen("b written", "b"::equals, Duration.ofSeconds(30));
    StreamExecutionEnvironment env = WorkflowTestCluster.environment();
    env.fromSource(InMemorySource.of(Types.STRING).add("a", "b").thenWaitFor(sawB).add("c", "d").build(),
        WatermarkStrategy.noWatermarks(), "letters").sinkTo(sink);
    env.execute();

    assertThat(sink.records()).containsExactly("a", "b", "c", "d");
  }

  @Test
  void aGateThatNeverOpensFailsTheJobInsteadOfLettingRecordsThrough() {
    Gate never = sink.gateWhen("never written", "x"::equals, Duration.ofSeconds(1));
    StreamExecutionEnvironment env = WorkflowTestCluster.environment();
    env.fromSource(InMemorySource.of(Types.STRING).add("a").thenWaitFor(never).add("b").build(),
        WatermarkStrategy.noWatermarks(), "letters").sinkTo(sink);

    assertThatThrownBy(env::execute).satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e,
        "record 1 waits for 'never written', which did not open within PT1S")).isPresent());
    assertThat(sink.records()).containsExactly("a");
  }
}
