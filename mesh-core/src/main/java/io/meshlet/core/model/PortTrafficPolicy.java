package io.meshlet.core.model;

import org.jspecify.annotations.Nullable;

/** One entry of {@code trafficPolicy.portLevelSettings}: overrides for one destination port. */
public record PortTrafficPolicy(int port, @Nullable LoadBalancerSettings loadBalancer) {}
