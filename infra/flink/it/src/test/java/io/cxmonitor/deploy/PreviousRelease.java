package io.cxmonitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The job jar of an earlier commit of this repository, built from git history into a test's
 * temporary directory ({@code git archive} of the commit, then {@code mvn package} of the modules
 * the jar needs, tests skipped), so a test can run that release on the cluster. Nothing generated
 * is checked in; the clone needs the commit (a full clone, not {@code --depth}).
 */
final class PreviousRelease {
  static final Path REPO_DIR = Path.of(System.getProperty("cx.repo.dir", "../../..")).toAbsolutePath().normalize();
  private static final String MAVEN = System.getProperty("cx.maven", "mvn");
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);

  private PreviousRelease() {}

  /**
   * Builds the shaded job jar of {@code commit} in {@code work} and returns it; prints how long
   * the build took.
   */
  static Path jobJar(String commit, String why, Path work) throws Exception {
    Files.createDirectories(work);
    Path log = work.resolve("build.log");
    if (run(REPO_DIR, log, "git", "cat-file", "-e", commit + "^{commit}") != 0) {
      throw new AssertionError("Commit " + commit + " (" + why + ") is not in the clone at " + REPO_DIR + ": this test "
          + "builds that release's job jar from git history. Use a full clone (git clone without --depth, or "
          + "git fetch --unshallow).");
    }
    Path src = Files.createDirectories(work.resolve("src"));
    Path tar = work.resolve("src.tar");
    check(run(REPO_DIR, log, "git", "archive", "--format=tar", "-o", tar.toString(), commit), "git archive " + commit, log);
    check(run(src, log, "tar", "-xf", tar.toString()), "tar -xf " + tar, log);
    // The reactor modules the jar needs (jobs' test scope names the testkit); nothing is installed.
    // Offline first (the local repository usually has every artifact of a recent commit), else online.
    List<String> mvn = new ArrayList<>(List.of(MAVEN, "-B", "-q", "-o", "-pl", "schemas,infra/testkit,jobs", "package",
        "-Dmaven.test.skip=true", "-Djacoco.skip=true"));
    long start = System.nanoTime();
    if (run(src, log, mvn.toArray(String[]::new)) != 0) {
      mvn.remove("-o");
      check(run(src, log, mvn.toArray(String[]::new)), String.join(" ", mvn), log);
    }
    System.out.printf("Built the job jar of %s (%s) in %d s%n", commit, why, Duration.ofNanos(System.nanoTime() - start).toSeconds());
    try (Stream<Path> jars = Files.list(src.resolve("jobs/target"))) {
      List<Path> found = jars.filter(p -> p.getFileName().toString().endsWith("-job.jar")).toList();
      assertThat(found).as("the job jar of %s in %s", commit, src.resolve("jobs/target")).hasSize(1);
      return found.get(0);
    }
  }

  private static int run(Path dir, Path log, String... cmd) throws Exception {
    Files.writeString(log, "$ " + String.join(" ", cmd) + "\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", cmd) + " did not end within " + BUILD_TIMEOUT + "; output in " + log);
    }
    return p.exitValue();
  }

  private static void check(int exit, String what, Path log) throws Exception {
    assertThat(exit).as("%s ended with %d:%n%s", what, exit, Files.readString(log)).isZero();
  }
}
