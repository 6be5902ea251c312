package io.cxmonitor.platform.startup;

import java.util.concurrent.Callable;
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
