package io.meshlet.samples.bookinfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports, picked before anything starts so that every URL is known up front. */
final class Ports {
  private final Set<Integer> taken = new HashSet<>();

  /** {@code wanted} itself, or a free port when it is 0. */
  int pick(int wanted) {
    if (wanted != 0) {
      taken.add(wanted);
      return wanted;
    }
    for (int i = 0; i < 50; i++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        if (taken.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("no free loopback port", e);
      }
    }
    throw new IllegalStateException("no free loopback port after 50 tries");
  }
}
