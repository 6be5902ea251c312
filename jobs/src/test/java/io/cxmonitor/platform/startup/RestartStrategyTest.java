package io.cxmonitor.platform.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.DiscardingSink;
import org.junit.jupiter.api.Test;

/** --restart-attempts as Flink runs it: 0 ends the job at its first failure, N restarts up to N times. */
class RestartStrategyTest {
  private static final AtomicInteger ATTEMPTS = new AtomicInteger();

  private static void run(int restartAttempts, int failingAttempts) throws Exception {
    ATTEMPTS.set(0);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1,
        StartupOptions.restartStrategy(restartAttempts, Duration.ofSeconds(1)));
    env.fromData(1, 2, 3)
        .map(x -> {
          if (x == 1 && ATTEMPTS.incrementAndGet() <= failingAttempts) {
            throw new IllegalStateException("failure of attempt " + ATTEMPTS.get());
          }
          return x;
        })
        .addSink(new DiscardingSink<>());
    env.execute("restart-attempts-" + restartAttempts);
  }

  @Test
  void zeroAttemptsEndTheJobAtItsFirstFailure() {
    assertThatThrownBy(() -> run(0, 1)).rootCause().hasMessage("failure of attempt 1");
    assertThat(ATTEMPTS).hasValue(1);
  }

  @Test
  void nAttemptsRestartUpToNTimes() throws Exception {
    run(2, 2);
    assertThat(ATTEMPTS).as("two failed attempts, then the one that finished").hasValue(3);
    assertThatThrownBy(() -> run(1, 2)).rootCause().hasMessage("failure of attempt 2");
  }
}
