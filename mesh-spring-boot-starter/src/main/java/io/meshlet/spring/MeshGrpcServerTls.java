package io.meshlet.spring;

import io.grpc.TlsServerCredentials;
import io.meshlet.core.Mesh;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerProperties;
import org.springframework.core.env.Environment;

/**
 * Mutual TLS with the mesh's certificate on Spring gRPC's Netty server. Boot builds that server's
 * credentials from {@code spring.grpc.server.ssl} once, when the server factory is made; it takes the
 * SSL bundle's key and trust manager factories. So, when the mesh has a workload certificate and
 * the application did not configure {@code spring.grpc.server.ssl.enabled} or {@code .bundle}, this
 * points the bound properties at the bundle {@value MeshSslBundle#NAME}, whose managers read the
 * provider's current material on every handshake (a rotation needs no restart), with client
 * certificates optional (as {@code MeshGrpc.serverCredentials}: PeerAuthentication decides whether
 * a caller without one is served) unless {@code spring.grpc.server.ssl.client-auth} is set.
 *
 * <p>It changes the properties bean rather than replacing Boot's server factory: the factory's
 * credentials are fixed in its constructor, and making the factory ourselves would lose Boot's
 * address, keep-alive, message size and executor settings.
 */
final class MeshGrpcServerTls implements BeanPostProcessor {
  static final String CLIENT_AUTH = "spring.grpc.server.ssl.client-auth";
  private static final Logger log = LoggerFactory.getLogger(MeshGrpcServerTls.class);

  private final Supplier<@Nullable Mesh> mesh;
  private final Environment environment;

  MeshGrpcServerTls(Supplier<@Nullable Mesh> mesh, Environment environment) {
    this.mesh = mesh;
    this.environment = environment;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof GrpcServerProperties properties) {
      apply(properties);
    }
    return bean;
  }

  /** Whether the server now serves the mesh's certificate; {@code properties} are bound already. */
  boolean apply(GrpcServerProperties properties) {
    GrpcServerProperties.Ssl ssl = properties.getSsl();
    if (ssl.getEnabled() != null || ssl.getBundle() != null) {
      log.debug("spring.grpc.server.ssl is configured (enabled {}, bundle {}): the gRPC server's TLS is the application's",
          ssl.getEnabled(), ssl.getBundle());
      return false;
    }
    Mesh m = mesh.get();
    if (m == null || m.certificates().isEmpty()) {
      return false;
    }
    ssl.setBundle(MeshSslBundle.NAME);
    if (!environment.containsProperty(CLIENT_AUTH)) {
      ssl.setClientAuth(TlsServerCredentials.ClientAuth.OPTIONAL);
    }
    if (!ssl.isSecure()) {
      log.warn("spring.grpc.server.ssl.secure=false: the gRPC server does not check client certificates against the mesh's "
          + "roots, so a caller can claim any identity to PeerAuthentication and AuthorizationPolicy");
    }
    log.info("gRPC server: TLS with the mesh's certificate (SSL bundle {}, client-auth {}); plaintext callers are refused "
        + "(mesh.server.grpc-tls=false serves plaintext)", MeshSslBundle.NAME, ssl.getClientAuth());
    return true;
  }
}
