package io.meshlet.core.model;

/**
 * Istio's {@code PeerAuthentication.MutualTLS.Mode}: whether a workload accepts plaintext, mutual
 * TLS or both. {@code UNSET} inherits from the next broader policy (workload, namespace, mesh).
 */
public enum MtlsMode {
  UNSET,
  DISABLE,
  PERMISSIVE,
  STRICT
}
