package io.cxmonitor.testkit;

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
 * TCP sockets in LISTEN state, read from Linux's {@code /proc}: on a port (the machine's tables)
 * or of a process and its children (the socket inodes among their open files), so tests can
 * assert that servers and jobs listen on loopback only.
 */
public final class ListeningSockets {
  private ListeningSockets() {}

  /** A listening socket: its local address ({@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::} ...) and port. */
  public record Listener(long pid, String address, int port) {
    public boolean loopback() {
      return address.startsWith("127.") || address.equals("::1");
    }

    @Override
    public String toString() {
      return address + ":" + port + (pid < 0 ? "" : " (pid " + pid + ")");
    }
  }

  /** One row of a {@code /proc/.../net/tcp} table in LISTEN state. */
  private record Row(String address, int port, String inode) {}

  /** True where {@code /proc/self/net/tcp} exists (Linux). */
  public static boolean available() {
    return Files.isReadable(Path.of("/proc/self/net/tcp"));
  }

  /**
   * Local addresses of the listening sockets on {@code port}, e.g. {@code 127.0.0.1},
   * {@code 0.0.0.0} or {@code ::} (the last two mean every interface). IPv4-mapped IPv6 addresses
   * ({@code ::ffff:127.0.0.1}) are reported as IPv4.
   */
  public static List<String> addressesListeningOn(int port) throws IOException {
    List<String> out = new ArrayList<>();
    for (Row r : rows("/proc/net")) {
      if (r.port() == port) {
        out.add(r.address());
      }
    }
    return out;
  }

  /** The listeners of {@code process} and of every process it started. */
  public static List<Listener> of(ProcessHandle process) throws IOException {
    List<Listener> out = new ArrayList<>();
    for (ProcessHandle p : Stream.concat(Stream.of(process), process.descendants()).toList()) {
      Set<String> inodes = socketInodes(p.pid());
      for (Row r : rows("/proc/" + p.pid() + "/net")) {
        if (inodes.contains(r.inode())) {
          out.add(new Listener(p.pid(), r.address(), r.port()));
        }
      }
    }
    return out;
  }

  private static Set<String> socketInodes(long pid) {
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
      // the process ended: it listens on nothing
    }
    return inodes;
  }

  private static List<Row> rows(String netDir) throws IOException {
    List<Row> out = new ArrayList<>();
    for (String file : List.of("tcp", "tcp6")) {
      Path table = Path.of(netDir, file);
      if (!Files.isReadable(table)) {
        continue;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException processGone) {
        continue;
      }
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if ("0A".equals(f[3])) {
          out.add(new Row(address(local[0]), Integer.parseInt(local[1], 16), f[9]));
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
