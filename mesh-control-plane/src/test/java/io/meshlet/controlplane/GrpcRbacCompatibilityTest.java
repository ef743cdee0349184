package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.grpc.xds.GrpcRbacParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What mesh-control-plane serves a proxyless gRPC server (grpc-java's XdsServer) in its inbound
 * listeners' RBAC filters is accepted by grpc-java's own RBAC parser: the conditions Istio writes as
 * permissions ({@code destination.ip} as {@code destination_ip}, {@code connection.sni} as {@code
 * requested_server_name}) and the principal regexes ({@code source.trustDomain}, {@code
 * serviceAccounts}, {@code source.serviceAccount}) must not make grpc-xds NACK the Listener.
 */
class GrpcRbacCompatibilityTest {
  static final List<String> SERVER_LISTENERS = List.of("xds.istio.io/grpc/lds/inbound/0.0.0.0:9080",
      "xds.istio.io/grpc/lds/inbound/0.0.0.0:15090", "xds.istio.io/grpc/lds/inbound/0.0.0.0:9443");

  @Test
  void grpcJavaAcceptsEveryServedRbacFilter() throws Exception {
    SnapshotBuilder.Resources r = SnapshotBuilder.build(
        SnapshotBuilderTest.parse(SecurityYaml.yaml(9080, 15090, 9443, SecurityYaml.PRODUCTPAGE)),
        new NodeKey("default", Map.of("app", "reviews", "version", "v1"), SERVER_LISTENERS));
    List<RBAC> filters = rbacFilters(r);
    assertThat(filters).isNotEmpty();
    String served = filters.toString();
    assertThat(served).contains("destination_ip").contains("requested_server_name")
        .contains("/(.+/|)sa/intruder(/.+)?").contains("sa/bookinfo\\\\.ratings").contains("spiffe://old.example/");
    for (RBAC rbac : filters) {
      assertThat(GrpcRbacParser.problem(rbac)).as("%s", rbac).isNull();
    }
  }

  /** The parser does refuse what grpc-java cannot apply (so the test above can fail). */
  @Test
  void grpcJavaRefusesAnRbacFilterItCannotApply() throws Exception {
    RBAC bad = RBAC.newBuilder().setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
        .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.DENY)
        .putPolicies("p", io.envoyproxy.envoy.config.rbac.v3.Policy.newBuilder()
            .addPermissions(io.envoyproxy.envoy.config.rbac.v3.Permission.newBuilder()
                .setHeader(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName(":scheme").setExactMatch("http")))
            .addPrincipals(io.envoyproxy.envoy.config.rbac.v3.Principal.newBuilder().setAny(true)).build()))
        .build();
    assertThat(GrpcRbacParser.problem(bad)).contains(":scheme");
  }

  static List<RBAC> rbacFilters(SnapshotBuilder.Resources r) throws Exception {
    List<RBAC> out = new ArrayList<>();
    for (Listener l : r.listeners()) {
      if (!SERVER_LISTENERS.contains(l.getName())) {
        continue;
      }
      for (var chain : l.getFilterChainsList()) {
        HttpConnectionManager hcm = chain.getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
        for (HttpFilter f : hcm.getHttpFiltersList()) {
          if (f.getTypedConfig().is(RBAC.class)) {
            out.add(f.getTypedConfig().unpack(RBAC.class));
          }
        }
      }
    }
    return out;
  }
}
