package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.Headers;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.LocalRateLimit;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledCors;
import io.meshlet.core.routing.CompiledDestination;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.RequestView;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.routing.ServiceRoutes;
import io.meshlet.core.routing.UnknownHosts;
import io.meshlet.core.security.InboundDecision;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.security.InboundRequest;
import io.meshlet.core.security.JwtAuthenticator;
import io.meshlet.core.security.JwtResult;
import java.util.List;
import java.util.Map;
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
  private final Listeners listeners;
  private final Mirrors mirrors;

  /**
   * @param routes the compiled routes in force (read once per call)
   * @param policies the inbound policies in force
   * @param registryOnly whether a host the mesh does not know is refused ({@code REGISTRY_ONLY}),
   *     unless the route table's Sidecar says otherwise ({@link RouteTable#registryOnly(boolean)})
   */
  public MeshPipeline(Supplier<RouteTable> routes, Supplier<InboundPolicies> policies, RandomGenerator random,
      MeshTime time, boolean registryOnly) {
    this(routes, policies, random, time, registryOnly, new Mirrors(Mirrors.DEFAULT_MAX_IN_FLIGHT), List.of());
  }

  /**
   * @param mirrors the mesh's bound on mirrored requests in flight (and their counters)
   * @param listeners hear every call ({@link CallListener}); with none, no event is ever built
   */
  public MeshPipeline(Supplier<RouteTable> routes, Supplier<InboundPolicies> policies, RandomGenerator random,
      MeshTime time, boolean registryOnly, Mirrors mirrors, List<CallListener> listeners) {
    this.mirrors = requireNonNull(mirrors, "mirrors");
    this.listeners = listeners.isEmpty() ? Listeners.NONE : new Listeners(List.copyOf(listeners));
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
    return outbound(request, callerDeadline, listeners.isEmpty() ? null : captureContext());
  }

  /**
   * {@link #outbound(RequestView, Deadline)} for a call made on another thread than this one: {@code
   * caller} is what {@link #captureContext()} returned on the caller's thread (the trace context the
   * call belongs to), or null.
   */
  public Routed outbound(RequestView request, @Nullable Deadline callerDeadline, @Nullable CallerContext caller) {
    if (listeners.isEmpty()) {
      return route(request, callerDeadline, null);
    }
    OutboundEvent event = new OutboundEvent(listeners, request, OutboundCall.isGrpc(request),
        caller == null ? null : caller.values, time.nanoTime());
    Routed routed = route(request, callerDeadline, event);
    switch (routed.kind()) {
      case FAILURE:
        CallFailure f = (CallFailure) routed;
        event.outcome(event.isGrpc() ? 200 : f.httpStatus(), event.isGrpc() ? f.grpcCode().value() : -1, f.flags());
        break;
      case LOCAL_REPLY:
        LocalReply r = (LocalReply) routed;
        event.outcome(event.isGrpc() ? 200 : r.status(), event.isGrpc() ? r.effectiveGrpcCode().value() : -1, r.flags());
        break;
      case REDIRECT:
        event.outcome(((Redirect) routed).code(), -1, ResponseFlags.NONE);
        break;
      case PASSTHROUGH:
        // One try to the address the caller named, which the adapter reports (PassthroughCluster).
        return new Passthrough(event, time);
      default:
        // FORWARD: the call reports its own events.
        return routed;
    }
    event.start();
    event.end(time.nanoTime(), ResponseFlags.NONE);
    return routed;
  }

  /**
   * What the listeners need from the thread that makes a call (the current trace context), to pass
   * to {@link #outbound(RequestView, Deadline, CallerContext)} when the call runs on another thread;
   * null when no listener needs anything.
   */
  public @Nullable CallerContext captureContext() {
    Object[] values = listeners.capture();
    return values == null ? null : new CallerContext(values);
  }

  /** True when at least one {@link CallListener} is registered (adapters may skip counting bytes otherwise). */
  public boolean hasListeners() {
    return !listeners.isEmpty();
  }

  private Routed route(RequestView asked, @Nullable Deadline callerDeadline, @Nullable OutboundEvent event) {
    RouteTable table = routes.get();
    ServiceRoutes service = table.lookup(asked.host());
    if (service == null) {
      return table.registryOnly(registryOnly)
          ? CallFailure.of(ResponseFlag.BLOCKED, UnknownHosts.BLACK_HOLE_CLUSTER + ": " + asked.host()
              + " is not known to the mesh and the outbound traffic policy is REGISTRY_ONLY")
          : Passthrough.INSTANCE;
    }
    RequestView request = service.withServicePort(asked);
    CompiledRoute route = service.match(request);
    if (event != null) {
      event.route = route;
    }
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
    if (event != null) {
      event.cluster = cluster;
    }
    return new OutboundCall(route, destination, cluster, request, callerDeadline, time, random, mirrors, event);
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
    if (listeners.isEmpty()) {
      return decide(request, callerDeadline);
    }
    InboundEvent event = new InboundEvent(listeners, request, time);
    InboundVerdict v = decide(request, callerDeadline);
    event.decided(v.decision(), v.reply());
    return new InboundVerdict(v.decision(), v.reply(), v.deadline(), v.requestHeaders(), v.responseHeaders(), event);
  }

  private InboundVerdict decide(InboundRequest request, @Nullable Deadline callerDeadline) {
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
    RouteTable table = routes.get();
    Map<String, String> corsHeaders = Map.of();
    if (table.inboundCors()) {
      CorsAnswer cors = cors(table, request);
      if (cors != null && cors.reply != null) {
        return new InboundVerdict(decision, cors.reply, null);
      }
      if (cors != null) {
        corsHeaders = cors.headers;
      }
    }
    for (LocalRateLimit limit : table.inboundRateLimits()) {
      if (!limit.tryAcquire()) {
        return new InboundVerdict(decision, LocalReply.rateLimited(limit).withHeaders(corsHeaders), null);
      }
    }
    Deadline deadline = Deadline.earliest(Deadline.current(), callerDeadline);
    return decision == null && deadline == null && requestHeaders.isEmpty() && corsHeaders.isEmpty()
        ? InboundVerdict.ALLOWED
        : new InboundVerdict(decision, null, deadline, requestHeaders, corsHeaders, null);
  }

  private record CorsAnswer(@Nullable LocalReply reply, Map<String, String> headers) {}

  /**
   * The CORS step of an inbound call (Envoy's CORS filter, after authorization): the rule of this
   * workload's own service that the call matches, and its {@code corsPolicy}'s answer. Null when
   * no rule matches, the rule has no policy, or the call is not a CORS request for it.
   */
  private static @Nullable CorsAnswer cors(RouteTable table, InboundRequest request) {
    ServiceRoutes self = table.inboundService();
    if (self == null || request.header("origin") == null) {
      return null;
    }
    InboundRequestView view = new InboundRequestView(request, self.host());
    CompiledRoute route = self.match(view);
    CompiledCors cors = route == null ? null : route.cors();
    if (cors == null) {
      return null;
    }
    switch (cors.decide(view)) {
      case PREFLIGHT:
        return new CorsAnswer(LocalReply.preflight(cors.preflightHeaders(view)), Map.of());
      case IGNORED_PREFLIGHT:
        return new CorsAnswer(LocalReply.preflight(Map.of()), Map.of());
      case ACTUAL:
        return new CorsAnswer(null, cors.responseHeaders(view));
      case NONE:
      default:
        return null;
    }
  }

  /** The mesh's bound on mirrored requests and its counters. */
  public Mirrors mirrors() {
    return mirrors;
  }

  /** The mesh's clock and scheduler (fault delays, backoff). */
  public MeshTime time() {
    return time;
  }
}
