package io.meshlet.spring;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.MeshTls;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * The SSL bundle {@value #NAME}: the mesh's workload certificate and trust roots ({@link
 * Mesh#certificates()}), updated in the registry with every new generation the provider publishes.
 * With {@code server.ssl.bundle=mesh} Tomcat (or Jetty) serves it and reloads it on rotation; with
 * {@code server.ssl.client-auth=want} it asks callers for theirs, checked against the mesh's roots,
 * and {@code MeshServletFilter} reads their identity. Registered only when the mesh has certificates.
 *
 * <p>Two views of the same material: the key and trust stores (a snapshot per generation, which a
 * servlet container reloads on the bundle update), and the key and trust managers ({@link
 * MeshTls#keyManager}, {@link MeshTls#trustManager}: the ones {@code MeshGrpc.serverCredentials}
 * uses), which read the provider's current material on every handshake. A server that takes the
 * bundle's managers once, as Spring gRPC's does, follows a rotation through them.
 */
final class MeshSslBundle implements SslBundleRegistrar {
  static final String NAME = "mesh";
  static final String KEY_ALIAS = "mesh";
  /** The in-memory key store's password; the store never leaves the process. */
  private static final String PASSWORD = "meshlet";

  private final Mesh mesh;

  MeshSslBundle(Mesh mesh) {
    this.mesh = mesh;
  }

  @Override
  public void registerBundles(SslBundleRegistry registry) {
    CertificateProvider provider = mesh.certificates().orElse(null);
    if (provider == null) {
      return;
    }
    SslManagerBundle managers = SslManagerBundle.of(
        FixedManagerFactories.keyManagerFactory(MeshTls.keyManager(provider)),
        FixedManagerFactories.trustManagerFactory(MeshTls.trustManager(provider)));
    registry.registerBundle(NAME, bundle(provider.current(), managers));
    provider.addListener(material -> registry.updateBundle(NAME, bundle(material, managers)));
  }

  static SslBundle bundle(KeyMaterial material, SslManagerBundle managers) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      if (material.privateKey() != null) {
        keys.setKeyEntry(KEY_ALIAS, material.privateKey(), PASSWORD.toCharArray(),
            material.chain().toArray(new X509Certificate[0]));
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      List<X509Certificate> roots = material.roots();
      for (int i = 0; i < roots.size(); i++) {
        trust.setCertificateEntry("mesh-root-" + i, roots.get(i));
      }
      return SslBundle.of(SslStoreBundle.of(keys, PASSWORD, trust), SslBundleKey.of(PASSWORD, KEY_ALIAS), SslOptions.NONE,
          SslBundle.DEFAULT_PROTOCOL, managers);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("SSL bundle " + NAME + ": cannot hold " + material + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return "MeshSslBundle[" + NAME + "]";
  }
}
