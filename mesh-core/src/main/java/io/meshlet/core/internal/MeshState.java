package io.meshlet.core.internal;

import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.snapshot.MeshSnapshot;

/** A snapshot and the table compiled from it, published together through one volatile reference. */
public record MeshState(MeshSnapshot snapshot, RouteTable routes) {}
