package io.meshlet.xds.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every error message, exactly; all errors of a file are reported at once. */
class XdsBootstrapValidationTest {
  private static final String SRC = "/etc/istio/proxy/grpc-bootstrap.json";
  private static final String P = "bootstrap (" + SRC + "): ";
  private static final String SERVER = "{\"server_uri\": \"unix:///etc/istio/proxy/XDS\", \"channel_creds\": [{\"type\": \"insecure\"}]}";
  private static final String NODE = "\"node\": {\"id\": \"n1\"}";

  private static List<String> errors(String json) {
    XdsBootstrapException e = catchThrowableOfType(XdsBootstrapException.class, () -> XdsBootstrap.fromJson(json, SRC));
    assertThat(e).as("expected an XdsBootstrapException").isNotNull();
    assertThat(e.getMessage()).isEqualTo(String.join("\n", e.errors()));
    return e.errors();
  }

  private static String withServers(String servers) {
    return "{\"xds_servers\": " + servers + ", " + NODE + "}";
  }

  @Test
  void serverUriMissing() {
    assertThat(errors(withServers("[{\"channel_creds\": [{\"type\": \"insecure\"}]}]"))).containsExactly(
        P + "xds_servers[0].server_uri: missing (expected: a target such as unix:///etc/istio/proxy/XDS or istiod.istio-system.svc:15010)");
  }

  @Test
  void serverUriWrong() {
    assertThat(errors(withServers("""
        [{"server_uri": "", "channel_creds": [{"type": "insecure"}]},
         {"server_uri": 15010, "channel_creds": [{"type": "insecure"}]},
         {"server_uri": "unix://", "channel_creds": [{"type": "insecure"}]},
         {"server_uri": "dns:///", "channel_creds": [{"type": "insecure"}]}]"""))).containsExactly(
        P + "xds_servers[0].server_uri: '' (expected: a target such as unix:///etc/istio/proxy/XDS or istiod.istio-system.svc:15010)",
        P + "xds_servers[1].server_uri: 15010 (expected: a target such as unix:///etc/istio/proxy/XDS or istiod.istio-system.svc:15010)",
        P + "xds_servers[2].server_uri: 'unix://' (expected: unix:///absolute/path or unix:relative/path)",
        P + "xds_servers[3].server_uri: 'dns:///' (expected: a target such as unix:///etc/istio/proxy/XDS or istiod.istio-system.svc:15010)");
  }

  @Test
  void serversMissingEmptyOrNotAnArray() {
    assertThat(errors("{" + NODE + "}")).containsExactly(P + "xds_servers: missing (expected: at least one server)");
    assertThat(errors(withServers("[]"))).containsExactly(P + "xds_servers: empty (expected: at least one server)");
    assertThat(errors(withServers(SERVER))).containsExactly(P + "xds_servers: an object (expected: an array of servers)");
    assertThat(errors(withServers("[\"istiod:15010\"]"))).containsExactly(P + "xds_servers[0]: 'istiod:15010' (expected: an object)");
  }

  @Test
  void channelCreds() {
    assertThat(errors(withServers("[{\"server_uri\": \"istiod:15010\"}]"))).containsExactly(
        P + "xds_servers[0].channel_creds: missing (expected: an array such as [{\"type\": \"insecure\"}])");
    assertThat(errors(withServers("[{\"server_uri\": \"istiod:15010\", \"channel_creds\": []}]"))).containsExactly(
        P + "xds_servers[0].channel_creds: empty (expected: an array such as [{\"type\": \"insecure\"}])");
    assertThat(errors(withServers("[{\"server_uri\": \"istiod:15010\", \"channel_creds\": [{\"config\": {}}, {\"type\": \"tls\", \"config\": []}]}]")))
        .containsExactly(
            P + "xds_servers[0].channel_creds[0].type: missing (expected: one of insecure, tls, google_default)",
            P + "xds_servers[0].channel_creds[1].config: an array (expected: an object)");
    assertThat(errors(withServers("[{\"server_uri\": \"istiod:15010\", \"channel_creds\": [{\"type\": \"alts\"}, {\"type\": \"spiffe\"}]}]")))
        .containsExactly(P + "xds_servers[0].channel_creds: no supported type in 'alts', 'spiffe' (expected: one of insecure, tls, google_default)");
  }

  @Test
  void tlsConfig() {
    assertThat(errors(withServers("""
        [{"server_uri": "istiod:15012", "channel_creds": [
          {"type": "tls", "config": {"certificate_file": "/c.pem", "refresh_interval": "10m"}},
          {"type": "tls", "config": {"private_key_file": "/k.pem", "ca_certificate_file": 7}},
          {"type": "tls", "config": {"refresh_interval": "-1s"}}]}]"""))).containsExactly(
        P + "xds_servers[0].channel_creds[0].config.refresh_interval: '10m' (expected: a positive duration such as 600s)",
        P + "xds_servers[0].channel_creds[0].config.certificate_file: given without private_key_file (expected: both or neither)",
        P + "xds_servers[0].channel_creds[1].config.ca_certificate_file: 7 (expected: a file path)",
        P + "xds_servers[0].channel_creds[1].config.private_key_file: given without certificate_file (expected: both or neither)",
        P + "xds_servers[0].channel_creds[2].config.refresh_interval: '-1s' (expected: a positive duration such as 600s)");
  }

  @Test
  void serverFeaturesNotAnArray() {
    assertThat(errors(withServers("[{\"server_uri\": \"istiod:15010\", \"channel_creds\": [{\"type\": \"insecure\"}], \"server_features\": \"xds_v3\"}]")))
        .containsExactly(P + "xds_servers[0].server_features: 'xds_v3' (expected: an array of strings)");
  }

  @Test
  void node() {
    assertThat(errors("{\"xds_servers\": [" + SERVER + "]}")).containsExactly(
        P + "node: missing (expected: an object with an id)");
    assertThat(errors("{\"xds_servers\": [" + SERVER + "], \"node\": {\"cluster\": \"c\"}}")).containsExactly(
        P + "node.id: missing (expected: the node's id, such as sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local)");
    assertThat(errors("{\"xds_servers\": [" + SERVER + "], \"node\": {\"id\": \"\"}}")).containsExactly(
        P + "node.id: '' (expected: the node's id, such as sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local)");
    assertThat(errors("""
        {"xds_servers": [%s], "node": {"id": "n", "cluster": 1, "locality": {"zone": ["a"]}, "metadata": "NAMESPACE=default"}}
        """.formatted(SERVER))).containsExactly(
        P + "node.cluster: 1 (expected: a string)",
        P + "node.locality.zone: an array (expected: a string)",
        P + "node.metadata: 'NAMESPACE=default' (expected: an object)");
    assertThat(errors("{\"xds_servers\": [" + SERVER + "], \"node\": \"n1\"}")).containsExactly(
        P + "node: 'n1' (expected: an object)");
  }

  @Test
  void certificateProviders() {
    assertThat(errors("""
        {"xds_servers": [%s], %s, "certificate_providers": {
          "a": {"config": {}},
          "b": {"plugin_name": "file_watcher"},
          "c": {"plugin_name": "file_watcher", "config": {"refresh_interval": "900s"}},
          "d": {"plugin_name": "file_watcher", "config": {"certificate_file": "/c.pem", "ca_certificate_file": "/ca.pem", "refresh_interval": 900}},
          "e": "file_watcher"}}
        """.formatted(SERVER, NODE))).containsExactly(
        P + "certificate_providers.a.plugin_name: missing (expected: a plugin name such as file_watcher)",
        P + "certificate_providers.b.config: missing (expected: certificate_file and private_key_file, ca_certificate_file, or all three)",
        P + "certificate_providers.c.config: no files (expected: certificate_file and private_key_file, ca_certificate_file, or all three)",
        P + "certificate_providers.d.config.refresh_interval: 900 (expected: a positive duration such as 600s)",
        P + "certificate_providers.d.config.certificate_file: given without private_key_file (expected: both or neither)",
        P + "certificate_providers.e: 'file_watcher' (expected: an object)");
    assertThat(errors("{\"xds_servers\": [" + SERVER + "], " + NODE + ", \"certificate_providers\": []}")).containsExactly(
        P + "certificate_providers: an array (expected: an object)");
  }

  @Test
  void templatesAndAuthorities() {
    assertThat(errors("""
        {"xds_servers": [%s], %s,
         "server_listener_resource_name_template": 8080,
         "client_default_listener_resource_name_template": false,
         "authorities": {
           "mesh.example": {"client_listener_resource_name_template": "xdstp://other.example/envoy.config.listener.v3.Listener/%%s"},
           "empty.example": {"xds_servers": [{"server_uri": "x:1"}]}}}
        """.formatted(SERVER, NODE))).containsExactly(
        P + "server_listener_resource_name_template: 8080 (expected: a string)",
        P + "client_default_listener_resource_name_template: false (expected: a string)",
        P + "authorities.mesh.example.client_listener_resource_name_template: "
            + "'xdstp://other.example/envoy.config.listener.v3.Listener/%s' (expected: a string starting with xdstp://mesh.example/)",
        P + "authorities.empty.example.xds_servers[0].channel_creds: missing (expected: an array such as [{\"type\": \"insecure\"}])");
  }

  @Test
  void allErrorsOfAFileAtOnce() {
    assertThat(errors("{\"xds_servers\": [], \"node\": {}, \"server_listener_resource_name_template\": null}")).containsExactly(
        P + "xds_servers: empty (expected: at least one server)",
        P + "node.id: missing (expected: the node's id, such as sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local)");
  }

  @Test
  void notJson() {
    assertThat(errors("")).containsExactly(P + "empty (expected: a JSON object)");
    assertThat(errors("[1]")).containsExactly(P + "an array (expected: a JSON object)");
    assertThat(errors("{\"node\": {\"id\": \"a\"} \"x\": 1}")).singleElement().asString()
        .startsWith(P + "JSON syntax error at line 1, column ");
    assertThat(errors("{\"node\": 1, \"node\": 2}")).singleElement().asString()
        .startsWith(P + "JSON syntax error at line 1, column ").endsWith("Duplicate Object property \"node\"");
    assertThat(errors("{} {}")).containsExactly(
        P + "JSON syntax error at line 1, column 4: more text after the JSON object (expected: one JSON object)");
    assertThat(errors("null")).containsExactly(P + "null (expected: a JSON object)");
  }

  @Test
  void serverListenerNameNeedsTheTemplate() {
    XdsBootstrap b = XdsBootstrap.fromJson("{\"xds_servers\": [" + SERVER + "], " + NODE + "}", SRC);
    assertThat(catchThrowableOfType(IllegalStateException.class, () -> b.serverListenerResourceName("0.0.0.0:8080")))
        .hasMessage(P + "server_listener_resource_name_template: missing (expected: for an xDS server, a template such as "
            + "xds.istio.io/grpc/lds/inbound/%s)");
  }
}
