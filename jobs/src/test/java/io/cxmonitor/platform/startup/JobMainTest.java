package io.cxmonitor.platform.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.platform.influx.InfluxWriteClient;
import java.io.IOException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.runtime.JobException;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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

  @Test
  void inAnApplicationClusterMainReturnsOrThrowsInsteadOfEndingTheJobManager() {
    assertThat(JobMain.runsInApplicationCluster()).as("plain java").isFalse();
    Configuration cluster = new Configuration();
    cluster.set(DeploymentOptions.TARGET, JobMain.APPLICATION_CLUSTER_TARGET);
    ApplicationClusterContext.set(cluster);
    try {
      assertThat(JobMain.runsInApplicationCluster()).isTrue();
      JobMain.exit(0); // returns: System.exit would end this test JVM
      assertThatThrownBy(() -> JobMain.exit(JobMain.EXIT_STARTUP_CHECK)).hasMessageContaining("exit status 3");
    } finally {
      ApplicationClusterContext.reset();
    }
    assertThat(JobMain.runsInApplicationCluster()).isFalse();
  }

  /** What Flink's application cluster does before it calls a job's main: a context environment with its config. */
  private static final class ApplicationClusterContext extends StreamExecutionEnvironment {
    static void set(Configuration conf) {
      initializeContextEnvironment(c -> new StreamExecutionEnvironment(conf));
    }

    static void reset() {
      resetContextEnvironment();
    }
  }
}
