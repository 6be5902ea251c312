package io.cxmonitor.platform.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.platform.influx.InfluxWriteClient;
import java.io.IOException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.JobException;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.Test;

/** The reason a failed job prints: the first message below Flink's own wrappers. */
class JobMainTest {
  @Test
  void refusedCredentialsAreTheReasonNotTheSuppressedRestart() {
    Throwable failed = new JobExecutionException(new JobID(), "Job execution failed.",
        new SuppressRestartsException(new InfluxWriteClient.AccessDeniedException("InfluxDB at U refused ...", 401,
            new IOException("HTTP 401"))));
    assertThat(JobMain.rootMessage(failed)).isEqualTo("InfluxDB at U refused ...");
  }

  @Test
  void exhaustedRestartsNameTheErrorThatCameBack() {
    Throwable failed = new JobExecutionException(new JobID(), "Job execution failed.",
        new JobException("Recovery is suppressed by ExponentialDelayRestartBackoffTimeStrategy",
            new IOException("InfluxDB write of 10 points still failing after 5 attempts")));
    assertThat(JobMain.rootMessage(failed)).isEqualTo("InfluxDB write of 10 points still failing after 5 attempts");
  }
}
