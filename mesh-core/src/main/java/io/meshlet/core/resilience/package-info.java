/**
 * Resilience in the request path, transport-neutral: timeouts and deadlines, retries with budgets,
 * connection-pool limits (Resilience4j bulkheads), outlier detection and fault injection. The
 * pipeline's {@code io.meshlet.core.pipeline.OutboundCall} applies them per request, for every
 * adapter.
 */
@NullMarked
package io.meshlet.core.resilience;

import org.jspecify.annotations.NullMarked;
