/**
 * An xDS server for fleets without Kubernetes: Istio YAML files served as xDS, shaped as istiod's
 * proxyless generator shapes its output, so Meshlet's xDS client (and gRPC's) reads them back into
 * the same model. {@link io.meshlet.controlplane.MeshControlPlane} is the entry point; {@code Main}
 * runs it from the command line.
 */
@NullMarked
package io.meshlet.controlplane;

import org.jspecify.annotations.NullMarked;
