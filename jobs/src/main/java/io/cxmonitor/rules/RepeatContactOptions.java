package io.cxmonitor.rules;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The repeat-contact window (a picocli mixin shared by the jobs that count repeat contacts). */
public final class RepeatContactOptions {
  @Option(names = "--repeat-window", defaultValue = RepeatContactRule.DEFAULT_WINDOW,
      description = "A new ticket of the same customer within this of the previous one is a repeat contact. Default: ${DEFAULT-VALUE}")
  Duration window;

  /** The window, checked by the rule, or a picocli error that says what is wrong with the option. */
  public Duration window(CommandLine cmd) {
    try {
      new RepeatContactRule(window);
      return window;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, "--repeat-window: " + e.getMessage());
    }
  }
}
