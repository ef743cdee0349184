package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.Mesh;
import io.meshlet.core.OutboundTrafficPolicy;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.pipeline.ResponseFlag;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Istio's "Egress TLS Origination" task: a ServiceEntry for an external host whose port 80 targets
 * 443, and a DestinationRule {@code tls: SIMPLE} on port 80, so the application's plain-HTTP call
 * leaves over TLS. The external host is a local HTTPS server with a test CA; OkHttp's {@link Dns}
 * resolves {@code edition.cnn.com} to loopback (the ServiceEntry keeps {@code resolution: DNS}).
 */
class EgressTlsOriginationTest {
  static final String HOST = "edition.cnn.com";

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("test.example");
  HttpsServer server;
  Path roots;
  Mesh mesh;

  @BeforeEach
  void start() throws Exception {
    server = new HttpsServer(ca.issueForHosts(HOST, "origin.cnn.example"));
    roots = dir.resolve("ca.pem");
    Files.writeString(roots, Pem.encode(List.of(ca.root())));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void aPlainHttpCallLeavesOverTlsWithTheHostAsSniAndTheCaCertificates() throws IOException {
    mesh("resolution: DNS", "{mode: SIMPLE, caCertificates: '" + roots + "'}");
    assertThat(get("http://edition.cnn.com/politics")).isEqualTo("GET /politics sni=edition.cnn.com host=edition.cnn.com");
  }

  @Test
  void tlsSniIsSentAndTheCertificateIsCheckedAgainstIt() throws IOException {
    mesh("resolution: DNS", "{mode: SIMPLE, sni: origin.cnn.example, caCertificates: '" + roots + "'}");
    assertThat(get("http://edition.cnn.com/")).isEqualTo("GET / sni=origin.cnn.example host=edition.cnn.com");
  }

  @Test
  void aStaticLoopbackEndpointStillGetsTheHostAsSniAndHostNameCheck() throws IOException {
    mesh("resolution: STATIC\n  endpoints: [{address: 127.0.0.1}]", "{mode: SIMPLE, caCertificates: '" + roots + "'}");
    assertThat(get("http://edition.cnn.com/a")).isEqualTo("GET /a sni=edition.cnn.com host=edition.cnn.com");
  }

  @Test
  void subjectAltNamesReplaceTheHostNameCheck() throws IOException {
    mesh("resolution: DNS", "{mode: SIMPLE, caCertificates: '" + roots + "', subjectAltNames: [other.example]}");
    assertThatThrownBy(() -> get("http://edition.cnn.com/"))
        .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.UF))
        .hasMessageContaining("other.example");
  }

  @Test
  void withoutCaCertificatesTheJvmTrustStoreIsUsedAndRefusesTheTestCa() throws IOException {
    mesh("resolution: DNS", "{mode: SIMPLE}");
    assertThatThrownBy(() -> get("http://edition.cnn.com/"))
        .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.UF))
        .hasMessageContaining("TLS");
  }

  @Test
  void registryOnlyRefusesAnUnknownExternalHostNamingTheBlackHoleCluster() throws IOException {
    mesh = Mesh.builder().workload("sleep").outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY)
        .configFile(config("resolution: DNS", "{mode: SIMPLE, caCertificates: '" + roots + "'}")).build();
    assertThat(get("http://edition.cnn.com/")).startsWith("GET / sni=edition.cnn.com");
    assertThatThrownBy(() -> get("http://www.google.com/"))
        .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.BLOCKED))
        .hasMessageContaining("BlackHoleCluster")
        .hasMessageContaining("www.google.com is not known to the mesh");
  }

  private void mesh(String resolution, String tls) throws IOException {
    mesh = Mesh.builder().workload("sleep").configFile(config(resolution, tls)).build();
  }

  private Path config(String resolution, String tls) throws IOException {
    return Files.writeString(dir.resolve("egress.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: edition-cnn-com}
        spec:
          hosts: [edition.cnn.com]
          location: MESH_EXTERNAL
          %s
          ports:
          - {number: 80, name: http-port, protocol: HTTP, targetPort: %d}
          - {number: 443, name: https-port, protocol: HTTPS}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: edition-cnn-com}
        spec:
          host: edition.cnn.com
          trafficPolicy:
            portLevelSettings:
            - port: {number: 80}
              tls: %s
        """.formatted(resolution, server.port(), tls));
  }

  private String get(String url) throws IOException {
    Dns loopback = host -> host.equals(HOST) ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host);
    OkHttpClient client = new OkHttpClient.Builder().dns(loopback).addInterceptor(MeshInterceptor.of(mesh)).build();
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.body().string();
    }
  }

  /** One TLS connection at a time; answers with the request line, the SNI it received and the Host header. */
  static final class HttpsServer implements AutoCloseable {
    private final SSLServerSocket socket;
    private final Thread thread;

    HttpsServer(KeyMaterial material) throws IOException {
      var context = MeshTls.context(MeshTls.keyManager(CertificateProvider.of(material)),
          MeshTls.trustManager(material.roots()));
      socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      thread = new Thread(this::serve, "https-" + port());
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          SSLSocket tls = (SSLSocket) s;
          tls.startHandshake();
          String sni = ((ExtendedSSLSession) tls.getSession()).getRequestedServerNames().stream()
              .map(n -> ((SNIHostName) n).getAsciiName()).collect(Collectors.joining(","));
          var in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.ISO_8859_1));
          String requestLine = in.readLine();
          String host = "";
          for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.regionMatches(true, 0, "host:", 0, 5)) {
              host = line.substring(5).trim();
            }
          }
          String[] parts = requestLine.split(" ");
          byte[] body = (parts[0] + " " + parts[1] + " sni=" + (sni.isEmpty() ? "none" : sni) + " host=" + host)
              .getBytes(StandardCharsets.UTF_8);
          OutputStream out = tls.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          out.write(body);
          out.flush();
        } catch (IOException | RuntimeException e) {
          // a refused handshake, or closed: serve the next connection
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
