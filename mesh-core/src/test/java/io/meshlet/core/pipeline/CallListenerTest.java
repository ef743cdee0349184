package io.meshlet.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.MeshTesting;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.ManualTime;
import io.meshlet.core.security.Call;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event SPI: what listeners hear, in which order, and that a throwing listener fails nothing. */
class CallListenerTest {
  @TempDir Path dir;
  Mesh mesh;
  final ManualTime time = new ManualTime();
  final List<String> heard = new ArrayList<>();

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  private MeshPipeline pipeline(CallListener... listeners) {
    Path file = MeshTesting.write(dir.resolve("mesh.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 10.0.0.1, labels: {version: v1}}, {address: 10.0.0.2, labels: {version: v1}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - name: limited
            match: [{uri: {prefix: /none}}]
            directResponse: {status: 418}
          - name: main
            route: [{destination: {host: reviews}}]
            retries: {attempts: 2, retryOn: 5xx}
        """);
    Mesh.Builder b = MeshTesting.mesh(file).time(time);
    for (CallListener l : listeners) {
      b.callListener(l);
    }
    mesh = b.build();
    return mesh.pipeline();
  }

  /** Records every event with what a listener would read at that point. */
  final class Recorder implements CallListener {
    @Override
    public void onCallStart(OutboundEvent call) {
      heard.add("callStart " + call.routeName() + " " + (call.cluster() == null ? "-" : call.cluster().name()));
    }

    @Override
    public void onTryStart(OutboundEvent call) {
      heard.add("tryStart " + call.tries() + " " + call.endpoint().hostPort());
      call.addTryHeader("x-try", Integer.toString(call.tries()));
    }

    @Override
    public void onTryEnd(OutboundEvent call) {
      heard.add("tryEnd " + call.tries() + " " + call.tryResult());
    }

    @Override
    public void onCallEnd(OutboundEvent call) {
      heard.add("callEnd " + call.status() + " " + call.flags() + " " + call.requestBytes() + "/" + call.responseBytes()
          + " " + Duration.ofNanos(call.durationNanos()).toMillis() + "ms");
    }

    @Override
    public @Nullable Scoped onInboundStart(InboundEvent call) {
      heard.add("inboundStart " + call.allowed() + " " + call.protocol());
      return () -> {
        heard.add("attach");
        return () -> heard.add("detach");
      };
    }

    @Override
    public void onInboundEnd(InboundEvent call) {
      heard.add("inboundEnd " + call.status() + " " + call.responseBytes());
    }
  }

  @Test
  void aRetriedCallIsHeardTryByTryWithItsOutcomeBytesAndDuration() {
    MeshPipeline p = pipeline(new Recorder());
    OutboundCall call = (OutboundCall) p.outbound(MeshTesting.get("http://reviews:9080/r"), null);
    assertThat(call.admit()).isNull();
    List<String> tryHeaders = new ArrayList<>();
    assertThat(call.startTry()).isNull();
    call.forEachTryHeader((k, v) -> tryHeaders.add(k + "=" + v));
    time.advance(Duration.ofMillis(5));
    long retryIn = call.onResult(AttemptResult.status(503));
    assertThat(retryIn).isNotNegative();
    time.advance(Duration.ofNanos(retryIn));
    assertThat(call.startTry()).isNull();
    call.forEachTryHeader((k, v) -> tryHeaders.add(k + "=" + v));
    time.advance(Duration.ofMillis(7));
    assertThat(call.onResult(AttemptResult.status(200))).isNegative();
    call.reportBytes(12, 345);
    call.end();
    assertThat(heard).hasSize(6);
    assertThat(heard.get(0)).isEqualTo("callStart main outbound|9080||reviews.default.svc.cluster.local");
    assertThat(heard.get(1)).startsWith("tryStart 1 10.0.0.");
    assertThat(heard.get(2)).isEqualTo("tryEnd 1 503");
    assertThat(heard.get(3)).startsWith("tryStart 2 10.0.0.").isNotEqualTo(heard.get(1));
    assertThat(heard.get(4)).isEqualTo("tryEnd 2 200");
    long millis = Duration.ofMillis(12).plusNanos(retryIn).toMillis();
    assertThat(heard.get(5)).as("the whole call: both tries and the backoff").isEqualTo("callEnd 200 - 12/345 " + millis + "ms");
    assertThat(tryHeaders).as("headers listeners add go with their own try only").containsExactly("x-try=1", "x-try=2");
  }

  @Test
  void callsTheMeshAnswersItselfAreHeardWithStatusAndFlags() {
    MeshPipeline p = pipeline(new Recorder());
    p.outbound(MeshTesting.get("http://reviews:9080/none"), null);
    OutboundCall call = (OutboundCall) p.outbound(MeshTesting.get("http://reviews:9080/r"), null);
    call.admit();
    call.startTry();
    call.onResult(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE));
    call.startTry();
    call.onResult(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE));
    call.startTry();
    assertThat(call.onResult(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE))).isNegative();
    call.failure(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE), null);
    call.end();
    assertThat(heard.get(0)).isEqualTo("callStart limited -");
    assertThat(heard).filteredOn(s -> s.startsWith("callEnd")).containsExactly(
        "callEnd 418 - 0/0 0ms", "callEnd 503 UF,URX 0/0 0ms");
  }

  @Test
  void aThrowingListenerFailsNothingAndTheOthersStillHear() {
    CallListener broken = new CallListener() {
      @Override
      public void onCallStart(OutboundEvent call) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void onCallEnd(OutboundEvent call) {
        throw new IllegalStateException("boom");
      }

      @Override
      public @Nullable Object captureContext() {
        throw new IllegalStateException("boom");
      }
    };
    MeshPipeline p = pipeline(broken, new Recorder());
    OutboundCall call = (OutboundCall) p.outbound(MeshTesting.get("http://reviews:9080/r"), null, p.captureContext());
    call.admit();
    call.startTry();
    call.onResult(AttemptResult.status(200));
    call.end();
    assertThat(heard).first().asString().startsWith("callStart main");
    assertThat(heard).last().asString().startsWith("callEnd 200");
  }

  @Test
  void inboundCallsAreHeardWithTheirScopeAndEnd() {
    MeshPipeline p = pipeline(new Recorder());
    InboundVerdict v = p.inbound(Call.plain(), null);
    assertThat(v.allowed()).isTrue();
    try (CallListener.Scope s = v.attachContext()) {
      heard.add("app");
    }
    v.end(201, 3, 17);
    v.end(500, 0, 0);
    assertThat(heard).containsExactly("inboundStart true http", "attach", "app", "detach", "inboundEnd 201 17");
  }

  @Test
  void withoutListenersNoEventIsBuilt() {
    MeshPipeline p = pipeline();
    assertThat(p.hasListeners()).isFalse();
    assertThat(p.captureContext()).isNull();
    assertThat(p.inbound(Call.plain(), null).event()).isNull();
    OutboundCall call = (OutboundCall) p.outbound(MeshTesting.get("http://reviews:9080/r"), null);
    assertThat(call.observed()).isFalse();
    call.end();
  }
}
