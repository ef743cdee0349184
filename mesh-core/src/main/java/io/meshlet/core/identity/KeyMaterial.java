package io.meshlet.core.identity;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One generation of a workload's key material: its certificate chain (leaf first) with the matching
 * private key, and the roots it trusts for its peers. Without an identity ({@code chain} empty, key
 * null) it only verifies peers.
 */
public record KeyMaterial(List<X509Certificate> chain, @Nullable PrivateKey privateKey, List<X509Certificate> roots) {
  public KeyMaterial {
    chain = List.copyOf(chain);
    roots = List.copyOf(roots);
    if (chain.isEmpty() != (privateKey == null)) {
      throw new IllegalArgumentException("chain: " + chain.size() + " certificates, privateKey: "
          + (privateKey == null ? "none" : privateKey.getAlgorithm()) + " (expected: both or neither)");
    }
    if (privateKey != null && !Keys.matches(chain.get(0).getPublicKey(), privateKey)) {
      throw new IllegalArgumentException("privateKey: does not match the certificate "
          + chain.get(0).getSubjectX500Principal() + " (expected: the key the certificate was issued for)");
    }
  }

  /** Material that only verifies peers (no identity of its own). */
  public static KeyMaterial trustOnly(List<X509Certificate> roots) {
    return new KeyMaterial(List.of(), null, requireNonNull(roots, "roots"));
  }

  /** The workload's own certificate, or null without an identity. */
  public @Nullable X509Certificate leaf() {
    return chain.isEmpty() ? null : chain.get(0);
  }

  /** The SPIFFE id in the leaf's URI SAN, or null. */
  public @Nullable SpiffeId identity() {
    X509Certificate leaf = leaf();
    return leaf == null ? null : MeshTls.identity(leaf);
  }

  @Override
  public String toString() {
    X509Certificate leaf = leaf();
    return "KeyMaterial[" + (leaf == null ? "no identity" : MeshTls.subjectAltNames(leaf) + " until " + leaf.getNotAfter())
        + ", " + roots.size() + " roots]";
  }
}
