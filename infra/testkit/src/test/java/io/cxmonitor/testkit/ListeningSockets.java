package io.cxmonitor.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the TCP sockets in LISTEN state from Linux's {@code /proc/net/tcp} and {@code tcp6}. */
final class ListeningSockets {
  private ListeningSockets() {}

  /** True where {@code /proc/net/tcp} exists (Linux). */
  static boolean available() {
    return Files.isReadable(Path.of("/proc/net/tcp"));
  }

  /**
   * Local addresses of the listening sockets on {@code port}, e.g. {@code 127.0.0.1},
   * {@code 0.0.0.0} or {@code ::} (the last two mean every interface). IPv4-mapped IPv6 addresses
   * ({@code ::ffff:127.0.0.1}) are reported as IPv4.
   */
  static List<String> addressesListeningOn(int port) throws IOException {
    List<String> out = new ArrayList<>();
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(file);
      if (!Files.isReadable(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if ("0A".equals(f[3]) && Integer.parseInt(local[1], 16) == port) {
          out.add(address(local[0]));
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
