package io.meshlet.core;

import static io.meshlet.core.MeshTesting.mesh;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.security.InboundRequest;
import io.meshlet.core.snapshot.Rejection;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PeerAuthentication and AuthorizationPolicy from a watched YAML file, through a real {@link Mesh}. */
class MeshSecurityTest {
  @TempDir Path dir;

  private static final String POLICIES = """
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: default, namespace: mesh-root}
      spec: {mtls: {mode: STRICT}}
      ---
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: productpage-viewer, namespace: default}
      spec:
        selector: {matchLabels: {app: productpage}}
        rules:
        - from: [{source: {principals: [cluster.local/ns/istio-system/sa/ingress]}}]
          to: [{operation: {methods: [GET]}}]
      """;

  @Test
  void aPolicyEditIsAppliedAndABadOneIsRejectedWithTheLastGoodKept() {
    Path file = write(dir.resolve("mesh.yaml"), POLICIES);
    try (Mesh mesh = mesh(file).rootNamespace("mesh-root").pollInterval(Duration.ofMillis(50)).build()) {
      assertThat(mesh.inbound().mtlsMode(9080)).isEqualTo(MtlsMode.STRICT);
      assertThat(mesh.inbound().check(call(null, "GET")).reason())
          .isEqualTo("denied: mTLS STRICT (PeerAuthentication mesh-root/default) and the call is plaintext");
      assertThat(mesh.inbound().check(call("istio-system/ingress", "GET")).reason())
          .isEqualTo("allowed by AuthorizationPolicy default/productpage-viewer rules[0]");
      assertThat(mesh.inbound().check(call("default/reviews", "GET")).allowed()).isFalse();

      // Valid edit: reviews may call too.
      write(file, POLICIES.replace("[cluster.local/ns/istio-system/sa/ingress]",
          "[cluster.local/ns/istio-system/sa/ingress, cluster.local/ns/default/sa/reviews]"));
      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.snapshot().version() == 2);
      assertThat(mesh.inbound().check(call("default/reviews", "GET")).allowed()).isTrue();

      // Invalid edit: a bad CIDR rejects the whole update; reviews keeps its access.
      write(file, POLICIES.replace("principals: [cluster.local/ns/istio-system/sa/ingress]", "ipBlocks: [10.0.0/8]"));
      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.lastRejection().isPresent());
      Rejection rejection = mesh.lastRejection().orElseThrow();
      assertThat(rejection.errors()).extracting(ConfigProblem::toString).containsExactly(
          "AuthorizationPolicy productpage-viewer (" + file + "): rules[0].from[0].source.ipBlocks[0]: '10.0.0/8' "
              + "(expected: an IP address or CIDR)");
      assertThat(mesh.snapshot().version()).isEqualTo(2);
      assertThat(mesh.inbound().check(call("default/reviews", "GET")).allowed()).isTrue();
      assertThat(mesh.explainInbound(call("default/reviews", "POST")).toString()).isEqualTo("""
          mTLS STRICT on port 9080 (PeerAuthentication mesh-root/default); peer cluster.local/ns/default/sa/reviews
          ALLOW AuthorizationPolicy default/productpage-viewer rules[0]: no match: no operation matches: \
          to[0].operation.methods ['GET'] do not match method 'POST'
          => DENY: denied: no ALLOW policy matched (1 apply: default/productpage-viewer)""");
    }
  }

  @Test
  void theDefaultRootNamespaceIsIstioSystem() {
    Path file = write(dir.resolve("mesh.yaml"), POLICIES.replace("mesh-root", "istio-system"));
    try (Mesh mesh = mesh(file).build()) {
      assertThat(mesh.inbound().mtlsMode(9080)).isEqualTo(MtlsMode.STRICT);
    }
    assertThatThrownBy(() -> Mesh.builder().rootNamespace(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rootNamespace: '' (expected: a namespace, e.g. istio-system)");
  }

  @Test
  void numTrustedProxiesPicksTheRemoteAddressFromXForwardedFor() {
    Path file = write(dir.resolve("mesh.yaml"), """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: office-only, namespace: default}
        spec:
          rules:
          - from: [{source: {remoteIpBlocks: [198.51.100.0/24]}}]
        """);
    InboundRequest forwarded = call(null, "GET", "198.51.100.4, 10.0.0.1");
    try (Mesh mesh = mesh(file).build()) {
      assertThat(mesh.inbound().check(forwarded).allowed()).as("default 0: X-Forwarded-For is not trusted").isFalse();
    }
    try (Mesh mesh = mesh(file).numTrustedProxies(2).build()) {
      assertThat(mesh.inbound().check(forwarded).allowed()).isTrue();
    }
    assertThatThrownBy(() -> Mesh.builder().numTrustedProxies(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numTrustedProxies: -1 (expected: 0 or more)");
  }

  private static InboundRequest call(@Nullable String peer, String method) {
    return call(peer, method, null);
  }

  /** A call to productpage on 9080 from {@code ns/sa} over mutual TLS, or plaintext when null. */
  private static InboundRequest call(@Nullable String peer, String method, @Nullable String xff) {
    SpiffeId id = peer == null ? null : new SpiffeId("cluster.local", peer.split("/")[0], peer.split("/")[1]);
    return new InboundRequest() {
      @Override
      public @Nullable SpiffeId peer() {
        return id;
      }

      @Override
      public boolean secure() {
        return id != null;
      }

      @Override
      public String sourceAddress() {
        return "10.0.0.9";
      }

      @Override
      public int destinationPort() {
        return 9080;
      }

      @Override
      public String host() {
        return "productpage";
      }

      @Override
      public String method() {
        return method;
      }

      @Override
      public String path() {
        return "/productpage";
      }

      @Override
      public @Nullable String header(String name) {
        return name.equalsIgnoreCase("x-forwarded-for") ? xff : null;
      }
    };
  }
}
