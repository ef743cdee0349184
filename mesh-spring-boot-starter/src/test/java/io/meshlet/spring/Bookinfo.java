package io.meshlet.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Real backends on loopback (reviews v1, v2, v3 and ratings) and the Istio YAML that routes to them.
 * Each reviews backend answers a GET with {@code {"id":N,"version":"vX"}} and a POST with its body; ratings fails the number of calls
 * {@link Server#failNext} says with 503, then answers {@code 5}.
 */
final class Bookinfo {
  static final Server V1 = new Server("v1");
  static final Server V2 = new Server("v2");
  static final Server V3 = new Server("v3");
  static final Server RATINGS = new Server("ratings");

  private Bookinfo() {}

  static String yaml() {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - name: jason-gets-v2
            match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - name: kim-gets-v3
            match: [{headers: {end-user: {exact: kim}}}]
            route: [{destination: {host: reviews, subset: v3}}]
          - name: everyone-else
            route: [{destination: {host: reviews, subset: v1}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 127.0.0.1, ports: {http: %d}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          http:
          - match: [{uri: {prefix: /ratings/}}]
            route: [{destination: {host: ratings}}]
            retries: {attempts: 2, retryOn: 5xx}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-denied}
        spec:
          selector: {matchLabels: {app: productpage}}
          action: DENY
          rules: [{to: [{operation: {paths: [/denied]}}]}]
        """.formatted(V1.port(), V2.port(), V3.port(), RATINGS.port());
  }

  /** Writes {@code yaml} to {@code file} as Kubernetes updates a ConfigMap: a temporary file, then a rename. */
  static Path write(Path file, String yaml) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".mesh", ".tmp");
      Files.writeString(tmp, yaml);
      return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One backend: a MockWebServer that records what it received. */
  static final class Server {
    final String name;
    final MockWebServer server = new MockWebServer();
    final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failNext = new AtomicInteger();

    Server(String name) {
      this.name = name;
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          received.add(request);
          if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new MockResponse.Builder().code(503).body("unavailable").build();
          }
          if (request.getMethod().equals("POST")) {
            return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(request.getBody().utf8()).build();
          }
          String path = request.getUrl().encodedPath();
          String id = path.substring(path.lastIndexOf('/') + 1);
          String body = name.equals("ratings") ? "5" : "{\"id\":" + id + ",\"version\":\"" + name + "\"}";
          return new MockResponse.Builder().code(200)
              .setHeader("Content-Type", name.equals("ratings") ? "text/plain" : "application/json")
              .body(body).build();
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
  }
}
