package io.meshlet.core.identity;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies peers against the provider's current roots (the JDK's PKIX checks), rebuilding its
 * delegate when the roots change. Host names are not checked here: mesh peers are identified by
 * their SPIFFE id, which callers check on top.
 */
final class ProviderTrustManager implements X509TrustManager {
  private final CertificateProvider provider;
  private volatile Delegate delegate;

  private record Delegate(List<X509Certificate> roots, X509TrustManager trustManager) {}

  ProviderTrustManager(CertificateProvider provider) {
    this.provider = provider;
    List<X509Certificate> roots = provider.current().roots();
    this.delegate = new Delegate(roots, MeshTls.trustManager(roots));
  }

  private X509TrustManager delegate() {
    List<X509Certificate> roots = provider.current().roots();
    Delegate d = delegate;
    if (d.roots != roots && !d.roots.equals(roots)) {
      d = new Delegate(roots, MeshTls.trustManager(roots));
      delegate = d;
    }
    return d.trustManager;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate().checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate().getAcceptedIssuers();
  }

  static X509TrustManager pkix(List<X509Certificate> roots) throws GeneralSecurityException, java.io.IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    for (int i = 0; i < roots.size(); i++) {
      store.setCertificateEntry("root-" + i, roots.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager) {
        return (X509TrustManager) tm;
      }
    }
    throw new IllegalStateException("PKIX: no X509TrustManager");
  }
}
