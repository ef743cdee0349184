package io.meshlet.spring;

import java.security.KeyStore;
import java.security.Provider;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

/**
 * Key and trust manager factories that hand out given managers, for Boot's {@code SslManagerBundle}:
 * a server that reads a bundle's factories once (Spring gRPC's) still follows a rotation when the
 * managers themselves read the provider's current material on every handshake. {@code init} is a
 * no-op: the managers are already made.
 */
final class FixedManagerFactories {
  private static final Provider PROVIDER = new Provider("meshlet", "1.0", "the mesh's key and trust managers") {
    private static final long serialVersionUID = 1L;
  };
  private static final String ALGORITHM = "meshlet";

  private FixedManagerFactories() {}

  static KeyManagerFactory keyManagerFactory(KeyManager manager) {
    return new KeyManagerFactory(new KeySpi(manager), PROVIDER, ALGORITHM) {};
  }

  static TrustManagerFactory trustManagerFactory(TrustManager manager) {
    return new TrustManagerFactory(new TrustSpi(manager), PROVIDER, ALGORITHM) {};
  }

  private static final class KeySpi extends KeyManagerFactorySpi {
    private final KeyManager manager;

    KeySpi(KeyManager manager) {
      this.manager = manager;
    }

    @Override
    protected void engineInit(KeyStore keyStore, char[] password) {}

    @Override
    protected void engineInit(ManagerFactoryParameters parameters) {}

    @Override
    protected KeyManager[] engineGetKeyManagers() {
      return new KeyManager[] {manager};
    }
  }

  private static final class TrustSpi extends TrustManagerFactorySpi {
    private final TrustManager manager;

    TrustSpi(TrustManager manager) {
      this.manager = manager;
    }

    @Override
    protected void engineInit(KeyStore keyStore) {}

    @Override
    protected void engineInit(ManagerFactoryParameters parameters) {}

    @Override
    protected TrustManager[] engineGetTrustManagers() {
      return new TrustManager[] {manager};
    }
  }
}
