/**
 * Envoy's xDS resources (Listener, RouteConfiguration, Cluster, ClusterLoadAssignment) into the mesh
 * model, with pure static functions and no state: {@link io.meshlet.xds.translate.XdsTranslator}.
 * The mapping is fixed in {@code mesh-xds-client/DEVELOPER.md}; no protobuf type leaves this package
 * except as the translator's input.
 */
@NullMarked
package io.meshlet.xds.translate;

import org.jspecify.annotations.NullMarked;
