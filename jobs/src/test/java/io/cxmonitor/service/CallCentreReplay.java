package io.cxmonitor.service;

import io.cxmonitor.testkit.InfluxServer;
import io.cxmonitor.testkit.KafkaBroker;
import io.cxmonitor.tools.replay.CallCentreFixture;
import io.cxmonitor.tools.replay.ReplayCli;
import io.cxmonitor.tools.replay.ReplayMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The steps the call-centre ITCases share: the shipped fixture through the real ReplayCli onto a
 * topic, and the bounded service job over a topic into InfluxDB, with hourly buckets (so the
 * rolling 24 h window has a point at every midnight).
 */
final class CallCentreReplay {
  static final String ALERTS = "cc.alerts";
  static final String DEAD_LETTERS = "cc.dead-letter";
  static final String BUCKET = "PT1H";

  static java.time.Duration bucket() {
    return java.time.Duration.parse(BUCKET);
  }

  private CallCentreReplay() {}

  static ReplayCli.Summary replay(KafkaBroker kafka, String topic, Path tmp) throws Exception {
    return ReplayCli.of("--input", CallCentreFixture.TSV.toString(), "--mapping", CallCentreFixture.MAPPING.toString(),
        "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--rejects", tmp.resolve(topic + ".rejects.csv").toString())
        .run(ReplayMapping.load(CallCentreFixture.MAPPING));
  }

  /**
   * Runs the bounded service job on {@code topic} to the end of its input; {@code more} adds the
   * options each test chooses (start position, parallelism, ...).
   */
  static void runServiceJob(KafkaBroker kafka, InfluxServer influx, String name, String topic, String group, String db,
      String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
        "--alert-topic", ALERTS, "--dead-letter-topic", DEAD_LETTERS, "--group-id", group, "--bounded",
        "--bucket", BUCKET, "--checkpoint-interval", "PT2S", "--influx-url", influx.url(), "--influx-db", db));
    args.addAll(List.of(more));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ServiceKpiJob.fromArgs(args.toArray(String[]::new)).configure(env);
    env.execute(name);
  }
}
