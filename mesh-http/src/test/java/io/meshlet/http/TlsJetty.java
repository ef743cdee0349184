package io.meshlet.http;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.security.InboundDecision;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty 12 serving a workload through {@link MeshServletFilter} over mesh TLS, set up as
 * docs/mtls.md shows: the connector's SSL context is {@code MeshTls.serverContext} of the mesh's
 * certificates and it wants (not needs) client certificates. A second, plaintext connector serves
 * the same application. The servlet answers with what the mesh told it about the caller.
 */
final class TlsJetty implements AutoCloseable {
  final Server server = new Server();
  final ServerConnector tls;
  final ServerConnector plain;

  TlsJetty(Mesh mesh) throws Exception {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(MeshTls.serverContext(mesh.certificates().orElseThrow()));
    ssl.setWantClientAuth(true);
    HttpConfiguration https = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // mesh certificates name a SPIFFE id, not a host
    https.addCustomizer(secure);
    tls = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    tls.setHost("127.0.0.1");
    plain = new ServerConnector(server);
    plain.setHost("127.0.0.1");
    server.addConnector(tls);
    server.addConnector(plain);

    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new Echo()), "/*");
    context.addFilter(new FilterHolder(MeshServletFilter.of(mesh)), "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
    server.start();
  }

  int tlsPort() {
    return tls.getLocalPort();
  }

  int plainPort() {
    return plain.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** Answers {@code peer=<spiffe id or none> secure=<true|false> decision=<reason>}. */
  private static final class Echo extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      SpiffeId peer = (SpiffeId) req.getAttribute(MeshServletFilter.PEER_ATTRIBUTE);
      InboundDecision decision = (InboundDecision) req.getAttribute(MeshServletFilter.DECISION_ATTRIBUTE);
      resp.setContentType("text/plain");
      resp.getWriter().write("peer=" + (peer == null ? "none" : peer.uri()) + " secure=" + req.isSecure()
          + " decision=" + (decision == null ? "none" : decision.reason()));
    }
  }
}
