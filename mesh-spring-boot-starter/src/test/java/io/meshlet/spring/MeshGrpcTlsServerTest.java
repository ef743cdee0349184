package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.meshlet.core.Mesh;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.grpc.MeshGrpc;
import io.meshlet.spring.MeshSslBundleTest.Rotating;
import io.meshlet.spring.app.ProductPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.net.Socket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * Spring gRPC's server with the starter and a mesh identity, and nothing configured for its TLS:
 * it serves mutual TLS with the mesh's certificate, the mesh's interceptor knows each caller by its
 * client certificate (an AuthorizationPolicy allows productpage only), a plaintext caller is refused,
 * and a rotated server certificate is served on the next connection without a restart.
 */
@SpringBootTest(classes = {ProductPage.class, MeshGrpcTlsServerTest.Reviews.class},
    webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "spring.application.name=reviews",
        "spring.grpc.server.port=0"})
class MeshGrpcTlsServerTest {
  static final MeshCa CA = MeshCa.create("cluster.local");
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId RATINGS = new SpiffeId("cluster.local", "default", "ratings");
  static final Rotating SERVER = new Rotating(CA.issue(REVIEWS));

  @Autowired Reviews reviews;

  @Test
  void theAllowedCallerIsServedAndKnownByItsCertificate() throws Exception {
    Call call = call(CA.issue(PRODUCTPAGE));
    assertThat(call.answer()).isEqualTo(PRODUCTPAGE.uri());
    assertThat(call.served()).isEqualTo(SERVER.current().leaf());
  }

  @Test
  void anotherIdentityAndACallerWithoutCertificateAreDeniedByTheAuthorizationPolicy() {
    int before = reviews.calls.get();
    for (KeyMaterial caller : new KeyMaterial[] {CA.issue(RATINGS), null}) {
      assertThatThrownBy(() -> call(caller)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getStatus().getDescription()).isEqualTo("RBAC: access denied");
      });
    }
    assertThat(reviews.calls.get()).as("denied calls never reach the service").isEqualTo(before);
  }

  @Test
  void aPlaintextCallerIsRefused() throws InterruptedException {
    int before = reviews.calls.get();
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", reviews.port, InsecureChannelCredentials.create()).build();
    try {
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, MeshGrpcServerTest.WHO, CallOptions.DEFAULT, "hi"))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(reviews.calls.get()).isEqualTo(before);
  }

  @Test
  void aRotatedServerCertificateIsServedOnTheNextConnection() throws Exception {
    KeyMaterial next = CA.issue(REVIEWS);
    SERVER.rotate(next);
    Call call = call(CA.issue(PRODUCTPAGE));
    assertThat(call.served()).isEqualTo(next.leaf());
    assertThat(call.answer()).isEqualTo(PRODUCTPAGE.uri());
  }

  /** One call on a new channel (so a new connection and handshake) as {@code client}; null: TLS without a client certificate. */
  private Call call(KeyMaterial client) throws InterruptedException {
    Recording trust = new Recording(MeshTls.expectingIdentity(MeshTls.trustManager(List.of(CA.root())), List.of(REVIEWS.uri())));
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(trust);
    if (client != null) {
      tls.keyManager(MeshTls.keyManager(CertificateProvider.of(client)));
    }
    ChannelCredentials credentials = tls.build();
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", reviews.port, credentials).build();
    try {
      String answer = ClientCalls.blockingUnaryCall(channel, MeshGrpcServerTest.WHO, CallOptions.DEFAULT, "hi");
      return new Call(answer, trust.served);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  record Call(String answer, X509Certificate served) {}

  /**
   * The check a mesh client makes (the mesh's roots, the server's SPIFFE identity; no host name check,
   * as mesh certificates name no host), remembering the certificate the server presented.
   */
  static final class Recording extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;
    volatile X509Certificate served;

    Recording(X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
      served = chain[0];
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a client's trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** The reviews workload: its mesh (the rotating certificate, a policy allowing productpage) and a service answering the caller's identity. */
  @TestConfiguration
  static class Reviews {
    volatile int port;
    final AtomicInteger calls = new AtomicInteger();

    @Bean(destroyMethod = "close")
    Mesh mesh() throws IOException {
      Path config = Files.createTempDirectory("grpc-tls").resolve("reviews.yaml");
      Files.writeString(config, """
          apiVersion: security.istio.io/v1
          kind: AuthorizationPolicy
          metadata: {name: reviews, namespace: default}
          spec:
            selector: {matchLabels: {app: reviews}}
            action: ALLOW
            rules:
            - from: [{source: {principals: [cluster.local/ns/default/sa/productpage]}}]
          """);
      return Mesh.builder().workload("reviews").namespace("default").labels(Map.of("app", "reviews"))
          .configFile(config).certificates(SERVER).build();
    }

    @Bean
    BindableService who() {
      return () -> ServerServiceDefinition.builder("test.Echo")
          .addMethod(MeshGrpcServerTest.WHO, ServerCalls.asyncUnaryCall((request, response) -> {
            calls.incrementAndGet();
            SpiffeId peer = MeshGrpc.PEER_IDENTITY.get();
            response.onNext(peer == null ? "anonymous" : peer.uri());
            response.onCompleted();
          }))
          .build();
    }

    @EventListener
    void started(GrpcServerStartedEvent event) {
      port = event.getPort();
    }
  }
}
