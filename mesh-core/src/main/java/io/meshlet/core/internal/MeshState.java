package io.meshlet.core.internal;

import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.snapshot.MeshSnapshot;

/**
 * A snapshot and the tables compiled from it (outbound routes, inbound policies), published
 * together through one volatile reference.
 */
public record MeshState(MeshSnapshot snapshot, RouteTable routes, InboundPolicies inbound) {}
