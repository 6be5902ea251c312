package io.cxmonitor.platform.influx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Rejected counts from replies that influxd 1.6.7 really gave (the HTTP 400 bodies' error text). */
class InfluxSinkWriterTest {
  private static final String PREFIX = "InfluxDB rejected the write: ";

  @Test
  void eachUnparsableLineCountsThoughThePartialWriteSaysDroppedZero() {
    String twoBad = "partial write: unable to parse 'm,team=zz v=xx 1004': invalid boolean\n"
        + "unable to parse 'm,team=zz v= 1005': missing field value dropped=0";
    assertThat(InfluxSinkWriter.rejectedCount(PREFIX + twoBad, 4)).isEqualTo(2);
    String oneBad = "partial write: unable to parse 'm,team=abc\\ v=1i 1000': invalid tag format dropped=0";
    assertThat(InfluxSinkWriter.rejectedCount(PREFIX + oneBad, 2)).isEqualTo(1);
  }

  @Test
  void aBatchThatFailedToParseEntirelyCountsEveryLine() {
    String allBad = "unable to parse 'm,team=p\\\\ v=1i 12': invalid tag format";
    assertThat(InfluxSinkWriter.rejectedCount(PREFIX + allBad, 1)).isEqualTo(1);
  }

  @Test
  void pointsRefusedAfterParsingAreTheDroppedCount() {
    String conflict = "partial write: field type conflict: input field \"v\" on measurement \"m\" is type float,"
        + " already exists as type integer dropped=1";
    assertThat(InfluxSinkWriter.rejectedCount(PREFIX + conflict, 3)).isEqualTo(1);
  }

  @Test
  void aReplyThatNamesNoPointLosesTheWholeBatchNeverZero() {
    assertThat(InfluxSinkWriter.rejectedCount(PREFIX + "authorization failed", 7)).isEqualTo(7);
    assertThat(InfluxSinkWriter.rejectedCount(PREFIX + "partial write: something new dropped=0", 7)).isEqualTo(7);
    assertThat(InfluxSinkWriter.rejectedCount(null, 7)).isEqualTo(7);
  }

  @Test
  void neverMoreThanTheBatch() {
    assertThat(InfluxSinkWriter.rejectedCount(PREFIX + "partial write: points beyond retention policy dropped=50", 10))
        .isEqualTo(10);
  }
}
