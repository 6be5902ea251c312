package io.cxmonitor.platform.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.filter.AbstractFilterable;
import org.apache.logging.log4j.core.filter.ThresholdFilter;

/**
 * Captures every log line of this JVM at {@code level} or above — from every logger, Flink's and
 * Kafka's included, whatever the test configuration's levels — with its exception's stack trace,
 * so a test can assert what never appears in a log. The console keeps showing only what it showed
 * before. Close to restore the configuration.
 */
public final class LogCapture implements AutoCloseable {
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
  private final Map<LoggerConfig, Level> previousLevels = new HashMap<>();
  private final Map<AbstractFilterable, Filter> consoleFilters = new HashMap<>();
  private final Appender appender;

  private LogCapture(Level level) {
    appender = new AbstractAppender("capture-" + COUNT.incrementAndGet(), null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " - "
            + event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
          StringWriter trace = new StringWriter();
          event.getThrown().printStackTrace(new PrintWriter(trace));
          line.append('\n').append(trace);
        }
        lines.add(line.toString());
      }
    };
    appender.start();
    Configuration config = context.getConfiguration();
    for (Appender existing : config.getAppenders().values()) {
      if (existing instanceof AbstractFilterable f) {
        // Loggers are opened up to `level` below; the existing appenders keep their old threshold.
        Filter keep = ThresholdFilter.createFilter(config.getRootLogger().getLevel(), Filter.Result.NEUTRAL,
            Filter.Result.DENY);
        f.addFilter(keep);
        consoleFilters.put(f, keep);
      }
    }
    Set<LoggerConfig> loggers = new LinkedHashSet<>(config.getLoggers().values()); // holds the root logger too
    loggers.add(config.getRootLogger());
    for (LoggerConfig logger : loggers) {
      previousLevels.put(logger, logger.getLevel());
      if (logger.getLevel().isMoreSpecificThan(level) && logger.getLevel() != level) {
        logger.setLevel(level);
      }
      logger.addAppender(appender, level, null);
    }
    context.updateLoggers();
  }

  /** Starts capturing lines at {@code level} and above (e.g. {@link Level#INFO}). */
  public static LogCapture atLevel(Level level) {
    return new LogCapture(level);
  }

  /** The lines so far: level, logger, message, and stack trace if any. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The captured lines that contain {@code text}. */
  public List<String> linesContaining(String text) {
    return lines.stream().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    previousLevels.forEach((logger, level) -> {
      logger.removeAppender(appender.getName());
      logger.setLevel(level);
    });
    consoleFilters.forEach(AbstractFilterable::removeFilter);
    context.updateLoggers();
    appender.stop();
  }
}
