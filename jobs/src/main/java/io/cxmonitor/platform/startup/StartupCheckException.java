package io.cxmonitor.platform.startup;

import java.util.List;

/** A start-up check found the servers or topics not ready for the job; the message says what to fix. */
public final class StartupCheckException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public StartupCheckException(List<String> problems) {
    super(String.join("\n", problems.stream().map(p -> "- " + p).toList()));
    this.problems = List.copyOf(problems);
  }

  /** One sentence (or a few) per problem: which server, address, topic or credential, and how to fix it. */
  public List<String> problems() {
    return problems;
  }
}
