package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.ResourceId;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of the server-side checks for one call, with why: the mutual TLS mode in force, the
 * policy that decided (null when none did) and a sentence a person can read.
 */
public record InboundDecision(boolean allowed, MtlsMode mtls, @Nullable ResourceId policy, String reason) {
  public InboundDecision {
    requireNonNull(mtls, "mtls");
    requireNonNull(reason, "reason");
  }
}
