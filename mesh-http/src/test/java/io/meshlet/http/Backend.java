package io.meshlet.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** A real HTTP server on loopback that answers with its own name and remembers what it received. */
final class Backend implements AutoCloseable {
  final String name;
  final MockWebServer server = new MockWebServer();
  final List<RecordedRequest> received = new CopyOnWriteArrayList<>();

  Backend(String name) {
    this.name = name;
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        received.add(request);
        return new MockResponse.Builder()
            .code(200)
            .setHeader("x-backend", name)
            .setHeader("x-upstream-only", "secret")
            .body(name)
            .build();
      }
    });
    try {
      server.start(InetAddress.getLoopbackAddress(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getPort();
  }

  RecordedRequest last() {
    return received.get(received.size() - 1);
  }

  @Override
  public void close() {
    server.close();
  }
}
