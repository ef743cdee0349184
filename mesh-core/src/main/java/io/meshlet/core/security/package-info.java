/**
 * Server-side security policy: the mutual TLS mode a workload accepts (PeerAuthentication) and the
 * authorization engine (AuthorizationPolicy), compiled once per snapshot for this workload.
 */
@NullMarked
package io.meshlet.core.security;

import org.jspecify.annotations.NullMarked;
