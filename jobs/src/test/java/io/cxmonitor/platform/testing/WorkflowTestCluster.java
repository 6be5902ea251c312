package io.cxmonitor.platform.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster and environment the workflow tests over in-memory sources run on. */
public final class WorkflowTestCluster {
  private WorkflowTestCluster() {}

  /** One task manager with one slot: with parallelism 1 every operator shares it. */
  public static MiniClusterExtension extension() {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());
  }

  /**
   * Parallelism 1, which an {@link InMemorySource} needs to keep its records in order, and object
   * reuse as the jobs run (JobOptions), so a workflow that holds on to a reused record fails here.
   * No checkpointing: a bounded run flushes everything at the end of input.
   */
  public static StreamExecutionEnvironment environment() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.getConfig().enableObjectReuse();
    return env;
  }
}
