package io.meshlet.core.identity;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * Checks the server's identity against the expected subject alternative names after the chain is
 * trusted: a SAN equal to one of {@code exact} (compared exactly: {@code *} is an ordinary
 * character, as Istio matches DestinationRule {@code subjectAltNames}), or starting with one of
 * {@code prefixes} (Envoy's {@code prefix} SAN matcher, as xDS delivers it; never empty).
 */
final class IdentityTrustManager implements X509TrustManager {
  private final X509TrustManager delegate;
  private final List<String> exact;
  private final List<String> prefixes;

  IdentityTrustManager(X509TrustManager delegate, List<String> exact, List<String> prefixes) {
    this.delegate = delegate;
    this.exact = List.copyOf(exact);
    this.prefixes = List.copyOf(prefixes);
    for (String p : this.prefixes) {
      if (p.isEmpty()) {
        throw new IllegalArgumentException("subjectAltName prefix: '' (expected: a non-empty prefix)");
      }
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    List<String> presented = MeshTls.subjectAltNames(chain[0]);
    for (String name : presented) {
      if (matches(exact, prefixes, name)) {
        return;
      }
    }
    List<String> expected = new ArrayList<>(exact);
    prefixes.forEach(p -> expected.add("prefix " + p));
    throw new CertificateException("server identity " + presented + " is not one of the expected subjectAltNames "
        + expected);
  }

  /** True if {@code presented} equals one of {@code exact} or starts with one of the (non-empty) {@code prefixes}. */
  static boolean matches(List<String> exact, List<String> prefixes, String presented) {
    if (exact.contains(presented)) {
      return true;
    }
    for (String p : prefixes) {
      if (!p.isEmpty() && presented.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
