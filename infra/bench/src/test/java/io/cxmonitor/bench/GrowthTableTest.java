package io.cxmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrowthTableTest {
  /** A warmed run: {@code events} in {@code seconds}, {@code points} in the drain, the largest checkpoint. */
  private static RunResult run(String jvm, long events, double seconds, long points, long checkpointBytes) {
    return new RunResult("service-open", jvm, events, seconds, 1.0, 40.0, points, 2 * points, 3, checkpointBytes, 900, 400,
        1L << 30, 250);
  }

  @Test
  void bytesPerKeyIsTheCheckpointGrowthOverTheKeyGrowth() {
    // 1,000 → 101,000 open tickets: the checkpoint grows from 10 MB to 90 MB: 80,000,000 B / 100,000 tickets
    assertThat(GrowthTable.bytesPerKey(101_000, 90_000_000, 1_000, 10_000_000)).isEqualTo(800.0);
    // a smaller checkpoint with more keys (noise) gives a negative figure, not a hidden one
    assertThat(GrowthTable.bytesPerKey(2_000, 9_000_000, 1_000, 10_000_000)).isEqualTo(-1_000.0);
    assertThat(GrowthTable.bytesPerKey(1_000, 12_000_000, 1_000, 10_000_000)).isNaN();
  }

  @Test
  void theKeyedTableComparesEachStepWithTheSmallestAndThePreviousOne() {
    List<GrowthTable.Row> rows = List.of(
        new GrowthTable.Row("1000", 1_000, run("fresh", 100_000, 20, 0, 11_000_000), run("warmed", 100_000, 10, 50_000,
            10_000_000)),
        new GrowthTable.Row("11k", 11_000, run("fresh", 100_000, 25, 0, 13_000_000), run("warmed", 100_000, 12.5, 50_000,
            15_000_000)),
        new GrowthTable.Row("111k", 111_000, null, run("warmed", 100_000, 20, 50_000, 75_000_000)));
    List<String> lines = GrowthTable.keyed("open tickets", rows).lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).startsWith("| open tickets | events/s warmed (fresh) |").contains("| B per open ticket vs. smallest |");
    // first step: 100k events in 10 s warmed, 20 s fresh; the larger checkpoint of both runs (11 MB); no comparison
    assertThat(lines.get(2)).startsWith("| 1000 | 10k (5000) | 40.0 | 0.500 | 10 MiB | — | — |");
    // second: (15 MB − 11 MB) / 10,000 tickets = 400 B against the first, which is also the previous step
    assertThat(lines.get(3)).startsWith("| 11k | 8000 (4000) | 40.0 | 0.500 | 14 MiB | 400 | 400 |");
    // third, without a fresh run: (75 MB − 11 MB) / 110,000 = 582 B; (75 MB − 15 MB) / 100,000 = 600 B
    assertThat(lines.get(4)).startsWith("| 111k | 5000 (—) | 40.0 | 0.500 | 72 MiB | 582 | 600 |");
  }

  @Test
  void thePlainTableShowsPointsPerEventAndEventsPerPoint() {
    List<GrowthTable.Row> rows = List.of(new GrowthTable.Row("PT12H (278/min)", 278, run("fresh", 200_000, 8, 0, 0),
        run("warmed", 200_000, 4, 100_000, 0)));
    List<String> lines = GrowthTable.plain("span (responses/min)", rows).lines().toList();
    // 200k events in 4 s; 100k points in the drain, 200k by the checkpoint after the input: 1.0 per event
    assertThat(lines.get(2)).isEqualTo("| PT12H (278/min) | 200k | 50k (25k) | 40.0 | 1.000 | 1.0 | 1.0 GiB | 250 ms |");
  }
}
