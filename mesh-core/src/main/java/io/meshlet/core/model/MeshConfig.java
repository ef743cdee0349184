package io.meshlet.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** A set of resources, as one source delivers it or as the merge of every source. Immutable. */
public record MeshConfig(
    List<ServiceEntry> serviceEntries,
    List<VirtualService> virtualServices,
    List<DestinationRule> destinationRules,
    List<CircuitBreakerPolicy> circuitBreakers,
    List<RateLimitPolicy> rateLimits,
    List<PeerAuthentication> peerAuthentications,
    List<AuthorizationPolicy> authorizationPolicies,
    List<TelemetryPolicy> telemetries,
    List<RequestAuthentication> requestAuthentications,
    List<Sidecar> sidecars,
    List<WorkloadEntry> workloadEntries,
    List<WorkloadGroup> workloadGroups) {

  public static final MeshConfig EMPTY = new MeshConfig(List.of(), List.of(), List.of());

  public MeshConfig {
    serviceEntries = List.copyOf(serviceEntries);
    virtualServices = List.copyOf(virtualServices);
    destinationRules = List.copyOf(destinationRules);
    circuitBreakers = List.copyOf(circuitBreakers);
    rateLimits = List.copyOf(rateLimits);
    peerAuthentications = List.copyOf(peerAuthentications);
    authorizationPolicies = List.copyOf(authorizationPolicies);
    telemetries = List.copyOf(telemetries);
    requestAuthentications = List.copyOf(requestAuthentications);
    sidecars = List.copyOf(sidecars);
    workloadEntries = List.copyOf(workloadEntries);
    workloadGroups = List.copyOf(workloadGroups);
  }

  /** Without WorkloadEntry and WorkloadGroup resources. */
  public MeshConfig(
      List<ServiceEntry> serviceEntries,
      List<VirtualService> virtualServices,
      List<DestinationRule> destinationRules,
      List<CircuitBreakerPolicy> circuitBreakers,
      List<RateLimitPolicy> rateLimits,
      List<PeerAuthentication> peerAuthentications,
      List<AuthorizationPolicy> authorizationPolicies,
      List<TelemetryPolicy> telemetries,
      List<RequestAuthentication> requestAuthentications,
      List<Sidecar> sidecars) {
    this(serviceEntries, virtualServices, destinationRules, circuitBreakers, rateLimits, peerAuthentications,
        authorizationPolicies, telemetries, requestAuthentications, sidecars, List.of(), List.of());
  }

  /** Without Telemetry, RequestAuthentication and Sidecar resources. */
  public MeshConfig(
      List<ServiceEntry> serviceEntries,
      List<VirtualService> virtualServices,
      List<DestinationRule> destinationRules,
      List<CircuitBreakerPolicy> circuitBreakers,
      List<RateLimitPolicy> rateLimits,
      List<PeerAuthentication> peerAuthentications,
      List<AuthorizationPolicy> authorizationPolicies) {
    this(serviceEntries, virtualServices, destinationRules, circuitBreakers, rateLimits, peerAuthentications,
        authorizationPolicies, List.of(), List.of(), List.of());
  }

  /** Traffic kinds only, no security policies. */
  public MeshConfig(
      List<ServiceEntry> serviceEntries,
      List<VirtualService> virtualServices,
      List<DestinationRule> destinationRules,
      List<CircuitBreakerPolicy> circuitBreakers,
      List<RateLimitPolicy> rateLimits) {
    this(serviceEntries, virtualServices, destinationRules, circuitBreakers, rateLimits, List.of(), List.of());
  }

  /** Istio's kinds only. */
  public MeshConfig(
      List<ServiceEntry> serviceEntries, List<VirtualService> virtualServices, List<DestinationRule> destinationRules) {
    this(serviceEntries, virtualServices, destinationRules, List.of(), List.of());
  }

  /** The resources sorted by kind, each kind in the order given. */
  public static MeshConfig of(Collection<? extends MeshResource> resources) {
    List<ServiceEntry> se = new ArrayList<>();
    List<VirtualService> vs = new ArrayList<>();
    List<DestinationRule> dr = new ArrayList<>();
    List<CircuitBreakerPolicy> cb = new ArrayList<>();
    List<RateLimitPolicy> rl = new ArrayList<>();
    List<PeerAuthentication> pa = new ArrayList<>();
    List<AuthorizationPolicy> ap = new ArrayList<>();
    List<TelemetryPolicy> tp = new ArrayList<>();
    List<RequestAuthentication> ra = new ArrayList<>();
    List<Sidecar> sc = new ArrayList<>();
    List<WorkloadEntry> we = new ArrayList<>();
    List<WorkloadGroup> wg = new ArrayList<>();
    for (MeshResource r : resources) {
      if (r instanceof ServiceEntry) {
        se.add((ServiceEntry) r);
      } else if (r instanceof VirtualService) {
        vs.add((VirtualService) r);
      } else if (r instanceof DestinationRule) {
        dr.add((DestinationRule) r);
      } else if (r instanceof CircuitBreakerPolicy) {
        cb.add((CircuitBreakerPolicy) r);
      } else if (r instanceof RateLimitPolicy) {
        rl.add((RateLimitPolicy) r);
      } else if (r instanceof PeerAuthentication) {
        pa.add((PeerAuthentication) r);
      } else if (r instanceof TelemetryPolicy) {
        tp.add((TelemetryPolicy) r);
      } else if (r instanceof RequestAuthentication) {
        ra.add((RequestAuthentication) r);
      } else if (r instanceof Sidecar) {
        sc.add((Sidecar) r);
      } else if (r instanceof WorkloadEntry) {
        we.add((WorkloadEntry) r);
      } else if (r instanceof WorkloadGroup) {
        wg.add((WorkloadGroup) r);
      } else {
        ap.add((AuthorizationPolicy) r);
      }
    }
    return new MeshConfig(se, vs, dr, cb, rl, pa, ap, tp, ra, sc, we, wg);
  }

  public List<MeshResource> all() {
    List<MeshResource> all = new ArrayList<>(size());
    all.addAll(serviceEntries);
    all.addAll(virtualServices);
    all.addAll(destinationRules);
    all.addAll(circuitBreakers);
    all.addAll(rateLimits);
    all.addAll(peerAuthentications);
    all.addAll(authorizationPolicies);
    all.addAll(telemetries);
    all.addAll(requestAuthentications);
    all.addAll(sidecars);
    all.addAll(workloadEntries);
    all.addAll(workloadGroups);
    return all;
  }

  public int size() {
    return serviceEntries.size() + virtualServices.size() + destinationRules.size() + circuitBreakers.size()
        + rateLimits.size() + peerAuthentications.size() + authorizationPolicies.size() + telemetries.size()
        + requestAuthentications.size() + sidecars.size() + workloadEntries.size() + workloadGroups.size();
  }
}
