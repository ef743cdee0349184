package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A state-of-the-world ADS stream driven by hand (requests sent, responses queued), for tests that NACK. */
final class RawAds implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
  private final StreamObserver<DiscoveryRequest> requests;

  RawAds(ManagedChannel channel) {
    requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse value) {
        responses.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
  }

  /** A node as istio-agent describes it: id, NAMESPACE, LABELS and {@code extra} string metadata. */
  static Node node(String id, String namespace, Map<String, String> labels, Map<String, String> extra) {
    Struct.Builder l = Struct.newBuilder();
    labels.forEach((k, v) -> l.putFields(k, Value.newBuilder().setStringValue(v).build()));
    Struct.Builder m = Struct.newBuilder()
        .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
        .putFields("LABELS", Value.newBuilder().setStructValue(l).build());
    extra.forEach((k, v) -> m.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return Node.newBuilder().setId(id).setMetadata(m).build();
  }

  void send(DiscoveryRequest r) {
    requests.onNext(r);
  }

  DiscoveryResponse next() throws InterruptedException {
    DiscoveryResponse r = responses.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(r).as("a response within %s", WAIT).isNotNull();
    return r;
  }

  /** An ACK of {@code response}: its nonce and version. */
  static DiscoveryRequest ack(DiscoveryResponse response) {
    return DiscoveryRequest.newBuilder().setTypeUrl(response.getTypeUrl()).setVersionInfo(response.getVersionInfo())
        .setResponseNonce(response.getNonce()).build();
  }

  /** A NACK of {@code response}: its nonce, the version the client keeps, and why. */
  static DiscoveryRequest nack(DiscoveryResponse response, String kept, String message) {
    return DiscoveryRequest.newBuilder().setTypeUrl(response.getTypeUrl()).setVersionInfo(kept)
        .setResponseNonce(response.getNonce()).setErrorDetail(Status.newBuilder().setCode(3).setMessage(message)).build();
  }

  @Override
  public void close() {
    requests.onCompleted();
  }
}
