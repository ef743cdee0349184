/**
 * Resilience in the request path, transport-neutral: timeouts and deadlines, retries with budgets,
 * connection-pool limits (Resilience4j bulkheads), outlier detection and fault injection. Adapters
 * drive a {@code io.meshlet.core.routing.ResilientCall} per request; the HTTP adapter uses it now
 * and the gRPC adapter will use it unchanged.
 */
@NullMarked
package io.meshlet.core.resilience;

import org.jspecify.annotations.NullMarked;
