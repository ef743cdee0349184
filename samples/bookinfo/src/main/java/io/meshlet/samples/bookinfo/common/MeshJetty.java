package io.meshlet.samples.bookinfo.common;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.MeshTls;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves a workload's port as an Istio port is served: mutual TLS with the mesh's certificate
 * (following rotation, client certificates asked for, not required) <em>and</em> plaintext, told
 * apart by the first bytes of a connection. Whether plaintext is allowed is PeerAuthentication's
 * decision (PERMISSIVE or STRICT), enforced per request by the starter's {@code MeshServletFilter}.
 * Spring Boot's own {@code server.ssl} cannot do this (its port takes TLS only).
 */
@Configuration(proxyBeanMethods = false)
public class MeshJetty {
  @Bean
  WebServerFactoryCustomizer<JettyServletWebServerFactory> meshTlsOrPlaintext(Mesh mesh) {
    SSLContext context = MeshTls.serverContext(mesh.certificates().orElseThrow(() -> new IllegalStateException(
        "workload " + mesh.workload().name() + " has no mesh certificate: its xDS bootstrap needs certificate_providers.default")));
    return factory -> factory.addServerCustomizers(server -> replaceConnectors(server, context));
  }

  private static void replaceConnectors(Server server, SSLContext context) {
    Connector[] old = server.getConnectors();
    Connector[] replaced = new Connector[old.length];
    for (int i = 0; i < old.length; i++) {
      ServerConnector o = (ServerConnector) old[i];
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setSslContext(context);
      tls.setWantClientAuth(true);
      tls.setEndpointIdentificationAlgorithm(null);
      HttpConfiguration https = new HttpConfiguration();
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false); // mesh certificates name a SPIFFE id, not a host
      https.addCustomizer(secure);
      ServerConnector c = new ServerConnector(server,
          new DetectorConnectionFactory(new SslConnectionFactory(tls, "http/1.1")), new HttpConnectionFactory(https));
      c.setHost(o.getHost());
      c.setPort(o.getPort());
      replaced[i] = c;
    }
    server.setConnectors(replaced);
  }
}
