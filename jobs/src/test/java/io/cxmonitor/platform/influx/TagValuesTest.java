package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TagValuesTest {

  @Test
  void aNewlineCannotStartAnotherPoint() {
    assertThat(TagValues.safe("x\ncx_nps")).isEqualTo("x\uFFFDcx_nps");
    assertThat(TagValues.safe("a\r\nb")).isEqualTo("a\uFFFD\uFFFDb");
  }

  @Test
  void everyControlCharacterAndLineSeparatorIsReplaced() {
    assertThat(TagValues.safe("a\tb\u0000c\u001Fd\u007Fe\u0085f\u2028g\u2029h"))
        .isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh");
  }

  @Test
  void trailingBackslashesAreReplacedInnerOnesKept() {
    assertThat(TagValues.safe("abc\\")).isEqualTo("abc\uFFFD");
    assertThat(TagValues.safe("abc\\\\")).isEqualTo("abc\uFFFD\uFFFD");
    assertThat(TagValues.safe("\\")).isEqualTo("\uFFFD");
    assertThat(TagValues.safe("a\\b")).isEqualTo("a\\b");
    assertThat(TagValues.safe("a\\ b")).isEqualTo("a\\ b");
  }

  @Test
  void whatTheClientEscapesItselfIsKeptAsIs() {
    for (String kept : new String[] {"tier 2", "a,b", "k=v", "say \"hi\"", "it's", "Hỗ trợ khách hàng", "", "all"}) {
      assertThat(TagValues.safe(kept)).isSameAs(kept);
    }
  }

  @Test
  void theLineProtocolOfAReplacedValueIsOneValidLine() {
    KpiPoint p = new KpiPoint("cx_nps", java.util.Map.of("team", "x\ncx_nps", "region", "abc\\", "channel", "a b,c=d"),
        java.util.Map.of("nps", 1L), 1_000L);
    java.util.List<String> replaced = new java.util.ArrayList<>();
    String line = LineProtocol.line(p, (original, safe) -> replaced.add(original));
    // written by hand: tags sorted, the client's escapes for space, comma and =
    assertThat(line).isEqualTo("cx_nps,channel=a\\ b\\,c\\=d,region=abc\uFFFD,team=x\uFFFDcx_nps nps=1i 1000");
    assertThat(replaced).containsExactlyInAnyOrder("x\ncx_nps", "abc\\");
  }

  @Test
  void aLogLineShowsTheOriginal() {
    assertThat(TagValues.visible("x\ncx_nps\\\u0001")).isEqualTo("\"x\\ncx_nps\\\\\\u0001\"");
  }
}
