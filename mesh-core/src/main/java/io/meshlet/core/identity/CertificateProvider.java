package io.meshlet.core.identity;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;

/**
 * The workload's current key material (certificate chain, private key, trust roots), which may
 * change while the mesh runs (rotation). TLS contexts from {@link MeshTls} read {@link #current()}
 * on every handshake, so new connections use new material without rebuilding clients or servers.
 */
public interface CertificateProvider extends AutoCloseable {
  /** The material in force now. Never blocks. */
  KeyMaterial current();

  /**
   * Calls {@code listener} with each new material after it is in force. Listeners must be fast and
   * must not throw; they run on the provider's thread.
   */
  default void addListener(Consumer<KeyMaterial> listener) {}

  default void removeListener(Consumer<KeyMaterial> listener) {}

  /** Stops watching for new material. */
  @Override
  default void close() {}

  /** A provider whose material never changes. */
  static CertificateProvider of(KeyMaterial material) {
    requireNonNull(material, "material");
    return new CertificateProvider() {
      @Override
      public KeyMaterial current() {
        return material;
      }

      @Override
      public String toString() {
        return "CertificateProvider[" + material + "]";
      }
    };
  }
}
