package io.meshlet.core.identity;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * Checks the server's identity against the expected subject alternative names after the chain is
 * trusted: exact, or a prefix when the expected name ends with {@code *} (the form xDS translation
 * gives Envoy's {@code prefix} SAN matcher).
 */
final class IdentityTrustManager implements X509TrustManager {
  private final X509TrustManager delegate;
  private final List<String> expected;

  IdentityTrustManager(X509TrustManager delegate, List<String> expected) {
    this.delegate = delegate;
    this.expected = List.copyOf(expected);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    List<String> presented = MeshTls.subjectAltNames(chain[0]);
    for (String name : presented) {
      for (String e : expected) {
        if (matches(e, name)) {
          return;
        }
      }
    }
    throw new CertificateException("server identity " + presented + " is not one of the expected subjectAltNames "
        + expected);
  }

  /** {@code expected} exactly, or as a prefix when it ends with {@code *}. */
  static boolean matches(String expected, String presented) {
    int last = expected.length() - 1;
    return last >= 0 && expected.charAt(last) == '*'
        ? presented.regionMatches(0, expected, 0, last)
        : expected.equals(presented);
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
