package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.LocalRateLimit;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledDestination;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.RequestView;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.routing.ServiceRoutes;
import io.meshlet.core.security.InboundDecision;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.security.InboundRequest;
import io.meshlet.core.security.JwtAuthenticator;
import io.meshlet.core.security.JwtResult;
import io.meshlet.core.model.Headers;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's one request pipeline, outbound and inbound, for every transport. An adapter (OkHttp,
 * Servlet, gRPC client, gRPC server) translates its request into a {@link RequestView} or {@link
 * InboundRequest}, asks here, and carries out the answer; it never repeats a step of its own.
 *
 * <p>Outbound, in Envoy's router order: host lookup ({@code REGISTRY_ONLY}) → route match → route
 * rate limit → redirect or direct response → weighted destination → cluster → then, on the {@link
 * OutboundCall}: fault delay → fault abort → circuit breaker and pool admission → tries (endpoint,
 * timeout) → retries → response flags. Inbound: PeerAuthentication and AuthorizationPolicy (the peer
 * identity comes with the request) → server-side rate limits → the caller's deadline.
 *
 * <p>Reads the published route table and policies once per call: lock-free, never blocking.
 */
public final class MeshPipeline {
  private static final Logger log = LoggerFactory.getLogger(MeshPipeline.class);

  private final Supplier<RouteTable> routes;
  private final Supplier<InboundPolicies> policies;
  private final RandomGenerator random;
  private final MeshTime time;
  private final boolean registryOnly;

  /**
   * @param routes the compiled routes in force (read once per call)
   * @param policies the inbound policies in force
   * @param registryOnly whether a host the mesh does not know is refused ({@code REGISTRY_ONLY})
   */
  public MeshPipeline(Supplier<RouteTable> routes, Supplier<InboundPolicies> policies, RandomGenerator random,
      MeshTime time, boolean registryOnly) {
    this.routes = requireNonNull(routes, "routes");
    this.policies = requireNonNull(policies, "policies");
    this.random = requireNonNull(random, "random");
    this.time = requireNonNull(time, "time");
    this.registryOnly = registryOnly;
  }

  /**
   * Decides an outbound request. {@code callerDeadline} is the time the caller has (the thread's
   * {@link Deadline#current()} for a synchronous caller, the call's own deadline for gRPC); the
   * route's timeout comes on top, the earlier one wins.
   */
  public Routed outbound(RequestView request, @Nullable Deadline callerDeadline) {
    ServiceRoutes service = routes.get().lookup(request.host());
    if (service == null) {
      return registryOnly
          ? CallFailure.of(ResponseFlag.BLOCKED, request.host()
              + " is not known to the mesh and the outbound traffic policy is REGISTRY_ONLY")
          : Passthrough.INSTANCE;
    }
    CompiledRoute route = service.match(request);
    if (route == null) {
      return CallFailure.of(ResponseFlag.NR, "no route for " + request + " in "
          + (service.virtualService() != null ? service.virtualService().id() : service.host()));
    }
    LocalRateLimit limit = route.rateLimit();
    if (limit != null && !limit.tryAcquire()) {
      return LocalReply.rateLimited(limit);
    }
    switch (route.action()) {
      case DIRECT_RESPONSE:
        return LocalReply.direct(route);
      case REDIRECT:
        return new Redirect(route);
      case FORWARD:
      default:
        break;
    }
    CompiledDestination destination = route.pickDestination(random);
    Cluster cluster = destination.cluster(request.port());
    if (cluster == null) {
      return CallFailure.of(ResponseFlag.NC, destination.unavailableReason(request.port()));
    }
    return new OutboundCall(route, destination, cluster, request, callerDeadline, time, random);
  }

  /**
   * Decides an inbound call: the workload's PeerAuthentication, RequestAuthentication (a refused
   * token answers 401 with Envoy's body; a valid one gives the call its {@code request.auth.*} and
   * the verdict its request header changes) and AuthorizationPolicy (all skipped when it has
   * nothing to enforce: the verdict then carries no decision), then its server-side rate
   * limits; an allowed call carries the earlier of the thread's and {@code callerDeadline}, which
   * the adapter attaches while the application serves it.
   */
  public InboundVerdict inbound(InboundRequest request, @Nullable Deadline callerDeadline) {
    InboundPolicies p = policies.get();
    InboundDecision decision = null;
    Headers requestHeaders = Headers.NONE;
    if (!p.enforcesNothing()) {
      InboundRequest checked = request;
      JwtAuthenticator jwt = p.jwt();
      if (!jwt.isEmpty()) {
        JwtResult auth = jwt.authenticate(request);
        if (auth.refused()) {
          InboundDecision mtls = p.mtlsRefusal(request);
          if (mtls != null) {
            return new InboundVerdict(mtls, LocalReply.denied(), null); // mutual TLS comes before the token
          }
          decision = new InboundDecision(false, p.mtlsMode(request.destinationPort()), auth.source(),
              "denied: JWT refused by " + auth.source() + ": " + auth.failure());
          if (log.isDebugEnabled()) {
            log.debug("unauthenticated {}: {}", request, decision.reason());
          }
          return new InboundVerdict(decision, LocalReply.unauthenticated(requireNonNull(auth.failure()),
              (request.secure() ? "https://" : "http://") + request.host() + request.path()), null);
        }
        checked = auth.applyTo(request);
        requestHeaders = auth.requestHeaders();
      }
      decision = p.check(checked);
      if (!decision.allowed()) {
        if (log.isDebugEnabled()) {
          log.debug("denied {}: {} (policy {}, mTLS {})", checked, decision.reason(), decision.policy(), decision.mtls());
        }
        return new InboundVerdict(decision, LocalReply.denied(), null);
      }
    }
    for (LocalRateLimit limit : routes.get().inboundRateLimits()) {
      if (!limit.tryAcquire()) {
        return new InboundVerdict(decision, LocalReply.rateLimited(limit), null);
      }
    }
    Deadline deadline = Deadline.earliest(Deadline.current(), callerDeadline);
    return decision == null && deadline == null && requestHeaders.isEmpty() ? InboundVerdict.ALLOWED
        : new InboundVerdict(decision, null, deadline, requestHeaders);
  }

  /** The mesh's clock and scheduler (fault delays, backoff). */
  public MeshTime time() {
    return time;
  }
}
