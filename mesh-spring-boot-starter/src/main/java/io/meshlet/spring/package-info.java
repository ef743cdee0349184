/**
 * Spring Boot auto-configuration for Meshlet: one {@link io.meshlet.core.Mesh} bean from {@code
 * mesh.*} properties ({@link io.meshlet.spring.MeshProperties}), {@link io.meshlet.spring.MeshClient}
 * interfaces over a meshed {@code RestClient}, {@link io.meshlet.spring.MeshHttpClients} to mesh the
 * application's own clients, the servlet filter, the {@code mesh} actuator endpoint and health. It
 * only adapts Spring to the mesh's own API; every decision is the mesh's.
 */
@NullMarked
package io.meshlet.spring;

import org.jspecify.annotations.NullMarked;
