package io.cxmonitor.platform.pipeline;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job's checkpoints live and which one it resumes from. Each job checkpoints under
 * {@code <checkpoint-dir>/<job>}, where Flink adds {@code <flink job id>/chk-<n>/_metadata}; every
 * run gets a new Flink job id, so the directory holds the retained checkpoints of all earlier runs
 * of this job and of no other. The newest complete one is the one whose {@code _metadata} was
 * written last and can be read back (a checkpoint cut short by a crash has none or a broken one).
 */
public final class RetainedCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(RetainedCheckpoints.class);
  private static final String METADATA = "_metadata";
  private static final String CHECKPOINT_PREFIX = "chk-";

  private RetainedCheckpoints() {}

  /** The directory of {@code job}'s checkpoints under {@code checkpointDir} (a URI or a path). */
  public static String jobDirectory(String checkpointDir, String job) {
    String base = checkpointDir.endsWith("/") ? checkpointDir.substring(0, checkpointDir.length() - 1) : checkpointDir;
    return base + "/" + job;
  }

  /** The newest complete checkpoint under {@code jobDirectory}, as its {@code chk-<n>} directory; empty if none. */
  public static Optional<String> latest(String jobDirectory) throws IOException {
    Path dir = new Path(jobDirectory);
    FileSystem fs = dir.getFileSystem();
    if (!fs.exists(dir)) {
      return Optional.empty();
    }
    List<Candidate> candidates = new ArrayList<>();
    for (FileStatus run : list(fs, dir)) {
      if (!run.isDir()) {
        continue;
      }
      for (FileStatus chk : list(fs, run.getPath())) {
        String name = chk.getPath().getName();
        Path metadata = new Path(chk.getPath(), METADATA);
        if (chk.isDir() && name.startsWith(CHECKPOINT_PREFIX) && fs.exists(metadata)) {
          candidates.add(new Candidate(chk.getPath(), fs.getFileStatus(metadata).getModificationTime(), idOf(name)));
        }
      }
    }
    candidates.sort(Comparator.comparingLong(Candidate::modified).thenComparingLong(Candidate::id).reversed());
    for (Candidate c : candidates) {
      if (readable(fs, c.dir())) {
        return Optional.of(c.dir().toString());
      }
    }
    return Optional.empty();
  }

  /** Whether {@code pathOrMetadata} (a savepoint or checkpoint directory, or its _metadata file) exists. */
  public static boolean exists(String pathOrMetadata) throws IOException {
    Path p = new Path(pathOrMetadata);
    FileSystem fs = p.getFileSystem();
    return fs.exists(p.getName().equals(METADATA) ? p : new Path(p, METADATA));
  }

  private record Candidate(Path dir, long modified, long id) {}

  /** A directory removed while it is listed (Flink subsumes old checkpoints) lists as empty. */
  private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
    FileStatus[] entries = fs.listStatus(dir);
    return entries == null ? new FileStatus[0] : entries;
  }

  private static long idOf(String name) {
    try {
      return Long.parseLong(name.substring(CHECKPOINT_PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean readable(FileSystem fs, Path checkpoint) {
    try (FSDataInputStream in = fs.open(new Path(checkpoint, METADATA))) {
      Checkpoints.loadCheckpointMetadata(new DataInputStream(in), RetainedCheckpoints.class.getClassLoader(),
          checkpoint.toString());
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("Checkpoint {} cannot be read back ({}); looking at an older one", checkpoint, e.toString());
      return false;
    }
  }
}
