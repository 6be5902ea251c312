package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.platform.windows.Grouping;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PointTagsTest {

  @Test
  void aGroupedPointHasItsValueAndAllElsewhere() {
    assertThat(PointTags.of(Grouping.TEAM, "tier2", "1h", List.of("channel", "team", "region", "priority", "product")))
        .containsEntry("window", "1h").containsEntry("team", "tier2")
        .containsEntry("channel", "all").containsEntry("region", "all").containsEntry("priority", "all")
        .containsEntry("product", "all").hasSize(6);
    assertThat(PointTags.of(Grouping.OVERALL, "all", null, List.of("region", "product", "plan")))
        .containsOnlyKeys("region", "product", "plan").doesNotContainKey("window");
  }

  @Test
  void aDimensionTheJobDoesNotHaveIsRefused() {
    assertThatThrownBy(() -> PointTags.of(Grouping.PLAN, "basic", "1h", InfluxSchema.DIMENSION_TAGS))
        .hasMessageContaining("plan");
  }

  @Test
  void aRateIsAPercentageWithItsWilsonIntervalAndN() {
    // a proportion of one cohort: the hits are part of the n (the service job counts both from the same fact)
    Map<String, Object> f = new HashMap<>();
    PointTags.rate(f, "abandon", 1, 4);
    assertThat(f).containsEntry("abandon_n", 4L).containsEntry("abandon_pct", 25.0);
    // Wilson 95 % for 1 of 4, by hand: centre (0.25 + z²/8) / (1 + z²/4), half-width z·√(0.25·0.75/4 + z²/64) / (1 + z²/4)
    double z = 1.959963984540054;
    double denom = 1 + z * z / 4;
    double centre = (0.25 + z * z / 8) / denom;
    double half = z * Math.sqrt(0.25 * 0.75 / 4 + z * z / 64) / denom;
    assertThat((Double) f.get("abandon_ci_low")).isCloseTo(100 * (centre - half), org.assertj.core.api.Assertions.within(1e-9));
    assertThat((Double) f.get("abandon_ci_high")).isCloseTo(100 * (centre + half), org.assertj.core.api.Assertions.within(1e-9));
    Map<String, Object> empty = new HashMap<>();
    PointTags.rate(empty, "fcr", 0, 0);
    assertThat(empty).containsOnlyKeys("fcr_n");
  }
}
