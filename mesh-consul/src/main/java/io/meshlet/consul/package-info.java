/**
 * Endpoints and L7 config entries from a Consul agent, translated into the mesh model. {@link
 * io.meshlet.consul.ConsulSource} is the entry point; everything else is package-private.
 */
@NullMarked
package io.meshlet.consul;

import org.jspecify.annotations.NullMarked;
