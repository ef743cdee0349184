package io.meshlet.xds.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XdsBootstrapFieldsTest {
  private static final String NODE = "\"node\": {\"id\": \"n1\"}";

  @Test
  void tlsChannelCredentials() {
    XdsBootstrap b = XdsBootstrap.fromJson("""
        {
          "xds_servers": [{
            "server_uri": "dns:///istiod.istio-system.svc:15012",
            "channel_creds": [
              {"type": "tls", "config": {
                "ca_certificate_file": "/etc/certs/root-cert.pem",
                "certificate_file": "/etc/certs/cert-chain.pem",
                "private_key_file": "/etc/certs/key.pem",
                "refresh_interval": "60.5s"}},
              {"type": "insecure"}
            ],
            "server_features": ["xds_v3"]
          }],
          %s
        }""".formatted(NODE), "test");

    XdsServer server = b.primaryServer();
    assertThat(server.hostPort()).isEqualTo("istiod.istio-system.svc:15012");
    assertThat(server.unixSocketPath()).isNull();
    ChannelCredentials tls = server.selectedChannelCredentials();
    assertThat(tls.type()).isEqualTo("tls");
    assertThat(tls.config()).containsEntry("ca_certificate_file", "/etc/certs/root-cert.pem");
    assertThat(tls.tls()).isEqualTo(new CertificateFiles("/etc/certs/cert-chain.pem", "/etc/certs/key.pem",
        "/etc/certs/root-cert.pem", Duration.ofMillis(60_500)));
    assertThat(tls.tls().hasIdentity()).isTrue();
    assertThat(server.channelCredentials()).hasSize(2);
  }

  @Test
  void tlsWithoutConfigUsesSystemRoots() {
    XdsBootstrap b = XdsBootstrap.fromJson("""
        {"xds_servers": [{"server_uri": "istiod.istio-system.svc:15012", "channel_creds": [{"type": "tls"}]}], %s}
        """.formatted(NODE), "test");
    CertificateFiles files = b.primaryServer().selectedChannelCredentials().tls();
    assertThat(files).isEqualTo(new CertificateFiles(null, null, null, CertificateFiles.DEFAULT_REFRESH_INTERVAL));
    assertThat(files.hasIdentity()).isFalse();
    assertThat(b.primaryServer().hostPort()).isEqualTo("istiod.istio-system.svc:15012");
  }

  @Test
  void unknownCredentialTypesAreSkippedForAKnownOne() {
    XdsBootstrap b = XdsBootstrap.fromJson("""
        {"xds_servers": [{"server_uri": "localhost:15010",
          "channel_creds": [{"type": "alts"}, {"type": "google_default"}]}], %s}
        """.formatted(NODE), "test");
    assertThat(b.primaryServer().selectedChannelCredentials().type()).isEqualTo("google_default");
  }

  @Test
  void ignoreResourceDeletionAndFallbackServers() {
    XdsBootstrap b = XdsBootstrap.fromJson("""
        {"xds_servers": [
           {"server_uri": "unix:var/run/xds.sock", "channel_creds": [{"type": "insecure"}],
            "server_features": ["xds_v3", "ignore_resource_deletion", {"future": true}]},
           {"server_uri": "dns://8.8.8.8/istiod.istio-system.svc:15010", "channel_creds": [{"type": "insecure"}]}
         ], %s}
        """.formatted(NODE), "test");
    assertThat(b.servers()).hasSize(2);
    assertThat(b.primaryServer().ignoreResourceDeletion()).isTrue();
    assertThat(b.primaryServer().xdsV3()).isTrue();
    assertThat(b.ignoreResourceDeletion()).isTrue();
    assertThat(b.primaryServer().unixSocketPath()).isEqualTo(Path.of("var/run/xds.sock"));
    assertThat(b.servers().get(1).ignoreResourceDeletion()).isFalse();
    assertThat(b.servers().get(1).hostPort()).isEqualTo("istiod.istio-system.svc:15010");
    // gRPC ignores server features it does not understand, whatever their type.
    assertThat(b.primaryServer().serverFeatures()).containsExactly("xds_v3", "ignore_resource_deletion");
    assertThat(b.ignoredFields()).containsExactly("xds_servers[0].server_features[2]");
  }

  @Test
  void authoritiesAndClientTemplate() {
    XdsBootstrap b = XdsBootstrap.fromJson("""
        {"xds_servers": [{"server_uri": "localhost:15010", "channel_creds": [{"type": "insecure"}]}],
         %s,
         "client_default_listener_resource_name_template": "xdstp://mesh.example/envoy.config.listener.v3.Listener/%%s",
         "authorities": {
           "mesh.example": {
             "client_listener_resource_name_template": "xdstp://mesh.example/envoy.config.listener.v3.Listener/grpc/%%s",
             "xds_servers": [{"server_uri": "xds.mesh.example:443", "channel_creds": [{"type": "tls"}]}]
           },
           "other.example": {}
         }}
        """.formatted(NODE), "test");
    assertThat(b.effectiveClientDefaultListenerResourceNameTemplate())
        .isEqualTo("xdstp://mesh.example/envoy.config.listener.v3.Listener/%s");
    assertThat(b.authorities()).containsOnlyKeys("mesh.example", "other.example");
    Authority mesh = b.authorities().get("mesh.example");
    assertThat(mesh.clientListenerResourceNameTemplate())
        .isEqualTo("xdstp://mesh.example/envoy.config.listener.v3.Listener/grpc/%s");
    assertThat(mesh.xdsServers()).extracting(XdsServer::serverUri).containsExactly("xds.mesh.example:443");
    Authority other = b.authorities().get("other.example");
    assertThat(other.clientListenerResourceNameTemplate())
        .isEqualTo("xdstp://other.example/envoy.config.listener.v3.Listener/%s");
    assertThat(other.xdsServers()).isEmpty();
  }

  @Test
  void unknownFieldsAreToleratedAndListed() {
    XdsBootstrap b = XdsBootstrap.fromJson("""
        {"xds_servers": [{"server_uri": "localhost:15010", "channel_creds": [{"type": "insecure", "extra": 1}],
                          "call_creds": [{"type": "jwt_token_file"}]}],
         "node": {"id": "n1", "cluster": "c1", "user_agent_name": "x", "locality": {"zone": "z", "rack": "r"},
                  "metadata": {"UNKNOWN_IS_FINE": {"a": [1, 2.5, null, "s"]}}},
         "certificate_providers": {"p": {"plugin_name": "custom", "config": {"anything": "goes"}, "note": "n"}},
         "grpc_server_resource_name_id": "x",
         "fallback": true}
        """, "test");
    assertThat(b.ignoredFields()).containsExactly(
        "grpc_server_resource_name_id",
        "fallback",
        "xds_servers[0].call_creds",
        "xds_servers[0].channel_creds[0].extra",
        "node.user_agent_name",
        "node.locality.rack",
        "certificate_providers.p.note");
    assertThat(b.node().cluster()).isEqualTo("c1");
    assertThat(b.node().locality()).isEqualTo(new Locality("", "z", ""));
    assertThat(b.node().metadata()).isEqualTo(Map.of("UNKNOWN_IS_FINE", Map.of("a", List.of(1L, 2.5, "s"))));
    assertThat(b.certificateProviders().get("p").fileWatcher()).isNull();
    assertThat(b.certificateProviders().get("p").config()).isEqualTo(Map.of("anything", "goes"));
    assertThat(b.node().namespace()).isNull();
    assertThat(b.node().labels()).isEmpty();
    assertThat(b.node().instanceIps()).isEmpty();
    assertThat(b.node().istioVersion()).isNull();
    assertThat(b.serverListenerResourceNameTemplate()).isNull();
  }

  @Test
  void fileWatcherWithOnlyACaAndDefaultRefresh() {
    XdsBootstrap b = XdsBootstrap.fromJson("""
        {"xds_servers": [{"server_uri": "localhost:15010", "channel_creds": [{"type": "insecure"}]}], %s,
         "certificate_providers": {"roots": {"plugin_name": "file_watcher", "config": {"ca_certificate_file": "/ca.pem"}}}}
        """.formatted(NODE), "test");
    assertThat(b.certificateProviders().get("roots").fileWatcher())
        .isEqualTo(new CertificateFiles(null, null, "/ca.pem", Duration.ofMinutes(10)));
  }

  @Test
  void instanceIpsAsAnArray() {
    Node node = new Node("n", "", Locality.EMPTY, Map.of("INSTANCE_IPS", List.of("10.0.0.1", "10.0.0.2")));
    assertThat(node.instanceIps()).containsExactly("10.0.0.1", "10.0.0.2");
  }
}
