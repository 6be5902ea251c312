package io.cxmonitor.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets a process (and its children) listens on, from Linux's {@code /proc}: the socket
 * inodes among the process's open files, matched against {@code /proc/<pid>/net/tcp} and {@code tcp6}.
 */
final class ProcessSockets {
  private ProcessSockets() {}

  /** A listening socket: its local address ({@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::} ...) and port. */
  record Listener(long pid, String address, int port) {
    boolean loopback() {
      return address.startsWith("127.") || address.equals("::1");
    }

    @Override
    public String toString() {
      return address + ":" + port + " (pid " + pid + ")";
    }
  }

  static boolean available() {
    return Files.isReadable(Path.of("/proc/self/net/tcp"));
  }

  /** The listeners of {@code process} and of every process it started. */
  static List<Listener> of(ProcessHandle process) throws IOException {
    List<Listener> out = new ArrayList<>();
    for (ProcessHandle p : Stream.concat(Stream.of(process), process.descendants()).toList()) {
      out.addAll(ofPid(p.pid()));
    }
    return out;
  }

  private static List<Listener> ofPid(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor was closed between listing and reading: not a listener any more
        }
      }
    } catch (IOException processGone) {
      return List.of();
    }
    List<Listener> out = new ArrayList<>();
    for (String file : List.of("tcp", "tcp6")) {
      Path table = Path.of("/proc/" + pid + "/net/" + file);
      if (!Files.isReadable(table)) {
        continue;
      }
      List<String> lines = Files.readAllLines(table);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if ("0A".equals(f[3]) && inodes.contains(f[9])) {
          out.add(new Listener(pid, address(local[0]), Integer.parseInt(local[1], 16)));
        }
      }
    }
    return out;
  }

  private static String address(String hex) {
    if (hex.length() == 8) { // IPv4, little-endian
      long v = Long.parseLong(hex, 16);
      return (v & 0xff) + "." + (v >> 8 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 24 & 0xff);
    }
    if (hex.equals("00000000000000000000000000000000")) {
      return "::";
    }
    if (hex.equals("00000000000000000000000001000000")) {
      return "::1";
    }
    if (hex.startsWith("0000000000000000FFFF0000")) { // IPv4-mapped, as Java binds on a dual-stack host
      return address(hex.substring(24));
    }
    return hex.toLowerCase(Locale.ROOT);
  }
}
