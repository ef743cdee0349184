package io.meshlet.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.MeshTesting;
import io.meshlet.core.OutboundTrafficPolicy;
import io.meshlet.core.explain.ExplainRequest;
import io.meshlet.core.model.GrpcCode;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.ManualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's decisions, transport-neutral: what every adapter carries out. */
class MeshPipelineTest {
  @TempDir Path dir;
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  private MeshPipeline pipeline(String http, OutboundTrafficPolicy policy, ManualTime time) {
    Path file = MeshTesting.write(dir.resolve("mesh.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 10.0.0.1}, {address: 10.0.0.2}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
        %s""".formatted(http));
    mesh = MeshTesting.mesh(file).outboundTrafficPolicy(policy).time(time).build();
    return mesh.pipeline();
  }

  private static ExplainRequest get(String url, String... headers) {
    return MeshTesting.get(url, headers);
  }

  private static ExplainRequest grpc(String path) {
    return ExplainRequest.of("POST", "http://reviews:9080" + path, Map.of("content-type", "application/grpc"));
  }

  @Test
  void aPassthroughCallIsOneTryThatListenersHearAndTheAdapterReports() {
    Path file = MeshTesting.write(dir.resolve("mesh.yaml"), "");
    ManualTime time = new ManualTime();
    java.util.List<String> heard = new java.util.ArrayList<>();
    mesh = MeshTesting.mesh(file).time(time).callListener(new CallListener() {
      @Override
      public void onCallStart(OutboundEvent call) {
        heard.add("start " + call.passthrough() + " " + call.cluster() + " " + call.serviceHost());
      }

      @Override
      public void onTryStart(OutboundEvent call) {
        heard.add("try " + call.tries() + " " + call.endpoint());
        call.addTryHeader("traceparent", "00-x");
      }

      @Override
      public void onTryEnd(OutboundEvent call) {
        heard.add("try end " + call.tryResult());
      }

      @Override
      public void onCallEnd(OutboundEvent call) {
        heard.add("end " + call.status() + " " + call.flags() + " " + call.durationNanos() / 1_000_000 + "ms "
            + call.requestBytes() + "/" + call.responseBytes());
      }
    }).build();
    Passthrough p = (Passthrough) mesh.pipeline().outbound(get("http://api.example.com/x"), null);
    assertThat(p).isNotSameAs(Passthrough.INSTANCE);
    assertThat(p.observed()).isTrue();
    Map<String, String> sent = new java.util.HashMap<>();
    p.startTry();
    p.forEachTryHeader(sent::put);
    time.advance(Duration.ofMillis(4));
    p.cancelled();
    p.complete(AttemptResult.failure(AttemptResult.Failure.RESET));
    p.reportBytes(7, -1);
    p.end();
    p.end();
    assertThat(sent).containsEntry("traceparent", "00-x");
    assertThat(heard).containsExactly("start true null api.example.com", "try 1 null", "try end reset",
        "end 503 UC,DC 4ms 7/0");
  }

  @Test
  void aPassthroughNoListenerHearsIsTheSharedInertOne() {
    MeshPipeline p = pipeline("", OutboundTrafficPolicy.ALLOW_ANY, new ManualTime());
    Passthrough pass = (Passthrough) p.outbound(get("http://api.example.com/"), null);
    assertThat(pass).isSameAs(Passthrough.INSTANCE);
    assertThat(pass.observed()).isFalse();
    pass.startTry();
    pass.complete(AttemptResult.status(200));
    pass.end();
  }

  @Test
  void eachKindOfDecision() {
    MeshPipeline p = pipeline("""
          - match: [{uri: {prefix: /limited}}]
            route: [{destination: {host: reviews}}]
          - match: [{uri: {prefix: /direct}}]
            directResponse: {status: 418, body: {string: teapot}}
          - match: [{uri: {prefix: /moved}}]
            redirect: {uri: /new}
          - match: [{uri: {prefix: /reviews}}]
            route: [{destination: {host: reviews}}]
        """, OutboundTrafficPolicy.ALLOW_ANY, new ManualTime());
    assertThat(p.outbound(get("http://example.com/"), null)).isSameAs(Passthrough.INSTANCE);
    CallFailure nr = (CallFailure) p.outbound(get("http://reviews:9080/other"), null);
    assertThat(nr.flag()).isEqualTo(ResponseFlag.NR);
    assertThat(nr.toString()).startsWith("no route for GET http://reviews:9080/other in VirtualService").endsWith("(NR)");
    LocalReply direct = (LocalReply) p.outbound(get("http://reviews:9080/direct"), null);
    assertThat(direct.status()).isEqualTo(418);
    assertThat(direct.message()).isEqualTo("teapot");
    assertThat(direct.effectiveGrpcCode()).isEqualTo(GrpcCode.UNKNOWN);
    assertThat(((Redirect) p.outbound(get("http://reviews:9080/moved"), null)).code()).isEqualTo(301);
    OutboundCall call = (OutboundCall) p.outbound(get("http://reviews:9080/reviews/1"), null);
    assertThat(call.cluster().name()).isEqualTo("outbound|9080||reviews.default.svc.cluster.local");
    assertThat(call.path()).isEqualTo("/reviews/1");
    assertThat(call.isGrpc()).isFalse();
    call.end();
  }

  @Test
  void registryOnlyFailsAnUnknownHostWithBlocked() {
    MeshPipeline p = pipeline("  - route: [{destination: {host: reviews}}]\n", OutboundTrafficPolicy.REGISTRY_ONLY, new ManualTime());
    CallFailure f = (CallFailure) p.outbound(get("http://example.com/"), null);
    assertThat(f.flag()).isEqualTo(ResponseFlag.BLOCKED);
    assertThat(f.flags()).isEqualTo(ResponseFlags.of(ResponseFlag.BLOCKED));
  }

  @Test
  void aGrpcCallIsRetriedOnUnavailableToAnotherEndpointAfterTheBackoffAndAPostIsNot() {
    ManualTime time = new ManualTime();
    MeshPipeline p = pipeline("  - route: [{destination: {host: reviews}}]\n", OutboundTrafficPolicy.ALLOW_ANY, time);
    OutboundCall call = (OutboundCall) p.outbound(grpc("/pkg.Reviews/Get"), null);
    assertThat(call.isGrpc()).isTrue();
    assertThat(call.faultDelay()).isNull();
    assertThat(call.admit()).isNull();
    assertThat(call.startTry()).isNull();
    String first = call.endpoint().hostPort();
    long retryIn = call.onResult(AttemptResult.grpc(GrpcCode.UNAVAILABLE));
    assertThat(retryIn).as("Istio's default retries UNAVAILABLE after a backoff").isPositive();
    assertThat(call.startTry()).isNull();
    assertThat(call.endpoint().hostPort()).isNotEqualTo(first);
    assertThat(call.onResult(AttemptResult.grpc(GrpcCode.OK))).isNegative();
    assertThat(call.flags().isEmpty()).isTrue();
    call.end();

    OutboundCall post = (OutboundCall) p.outbound(ExplainRequest.of("POST", "http://reviews:9080/reviews", Map.of()), null);
    assertThat(post.admit()).isNull();
    assertThat(post.startTry()).isNull();
    assertThat(post.onResult(AttemptResult.status(503))).as("an HTTP POST is not retried").isNegative();
    post.end();
  }

  @Test
  void theCallersDeadlineBoundsTriesAndAPassedOneFailsWithUt() {
    ManualTime time = new ManualTime();
    MeshPipeline p = pipeline("  - route: [{destination: {host: reviews}}]\n    timeout: 10s\n", OutboundTrafficPolicy.ALLOW_ANY, time);
    OutboundCall call = (OutboundCall) p.outbound(get("http://reviews:9080/r"), Deadline.after(Duration.ofSeconds(2), time));
    assertThat(call.admit()).isNull();
    assertThat(call.startTry()).isNull();
    assertThat(call.tryTimeout()).as("the caller's 2 s, not the route's 10 s").isEqualTo(Duration.ofSeconds(2));
    call.onResult(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE));
    time.advance(Duration.ofSeconds(3));
    CallFailure late = call.startTry();
    assertThat(late.flag()).isEqualTo(ResponseFlag.UT);
    assertThat(late.message()).startsWith("deadline passed before try 2 to outbound|9080||reviews");
    call.end();
  }

  @Test
  void aFaultDelayIsFlaggedAndAnAbortCarriesItsGrpcStatus() {
    MeshPipeline p = pipeline("""
          - route: [{destination: {host: reviews}}]
            fault:
              delay: {fixedDelay: 5s, percentage: {value: 100}}
              abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}
        """, OutboundTrafficPolicy.ALLOW_ANY, new ManualTime());
    OutboundCall call = (OutboundCall) p.outbound(grpc("/pkg.Reviews/Get"), null);
    assertThat(call.faultDelay()).isEqualTo(Duration.ofSeconds(5));
    LocalReply abort = call.admit();
    assertThat(abort.flags().toString()).isEqualTo("DI,FI");
    assertThat(abort.effectiveGrpcCode()).isEqualTo(GrpcCode.UNAVAILABLE);
    assertThat(abort.status()).isEqualTo(503);
    call.end();
  }
}
