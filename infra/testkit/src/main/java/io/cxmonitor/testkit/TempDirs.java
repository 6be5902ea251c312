package io.cxmonitor.testkit;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Creates and deletes the servers' temporary directories. */
final class TempDirs {
  private TempDirs() {}

  /** Creates a fresh directory under {@code java.io.tmpdir}, named {@code prefix<random>}. */
  static Path create(String prefix) throws IOException {
    return Files.createTempDirectory(prefix);
  }

  /**
   * Deletes {@code dir} and everything below it, best effort: files that cannot be deleted (for
   * example because a process still writes them) are skipped.
   *
   * @return true if the directory is gone afterwards
   */
  static boolean delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return true;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          deleteQuietly(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) {
          deleteQuietly(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // walkFileTree reports per-file problems to the visitor; anything else: leave the rest
    }
    return !Files.exists(dir);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }
}
