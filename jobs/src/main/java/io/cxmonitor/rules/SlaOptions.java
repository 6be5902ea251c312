package io.cxmonitor.rules;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** First-response and resolution SLAs per priority (a picocli mixin shared by the jobs that need them). */
public final class SlaOptions {
  @Option(names = "--first-response-sla", defaultValue = SlaPolicy.DEFAULT_FIRST_RESPONSE,
      description = "First-response SLA per priority; priorities left out keep their default. Default: ${DEFAULT-VALUE}")
  String firstResponse;

  @Option(names = "--resolution-sla", defaultValue = SlaPolicy.DEFAULT_RESOLUTION,
      description = "Resolution SLA per priority; priorities left out keep their default. Default: ${DEFAULT-VALUE}")
  String resolution;

  /** The policy, or a picocli error that says what is wrong with the option. */
  public SlaPolicy policy(CommandLine cmd) {
    try {
      return new SlaPolicy(firstResponse, resolution);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, e.getMessage());
    }
  }
}
