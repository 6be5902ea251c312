package io.cxmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.service.ServiceKpiJob;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class RepeatContactOptionsTest {
  @Command(name = "some-job")
  static final class SomeJob {
    @Mixin
    RepeatContactOptions repeat;
  }

  private static Duration parse(String... args) {
    SomeJob job = new SomeJob();
    CommandLine cmd = new CommandLine(job);
    cmd.parseArgs(args);
    return job.repeat.window(cmd);
  }

  @Test
  void theWindowDefaultsToSevenDays() {
    assertThat(parse()).isEqualTo(Duration.ofDays(7));
    assertThat(parse("--repeat-window", "P3D")).isEqualTo(Duration.ofDays(3));
  }

  @Test
  void aWindowThatIsNotPositiveIsACommandLineErrorNamingTheOption() {
    assertThatThrownBy(() -> parse("--repeat-window", "PT0S"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--repeat-window").hasMessageContaining("PT0S");
  }

  @Test
  void theServiceAndTheChurnJobTakeThisOneOption() {
    CommandLine.Model.OptionSpec mixin = new CommandLine(new SomeJob()).getCommandSpec().findOption("--repeat-window");
    for (Object job : List.of(new ServiceKpiJob(), new ChurnKpiJob())) {
      CommandLine.Model.OptionSpec option = new CommandLine(job).getCommandSpec().findOption("--repeat-window");
      assertThat(option.defaultValue()).as("%s", job.getClass().getSimpleName()).isEqualTo("P7D");
      assertThat(option.description()).isEqualTo(mixin.description());
    }
  }
}
