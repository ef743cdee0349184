/**
 * The compiled routing tables and the request path that reads them. A {@link
 * io.meshlet.core.routing.RouteTable} is built once per snapshot on the control thread and then read
 * lock-free by every request: host lookup by hash map, first-match-wins over pre-built matchers,
 * weighted pick over a cumulative table, endpoint pick by the cluster's load balancer. Adapters
 * (OkHttp, gRPC) drive these steps through {@link io.meshlet.core.routing.RequestView}.
 */
@NullMarked
package io.meshlet.core.routing;

import org.jspecify.annotations.NullMarked;
