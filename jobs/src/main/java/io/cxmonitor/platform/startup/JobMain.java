package io.cxmonitor.platform.startup;

import java.util.concurrent.Callable;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;

/**
 * Runs a job's command line and turns the ways it can end into an exit status and one readable
 * message on standard error: a failed start-up check ({@value #EXIT_STARTUP_CHECK}) and a job that
 * failed for good ({@value #EXIT_JOB_FAILED}, with the root cause's message) are not stack traces.
 */
public final class JobMain {
  public static final int EXIT_JOB_FAILED = 1;
  public static final int EXIT_STARTUP_CHECK = 3;
  /** The log4j2 configuration of the jobs (console, Kafka and Flink quiet, bounded while a server is down). */
  public static final String LOG_CONFIG = "cx-jobs-log4j2.properties";
  /** The execution target Flink's application cluster entry point sets (its EmbeddedExecutor's name). */
  static final String APPLICATION_CLUSTER_TARGET = "embedded";

  private JobMain() {}

  /** For {@code main}: uses the jobs' own log configuration unless one is given, then runs {@code command}. */
  public static int run(Callable<Integer> command, String... args) {
    useProjectLogging();
    return new CommandLine(command).setExecutionExceptionHandler((e, cmd, parsed) -> {
      StartupCheckException check = find(e, StartupCheckException.class);
      if (check != null) {
        cmd.getErr().println(cmd.getCommandName() + ": start-up check failed, the job was not started:");
        cmd.getErr().println(check.getMessage());
        return EXIT_STARTUP_CHECK;
      }
      cmd.getErr().println(cmd.getCommandName() + ": the job failed and will not be restarted: " + rootMessage(e));
      e.printStackTrace(cmd.getErr());
      cmd.getErr().println(cmd.getCommandName() + ": the job failed and will not be restarted: " + rootMessage(e));
      return EXIT_JOB_FAILED;
    }).execute(args);
  }

  /**
   * Ends a job's {@code main} with {@code status}: {@code System.exit}, except in a Flink application cluster (the
   * Kubernetes operator's FlinkDeployments), where {@code main} runs inside the JobManager and returns as soon as the
   * job is submitted; exiting there would end the JobManager with the job it just started. There a failed start
   * (status not 0, its message already printed) throws instead, so that Flink marks the application as failed.
   */
  public static void exit(int status) {
    if (!runsInApplicationCluster()) {
      System.exit(status);
    }
    if (status != 0) {
      throw new IllegalStateException("the job did not start (exit status " + status + "): see the message above");
    }
  }

  /** Whether {@code main} runs in a Flink application cluster's JobManager (execution target {@code embedded}). */
  static boolean runsInApplicationCluster() {
    return APPLICATION_CLUSTER_TARGET.equals(
        StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration().get(DeploymentOptions.TARGET));
  }

  /**
   * Points log4j at {@link #LOG_CONFIG} unless {@code log4j2.configurationFile} is set, so that no
   * other {@code log4j2.*} on the classpath (a test library's) decides what the job logs.
   */
  public static void useProjectLogging() {
    if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", LOG_CONFIG);
    }
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /**
   * The reason worth reading: the message of the outermost exception that is not one of Flink's or
   * the JDK's wrappers around it (job execution, restarts suppressed, completion), else the root's.
   */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getName();
      if (!name.startsWith("org.apache.flink.") && !name.startsWith("java.util.concurrent.")
          && !name.startsWith("picocli.") && t.getMessage() != null) {
        return t.getMessage();
      }
      root = t;
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
