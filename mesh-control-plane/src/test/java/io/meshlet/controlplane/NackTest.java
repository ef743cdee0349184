package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that NACK, on raw ADS streams (state of the world and delta) driven by hand: every NACK is
 * counted, the rejected version is the one the NACK's nonce names (not the version_info it carries,
 * which is what the client keeps), and the WARN line is written once per node, type and version.
 */
class NackTest {
  static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  MeshControlPlane cp;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    Path config = Files.createDirectory(dir.resolve("config"));
    Files.writeString(config.resolve("bookinfo.yaml"), Bookinfo.yaml("v2"));
    cp = MeshControlPlane.builder().configDir(config).port(0).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", cp.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    cp.close();
  }

  @Test
  void aStateOfTheWorldNackIsCountedEveryTimeAndLoggedOncePerVersion() throws Exception {
    Sotw ads = new Sotw();
    ads.send(DiscoveryRequest.newBuilder().setNode(node("nacker")).setTypeUrl(CDS).build());
    DiscoveryResponse clusters = ads.next();
    assertThat(clusters.getVersionInfo()).isNotEmpty();

    ads.send(nack(CDS, clusters, "", "Cluster outbound|9080||x: bad"));
    // java-control-plane answers a request whose version differs from the snapshot's at once: the
    // same version again, under a new nonce. The client rejects it again.
    DiscoveryResponse again = ads.next();
    assertThat(again.getVersionInfo()).isEqualTo(clusters.getVersionInfo());
    assertThat(again.getNonce()).isNotEqualTo(clusters.getNonce());
    ads.send(nack(CDS, again, "", "Cluster outbound|9080||x: bad"));
    ads.next();

    await().atMost(WAIT).until(() -> cp.nacks() == 2);
    assertThat(cp.lastNack()).contains(new MeshControlPlane.Nack("nacker", CDS, clusters.getVersionInfo(),
        "Cluster outbound|9080||x: bad"));
    assertThat(cp.nacksLogged()).isEqualTo(1);

    // Another type is another line; the version is the NACKed response's, whatever version_info says.
    ads.send(DiscoveryRequest.newBuilder().setTypeUrl(LDS).build());
    DiscoveryResponse listeners = ads.next();
    ads.send(nack(LDS, listeners, "kept-1", "Listener reviews...:9080: bad"));
    await().atMost(WAIT).until(() -> cp.nacks() == 3);
    assertThat(cp.lastNack()).contains(new MeshControlPlane.Nack("nacker", LDS, listeners.getVersionInfo(),
        "Listener reviews...:9080: bad"));
    assertThat(cp.nacksLogged()).isEqualTo(2);

    // Another node rejecting the same version is another line too.
    Sotw other = new Sotw();
    other.send(DiscoveryRequest.newBuilder().setNode(node("other")).setTypeUrl(CDS).build());
    other.send(nack(CDS, other.next(), "", "bad"));
    await().atMost(WAIT).until(() -> cp.nacks() == 4);
    assertThat(cp.lastNack().orElseThrow().nodeId()).isEqualTo("other");
    assertThat(cp.nacksLogged()).isEqualTo(3);
    ads.close();
    other.close();
  }

  @Test
  void aDeltaNackNamesTheSystemVersionOfTheRejectedResponse() throws Exception {
    Delta ads = new Delta();
    ads.send(DeltaDiscoveryRequest.newBuilder().setNode(node("delta")).setTypeUrl(CDS).addResourceNamesSubscribe("*").build());
    DeltaDiscoveryResponse clusters = ads.next();
    assertThat(clusters.getSystemVersionInfo()).isNotEmpty();
    ads.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(CDS).setResponseNonce(clusters.getNonce())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("Cluster outbound|9080||x: bad")).build());
    await().atMost(WAIT).until(() -> cp.nacks() == 1);
    assertThat(cp.lastNack()).contains(new MeshControlPlane.Nack("delta", CDS, clusters.getSystemVersionInfo(),
        "Cluster outbound|9080||x: bad"));
    assertThat(cp.nacksLogged()).isEqualTo(1);
    ads.close();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static Node node(String id) {
    return Node.newBuilder().setId(id).setMetadata(Struct.newBuilder()
        .putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build())).build();
  }

  /** A NACK of {@code response}: its nonce, the version the client keeps, and why. */
  private static DiscoveryRequest nack(String typeUrl, DiscoveryResponse response, String kept, String message) {
    return DiscoveryRequest.newBuilder().setTypeUrl(typeUrl).setVersionInfo(kept).setResponseNonce(response.getNonce())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage(message)).build();
  }

  /** A state-of-the-world ADS stream whose responses are queued for the test to take. */
  private final class Sotw {
    final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
    final StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new Collect<>(responses));

    void send(DiscoveryRequest r) {
      requests.onNext(r);
    }

    DiscoveryResponse next() throws InterruptedException {
      DiscoveryResponse r = responses.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r).as("a response within %s", WAIT).isNotNull();
      return r;
    }

    void close() {
      requests.onCompleted();
    }
  }

  /** A delta ADS stream whose responses are queued for the test to take. */
  private final class Delta {
    final BlockingQueue<DeltaDiscoveryResponse> responses = new LinkedBlockingQueue<>();
    final StreamObserver<DeltaDiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .deltaAggregatedResources(new Collect<>(responses));

    void send(DeltaDiscoveryRequest r) {
      requests.onNext(r);
    }

    DeltaDiscoveryResponse next() throws InterruptedException {
      DeltaDiscoveryResponse r = responses.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r).as("a response within %s", WAIT).isNotNull();
      return r;
    }

    void close() {
      requests.onCompleted();
    }
  }

  private record Collect<T>(BlockingQueue<T> queue) implements StreamObserver<T> {
    @Override
    public void onNext(T value) {
      queue.add(value);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
