package io.meshlet.core.telemetry;

import io.meshlet.core.Mesh;
import io.meshlet.core.MeshTesting;
import io.meshlet.core.pipeline.OutboundCall;
import io.meshlet.core.pipeline.Routed;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.ManualTime;
import io.meshlet.core.security.Call;
import java.nio.file.Path;
import java.time.Duration;

/** A mesh for productpage with a reviews service (two labelled endpoints), and calls driven as an adapter drives them. */
final class TelemetryFixture {
  static final String YAML = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints:
        - address: 10.0.0.1
          labels: {app: reviews, version: v1, service.istio.io/workload-name: reviews-v1, topology.istio.io/cluster: Kubernetes}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - name: main
          route: [{destination: {host: reviews}}]
          retries: {attempts: 2, retryOn: 5xx}
      """;

  private TelemetryFixture() {}

  static Path config(Path dir, String extra) {
    return MeshTesting.write(dir.resolve("mesh.yaml"), YAML + (extra.isEmpty() ? "" : "---\n" + extra));
  }

  static Mesh.Builder mesh(Path dir, String extra, ManualTime time) {
    return MeshTesting.mesh(config(dir, extra)).time(time);
  }

  /** A plaintext {@code GET path} to reviews from 10.0.0.9 with the given header name/value pairs. */
  static Call inbound(String path, String... headerPairs) {
    Call c = Call.plain().request("GET", path);
    for (int i = 0; i < headerPairs.length; i += 2) {
      c = c.header(headerPairs[i], headerPairs[i + 1]);
    }
    return c;
  }

  /** One outbound call through the pipeline: each status one try, {@code tryMillis} apart. */
  static void call(Mesh mesh, ManualTime time, String url, long tryMillis, int... statuses) {
    Routed routed = mesh.pipeline().outbound(MeshTesting.get(url), null);
    if (!(routed instanceof OutboundCall)) {
      return;
    }
    OutboundCall call = (OutboundCall) routed;
    try {
      if (call.admit() != null) {
        return;
      }
      for (int status : statuses) {
        if (call.startTry() != null) {
          return;
        }
        time.advance(Duration.ofMillis(tryMillis));
        long retryIn = call.onResult(AttemptResult.status(status));
        if (retryIn < 0) {
          break;
        }
        time.advance(Duration.ofNanos(retryIn));
      }
      call.reportBytes(10, 2000);
    } finally {
      call.end();
    }
  }
}
