/**
 * The xDS v3 client: gRPC's bootstrap, the ADS stream to a control plane (istiod or
 * mesh-control-plane), and the translation of Envoy resources into the mesh model. No protobuf type
 * leaves this module.
 */
@NullMarked
package io.meshlet.xds;

import org.jspecify.annotations.NullMarked;
