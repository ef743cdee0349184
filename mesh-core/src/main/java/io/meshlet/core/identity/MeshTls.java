package io.meshlet.core.identity;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS for the mesh on the JDK's own {@link SSLContext}: key and trust managers that follow a
 * {@link CertificateProvider}, so every new handshake uses the material in force (rotation needs
 * no rebuilt client or server), and the helpers that read a peer's identity.
 *
 * <p>Servlet containers own their TLS: give them {@link #serverContext} and ask for client
 * certificates ({@code wantClientAuth}); whether a certificate is required is PeerAuthentication's
 * call, enforced by the mesh's server filter. Clients use {@link #clientContext} with {@link
 * #trustManager}.
 */
public final class MeshTls {
  /** TLS 1.2 and 1.3, as Istio's defaults. */
  public static final String PROTOCOL = "TLS";

  private MeshTls() {}

  /** A client context that presents the provider's certificate and trusts the provider's roots. */
  public static SSLContext clientContext(CertificateProvider provider) {
    return following(provider, context(keyManager(provider), trustManager(provider)));
  }

  /** A server context: presents the provider's certificate and verifies client certificates against its roots. */
  public static SSLContext serverContext(CertificateProvider provider) {
    return following(provider, context(keyManager(provider), trustManager(provider)));
  }

  /**
   * Forgets {@code context}'s cached TLS sessions whenever {@code provider} has new material, so the
   * next connection makes a full handshake with it rather than resuming a session of the old
   * certificate. Returns {@code context}.
   */
  public static SSLContext following(CertificateProvider provider, SSLContext context) {
    follow(provider, context);
    return context;
  }

  /**
   * {@link #following}, for a context that is dropped before the provider: the returned action
   * stops following (removes the listener from {@code provider}), so the context can be collected.
   */
  public static Runnable follow(CertificateProvider provider, SSLContext context) {
    Consumer<KeyMaterial> listener = material -> {
      invalidate(context.getClientSessionContext());
      invalidate(context.getServerSessionContext());
    };
    provider.addListener(listener);
    return () -> provider.removeListener(listener);
  }

  private static void invalidate(@Nullable SSLSessionContext sessions) {
    if (sessions == null) {
      return;
    }
    for (byte[] id : Collections.list(sessions.getIds())) {
      SSLSession session = sessions.getSession(id);
      if (session != null) {
        session.invalidate();
      }
    }
  }

  /** A key manager that presents the provider's current chain (none when the provider has no identity). */
  public static X509KeyManager keyManager(CertificateProvider provider) {
    return new ProviderKeyManager(requireNonNull(provider, "provider"));
  }

  /** A trust manager that verifies chains against the provider's current roots; no host name check. */
  public static X509TrustManager trustManager(CertificateProvider provider) {
    return new ProviderTrustManager(requireNonNull(provider, "provider"));
  }

  /** A PKIX trust manager for fixed {@code roots}. */
  public static X509TrustManager trustManager(List<X509Certificate> roots) {
    try {
      return ProviderTrustManager.pkix(roots);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("trust roots: " + e.getMessage(), e);
    }
  }

  /**
   * A trust manager that, after {@code delegate} accepted a server's chain, requires the leaf to
   * carry one of {@code subjectAltNames} (matched against its URI, DNS and IP SANs, as Envoy's
   * {@code match_subject_alt_names}, exactly: {@code *} is an ordinary character, as Istio compares
   * DestinationRule {@code subjectAltNames}); the failure names what was expected and what was
   * presented. With no names it is {@code delegate}.
   */
  public static X509TrustManager expectingIdentity(X509TrustManager delegate, List<String> subjectAltNames) {
    return expectingIdentity(delegate, subjectAltNames, List.of());
  }

  /**
   * As {@link #expectingIdentity(X509TrustManager, List)}, where a SAN may also start with one of
   * {@code prefixes} (Envoy's {@code prefix} SAN matcher, as xDS delivers it; each non-empty). With
   * neither names nor prefixes it is {@code delegate}.
   */
  public static X509TrustManager expectingIdentity(X509TrustManager delegate, List<String> subjectAltNames,
      List<String> prefixes) {
    requireNonNull(delegate, "delegate");
    return subjectAltNames.isEmpty() && prefixes.isEmpty() ? delegate
        : new IdentityTrustManager(delegate, subjectAltNames, prefixes);
  }

  /** An SSL context of the given managers; {@code keyManager} may be null (no client certificate). */
  public static SSLContext context(@Nullable X509KeyManager keyManager, X509TrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(keyManager == null ? null : new KeyManager[] {keyManager},
          new javax.net.ssl.TrustManager[] {trustManager}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JVM: " + e, e);
    }
  }

  /**
   * The SPIFFE id in {@code certificate}'s URI SANs (type 6), or null if it has none. DNS and IP SANs
   * never count: a {@code spiffe://} string there is not an identity.
   */
  public static @Nullable SpiffeId identity(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return null;
    }
    if (names == null) {
      return null;
    }
    for (List<?> name : names) {
      if ((Integer) name.get(0) == 6 && name.get(1) instanceof String uri) { // uniformResourceIdentifier
        SpiffeId id = SpiffeId.parse(uri);
        if (id != null) {
          return id;
        }
      }
    }
    return null;
  }

  /** The peer's SPIFFE id from a verified chain (leaf first), or null for no chain or no SPIFFE id. */
  public static @Nullable SpiffeId peerIdentity(X509Certificate @Nullable [] chain) {
    return chain == null || chain.length == 0 ? null : identity(chain[0]);
  }

  /** The URI, DNS and IP subject alternative names of {@code certificate}, in certificate order. */
  public static List<String> subjectAltNames(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (names == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (List<?> name : names) {
      int type = (Integer) name.get(0);
      if (type == 2 || type == 6 || type == 7) { // dNSName, uniformResourceIdentifier, iPAddress
        out.add(String.valueOf(name.get(1)));
      }
    }
    return out;
  }

  /**
   * The host name the TLS client asked for ({@code server_name} extension), as Envoy's {@code
   * requested_server_name} and Istio's {@code connection.sni} read it; null without SNI or when the
   * session cannot say (not an {@code ExtendedSSLSession}).
   */
  public static @Nullable String requestedServerName(SSLSession session) {
    requireNonNull(session, "session");
    if (!(session instanceof javax.net.ssl.ExtendedSSLSession extended)) {
      return null;
    }
    for (javax.net.ssl.SNIServerName name : extended.getRequestedServerNames()) {
      if (name instanceof javax.net.ssl.SNIHostName host) {
        return host.getAsciiName();
      }
    }
    return null;
  }
}
