package io.cxmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RunResultTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aResultCrossesFromTheRunnersJvmAsJsonWithInfluxdsCpu() throws Exception {
    // as RunnerProcess writes it and ChildJvm reads it back
    RunResult r = new RunResult(Runners.RAW_INFLUX, "warmed", 2_000_000, 20.0, 0.5, 2.9, 2_000_000, 2_000_000, 0, 0, 0, 0,
        1L << 30, 300, 7.5);
    assertThat(JSON.readValue(JSON.writeValueAsString(r), RunResult.class)).isEqualTo(r);
  }

  @Test
  void withoutInfluxdsCpuItIsNotMeasured() {
    RunResult r = new RunResult(Runners.SURVEY_JOB, "fresh", 1, 1.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(r.influxdCpuSecondsPerMillion()).isEqualTo(-1);
  }
}
