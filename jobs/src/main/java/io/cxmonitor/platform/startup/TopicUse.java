package io.cxmonitor.platform.startup;

/**
 * A topic a job reads or writes, with what it is for ("survey input", "dead-letter", "SLA alert"),
 * so a start-up error can say which option names it.
 *
 * @param option the command-line option that sets the topic, e.g. {@code --dead-letter-topic}
 */
public record TopicUse(String topic, String role, String option, boolean output) {
  public static TopicUse input(String topic, String role, String option) {
    return new TopicUse(topic, role, option, false);
  }

  public static TopicUse output(String topic, String role, String option) {
    return new TopicUse(topic, role, option, true);
  }

  String describe() {
    return role + " topic '" + topic + "' (" + option + ")";
  }
}
