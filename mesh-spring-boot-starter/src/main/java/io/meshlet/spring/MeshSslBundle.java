package io.meshlet.spring;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.KeyMaterial;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * The SSL bundle {@value #NAME}: the mesh's workload certificate and trust roots ({@link
 * Mesh#certificates()}), updated in the registry with every new generation the provider publishes.
 * With {@code server.ssl.bundle=mesh} Tomcat (or Jetty) serves it and reloads it on rotation; with
 * {@code server.ssl.client-auth=want} it asks callers for theirs, checked against the mesh's roots,
 * and {@code MeshServletFilter} reads their identity. Registered only when the mesh has certificates.
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
    registry.registerBundle(NAME, bundle(provider.current()));
    provider.addListener(material -> registry.updateBundle(NAME, bundle(material)));
  }

  static SslBundle bundle(KeyMaterial material) {
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
      return SslBundle.of(SslStoreBundle.of(keys, PASSWORD, trust), SslBundleKey.of(PASSWORD, KEY_ALIAS));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("SSL bundle " + NAME + ": cannot hold " + material + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return "MeshSslBundle[" + NAME + "]";
  }
}
