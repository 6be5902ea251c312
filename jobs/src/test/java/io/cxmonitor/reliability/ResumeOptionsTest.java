package io.cxmonitor.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxmonitor.platform.cli.JobOptions;
import io.cxmonitor.platform.pipeline.RetainedCheckpoints;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Which checkpoint --resume picks and how --resume and --from-savepoint reach Flink. The checkpoint
 * metadata is a real one (the survey job's savepoint fixture), copied into the layout Flink writes:
 * {@code <checkpoint-dir>/<job>/<flink job id>/chk-<n>/_metadata}.
 */
class ResumeOptionsTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir
  Path dir;

  @Test
  void resumePicksTheNewestReadableCheckpointOfItsOwnJob() throws Exception {
    Path older = checkpoint("surveys", "a1", 3, T0, false);
    Path newest = checkpoint("surveys", "b2", 7, T0.plusSeconds(60), false);
    Files.createDirectories(dir.resolve("surveys/b2/chk-8")); // in progress when the job died: no _metadata
    checkpoint("surveys", "c3", 9, T0.plusSeconds(120), true); // cut short: unreadable metadata
    checkpoint("interactions", "d4", 99, T0.plusSeconds(600), false); // another job's, newer

    assertThat(RetainedCheckpoints.latest(jobDir("surveys"))).hasValueSatisfying(p -> assertThat(p).endsWith("/surveys/b2/chk-7"));
    assertThat(RetainedCheckpoints.latest(jobDir("interactions"))).hasValueSatisfying(p -> assertThat(p).endsWith("/chk-99"));
    assertThat(RetainedCheckpoints.latest(jobDir("churn"))).isEmpty();

    Files.delete(newest.resolve("_metadata"));
    assertThat(RetainedCheckpoints.latest(jobDir("surveys"))).hasValueSatisfying(p -> assertThat(p).endsWith("/surveys/a1/chk-3"));
    assertThat(older).exists();
  }

  @Test
  void resumeSetsTheRestorePathAndKeepsCheckpointsPerJobOnCancellation() throws Exception {
    checkpoint("surveys", "b2", 7, T0, false);
    JobOptions options = parse("--checkpoint-dir", dir.toUri().toString(), "--resume");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    options.configure(env, "surveys");

    assertThat(env.getConfiguration().get(StateRecoveryOptions.SAVEPOINT_PATH)).endsWith("/surveys/b2/chk-7");
    assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(jobDir("surveys"));
    assertThat(env.getConfiguration().get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
        .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
  }

  @Test
  void aLocalRunWithoutCheckpointDirCheckpointsToATemporaryDirectoryNotJobManagerMemory() throws Exception {
    StreamExecutionEnvironment local = StreamExecutionEnvironment.createLocalEnvironment();
    parse().configure(local, "churn");
    assertThat(local.getConfiguration().get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
    Path checkpoints = Path.of(java.net.URI.create(local.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)));
    assertThat(checkpoints).isDirectory();
    assertThat(checkpoints.getFileName().toString()).startsWith("cx-checkpoints-churn-");
    assertThat(local.getConfiguration().getOptional(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
        .as("nothing is kept for a resume").isEmpty();

    StreamExecutionEnvironment cluster = new StreamExecutionEnvironment(new org.apache.flink.configuration.Configuration());
    parse().configure(cluster, "churn");
    assertThat(cluster.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .as("submitted to a cluster, its configuration applies").isEmpty();
  }

  @Test
  void resumeWithNothingToResumeFromStartsFresh() throws Exception {
    JobOptions options = parse("--checkpoint-dir", dir.toUri().toString(), "--resume");
    assertThat(options.restorePath("churn")).isEmpty();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    options.configure(env, "churn");
    assertThat(env.getConfiguration().getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
  }

  @Test
  void fromSavepointTakesTheGivenPathAndRefusesAMissingOne() throws Exception {
    Path chk = checkpoint("surveys", "b2", 7, T0, false);
    assertThat(parse("--from-savepoint", chk.toString()).restorePath("surveys")).isEqualTo(Optional.of(chk.toString()));
    assertThat(parse("--from-savepoint", chk.resolve("_metadata").toString()).restorePath("surveys")).isPresent();

    assertThatThrownBy(() -> parse("--from-savepoint", dir.resolve("nowhere").toString()))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("no savepoint or checkpoint there");
    assertThatThrownBy(() -> parse("--resume"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--resume needs --checkpoint-dir");
    assertThatThrownBy(() -> parse("--resume", "--checkpoint-dir", dir.toString(), "--from-savepoint", chk.toString()))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("exclude each other");
  }

  private String jobDir(String job) {
    return RetainedCheckpoints.jobDirectory(dir.toUri().toString(), job);
  }

  /** A checkpoint directory with the fixture's metadata (cut in half when {@code broken}), written at {@code time}. */
  private Path checkpoint(String job, String flinkJobId, int id, Instant time, boolean broken) throws Exception {
    Path chk = Files.createDirectories(dir.resolve(job).resolve(flinkJobId).resolve("chk-" + id));
    byte[] metadata;
    try (InputStream in = getClass().getResourceAsStream("/savepoints/pre-layout/surveys/_metadata")) {
      metadata = in.readAllBytes();
    }
    Path file = chk.resolve("_metadata");
    Files.write(file, broken ? java.util.Arrays.copyOf(metadata, metadata.length / 2) : metadata);
    Files.setLastModifiedTime(file, FileTime.from(time));
    return chk;
  }

  private static JobOptions parse(String... args) {
    JobOptions options = new JobOptions();
    CommandLine cmd = new CommandLine(options);
    cmd.parseArgs(args);
    options.validate(cmd);
    return options;
  }
}
