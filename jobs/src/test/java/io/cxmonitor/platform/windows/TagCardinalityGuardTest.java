package io.cxmonitor.platform.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagCardinalityGuardTest {
  private final List<String> reports = new ArrayList<>();
  private final TagCardinalityGuard guard = new TagCardinalityGuard(3, (g, v, max) -> reports.add(g + ":" + v + ":" + max));

  @Test
  void valuesBeyondTheCapBecomeOtherAndAreReportedOncePerGrouping() {
    for (String team : List.of("alpha", "beta", "alpha", "gamma")) {
      assertThat(guard.admit(Grouping.TEAM, team)).isEqualTo(team);
    }
    assertThat(guard.admit(Grouping.TEAM, "t-1001")).isEqualTo(TagCardinalityGuard.OTHER);
    assertThat(guard.admit(Grouping.TEAM, "t-1002")).isEqualTo(TagCardinalityGuard.OTHER);
    assertThat(guard.admit(Grouping.TEAM, "beta")).as("admitted before the cap").isEqualTo("beta");
    assertThat(guard.admit(Grouping.REGION, "north")).as("each grouping has its own cap").isEqualTo("north");
    assertThat(reports).containsExactly("TEAM:t-1001:3");
    for (int i = 0; i < 5; i++) {
      guard.admit(Grouping.PRODUCT, "p" + i);
    }
    assertThat(reports).containsExactly("TEAM:t-1001:3", "PRODUCT:p3:3");
  }

  @Test
  void overallUnknownAndOtherNeverCountAgainstTheCap() {
    TagCardinalityGuard one = new TagCardinalityGuard(1, (g, v, max) -> reports.add(v));
    assertThat(one.admit(Grouping.TEAM, Grouping.UNKNOWN)).isEqualTo(Grouping.UNKNOWN);
    assertThat(one.admit(Grouping.TEAM, TagCardinalityGuard.OTHER)).isEqualTo(TagCardinalityGuard.OTHER);
    assertThat(one.admit(Grouping.OVERALL, Grouping.ALL)).isEqualTo(Grouping.ALL);
    assertThat(one.admit(Grouping.TEAM, "alpha")).isEqualTo("alpha");
    assertThat(one.admit(Grouping.TEAM, "beta")).isEqualTo(TagCardinalityGuard.OTHER);
    assertThat(reports).containsExactly("beta");
  }

  @Test
  void aRestoredGuardAdmitsWhatItAdmittedBefore() {
    guard.admit(Grouping.TEAM, "alpha");
    guard.admit(Grouping.TEAM, "x=y z");
    guard.admit(Grouping.REGION, "north");
    TagCardinalityGuard restored = new TagCardinalityGuard(2, (g, v, max) -> reports.add(v));
    guard.snapshot().forEach(restored::restore);
    assertThat(restored.admit(Grouping.TEAM, "x=y z")).isEqualTo("x=y z");
    assertThat(restored.admit(Grouping.TEAM, "alpha")).isEqualTo("alpha");
    assertThat(restored.admit(Grouping.TEAM, "beta")).isEqualTo(TagCardinalityGuard.OTHER);
    assertThat(restored.admit(Grouping.REGION, "south")).isEqualTo("south");
  }

  @Test
  void aCapBelowOneIsRefused() {
    assertThatThrownBy(() -> new TagCardinalityGuard(0, (g, v, max) -> { }))
        .hasMessage("maxValues must be at least 1, got 0");
  }
}
