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
  void aRateWithMoreHitsThanItsWindowsBaseStillWritesAnInterval() {
    // e.g. abandonments in a minute of contacts queued in the minute before
    Map<String, Object> f = new HashMap<>();
    PointTags.rate(f, "abandon", 3, 2);
    assertThat(f).containsEntry("abandon_n", 2L).containsEntry("abandon_pct", 150.0);
    assertThat((Double) f.get("abandon_ci_high")).isEqualTo(100.0);
    Map<String, Object> empty = new HashMap<>();
    PointTags.rate(empty, "fcr", 0, 0);
    assertThat(empty).containsOnlyKeys("fcr_n");
  }
}
