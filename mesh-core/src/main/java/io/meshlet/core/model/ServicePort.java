package io.meshlet.core.model;

import org.jspecify.annotations.Nullable;

/** Istio's {@code ServicePort}. {@code targetPort} 0 means the same as {@code number}. */
public record ServicePort(int number, String protocol, @Nullable String name, int targetPort) {}
