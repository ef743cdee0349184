/**
 * gRPC's xDS bootstrap (gRFC A27, with the fields of A29, A30, A36, A47, A53 and A65) as istio-agent
 * writes it for proxyless gRPC, read into the immutable {@link io.meshlet.xds.bootstrap.XdsBootstrap}.
 * Entry points: {@link io.meshlet.xds.bootstrap.XdsBootstrap#fromEnvironment()},
 * {@link io.meshlet.xds.bootstrap.XdsBootstrap#fromPath(java.nio.file.Path)} and
 * {@link io.meshlet.xds.bootstrap.XdsBootstrap#fromJson(String, String)}; every problem of a file is
 * reported at once in one {@link io.meshlet.xds.bootstrap.XdsBootstrapException}.
 */
@NullMarked
package io.meshlet.xds.bootstrap;

import org.jspecify.annotations.NullMarked;
