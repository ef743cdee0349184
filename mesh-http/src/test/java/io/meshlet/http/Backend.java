package io.meshlet.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import java.util.concurrent.TimeUnit;

/** A real HTTP server on loopback that answers with its own name and remembers what it received. */
final class Backend implements AutoCloseable {
  final String name;
  final MockWebServer server = new MockWebServer();
  final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
  /** What the backend does with the next requests; switch it at any time. */
  volatile Behavior behavior = Behavior.OK;
  volatile int status = 503;
  volatile long delayMillis;
  private final CountDownLatch released = new CountDownLatch(1);

  /** What a backend does with a request. */
  enum Behavior {
    OK,
    /** Answers {@link #status} (after {@link #delayMillis}, if set). */
    STATUS,
    /** Accepts the request and never answers. */
    HANG,
    /** Closes the connection without answering. */
    RESET,
    /** Answers 200 after {@link #delayMillis}. */
    SLOW,
    /** Answers 200 once {@link #release()} is called (or the backend closes). */
    HOLD
  }

  Backend(String name) {
    this.name = name;
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        received.add(request);
        MockResponse.Builder b = new MockResponse.Builder()
            .code(200)
            .setHeader("x-backend", name)
            .setHeader("x-upstream-only", "secret")
            .body(name);
        switch (behavior) {
          case STATUS:
            return (delayMillis > 0 ? b.headersDelay(delayMillis, TimeUnit.MILLISECONDS) : b).code(status).build();
          case HANG:
            return b.onResponseStart(SocketEffect.Stall.INSTANCE).build();
          case RESET:
            return b.onResponseStart(new SocketEffect.CloseSocket()).build();
          case SLOW:
            return b.headersDelay(delayMillis, TimeUnit.MILLISECONDS).build();
          case HOLD:
            try {
              released.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return b.build();
          case OK:
          default:
            return b.build();
        }
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

  Backend respond(int code) {
    this.status = code;
    this.behavior = Behavior.STATUS;
    return this;
  }

  Backend behave(Behavior b) {
    this.behavior = b;
    return this;
  }

  /** Lets the requests {@link Behavior#HOLD} holds (and any later ones) answer. */
  void release() {
    released.countDown();
  }

  int hits() {
    return received.size();
  }

  RecordedRequest last() {
    return received.get(received.size() - 1);
  }

  @Override
  public void close() {
    release();
    server.close();
  }
}
