package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link SortedTags} behaves as a read-only {@code TreeMap} of the same tags, the map points carried before. */
class SortedTagsTest {

  @Test
  void readsLikeATreeMapOfTheSameTags() {
    Random random = new Random(3);
    for (int round = 0; round < 500; round++) {
      Map<String, String> given = new HashMap<>();
      for (int i = random.nextInt(9); i > 0; i--) {
        given.put(word(random), random.nextInt(10) == 0 ? null : word(random));
      }
      TreeMap<String, String> tree = new TreeMap<>(given);
      SortedTags tags = SortedTags.of(given);
      assertThat(new ArrayList<>(tags.entrySet())).isEqualTo(new ArrayList<>(tree.entrySet()));
      assertThat(tags).isEqualTo(tree).hasSameHashCodeAs(tree).hasToString(tree.toString());
      assertThat(tree).isEqualTo(tags);
      assertThat(SortedTags.of(tree)).isEqualTo(tags).hasSameHashCodeAs(tags);
      for (int i = 0; i < tags.size(); i++) {
        assertThat(tags.key(i)).isEqualTo(new ArrayList<>(tree.keySet()).get(i));
        assertThat(tags.value(i)).isEqualTo(tree.get(tags.key(i)));
      }
      String probe = word(random);
      assertThat(tags.get(probe)).isEqualTo(tree.get(probe));
      assertThat(tags.containsKey(probe)).isEqualTo(tree.containsKey(probe));
      String value = word(random);
      TreeMap<String, String> plus = new TreeMap<>(tree);
      plus.put(probe, value);
      assertThat(tags.with(probe, value)).isEqualTo(plus).hasToString(plus.toString());
      assertThat(tags).as("unchanged by with").isEqualTo(tree);
    }
  }

  @Test
  void isImmutableAndSharedByThePointsThatCarryIt() {
    SortedTags tags = SortedTags.of(Map.of("window", "1m", "channel", "all"));
    assertThat(SortedTags.of(tags)).isSameAs(tags);
    assertThat(new KpiPoint("m", tags, Map.of("n", 1L), 0).tags()).isSameAs(tags);
    assertThatThrownBy(() -> tags.put("team", "x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> tags.entrySet().iterator().next().setValue("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> tags.keySet().remove("window")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void refusesWhatATreeMapOfTagsCouldNotHold() {
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "x");
    assertThatThrownBy(() -> SortedTags.of(nullKey)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SortedTags.sorting(new String[] {"b", "a", "b"}, new String[] {"1", "2", "3"}))
        .hasMessageContaining("tag b given twice");
    assertThatThrownBy(() -> SortedTags.ofSorted(new String[] {"b", "a"}, new String[] {"1", "2"}))
        .hasMessageContaining("out of order");
  }

  private static String word(Random random) {
    String alphabet = "abcAB_ é";
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(4); i >= 0; i--) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Test
  void pointTagsAreSortedTags() {
    List<String> dims = List.of("channel", "team", "region");
    assertThat(new ArrayList<>(PointTags.of(io.cxmonitor.platform.windows.Grouping.TEAM, "t2", "1h", dims).keySet()))
        .containsExactly("channel", "region", "team", "window");
  }
}
