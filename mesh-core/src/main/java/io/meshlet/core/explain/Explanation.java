package io.meshlet.core.explain;

import io.meshlet.core.model.DelegatedRule;
import io.meshlet.core.model.ResourceId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Why one request goes where it goes. {@link #toString()} renders it for a person; the fields are
 * there for tools (the actuator's JSON, tests).
 *
 * @param request the request, as given
 * @param outcome what the mesh does with it
 * @param hostResolution how the host the caller used was resolved
 * @param virtualService the VirtualService that routes it, if any
 * @param rules each rule considered, in order, with why it was skipped
 * @param matchedRule the index of the rule that matched ({@code -1}: a service's default route or none)
 * @param destinations the weighted destinations of the matched rule and the bucket the draw fell in
 * @param cluster the cluster (service, port, subset) chosen
 * @param loadBalancer the load-balancing policy, with the hash key if it hashes
 * @param endpoints the cluster's endpoints
 * @param endpoint the endpoint picked
 * @param actions what the route changes or answers (rewrite, headers, redirect, direct response)
 * @param policies the resilience in force: the rule's timeout, retries and faults, the cluster's
 *     limits, budget and outlier detection, ejected endpoints and panic
 * @param notes warnings about the resources involved (fields not yet applied, missing subsets)
 * @param message the outcome in one sentence
 */
public record Explanation(
    String request,
    Outcome outcome,
    String hostResolution,
    @Nullable ResourceId virtualService,
    @Nullable String virtualServiceOrigin,
    List<RuleCheck> rules,
    int matchedRule,
    List<WeightedChoice> destinations,
    @Nullable String cluster,
    @Nullable String loadBalancer,
    List<String> endpoints,
    @Nullable String endpoint,
    List<String> actions,
    List<String> policies,
    List<String> notes,
    String message) {

  public Explanation {
    rules = List.copyOf(rules);
    destinations = List.copyOf(destinations);
    endpoints = List.copyOf(endpoints);
    actions = List.copyOf(actions);
    policies = List.copyOf(policies);
    notes = List.copyOf(notes);
  }

  /** What the mesh does with the request; the Envoy response flag, where one applies, is in parentheses. */
  public enum Outcome {
    /** Sent to an endpoint of the mesh. */
    FORWARD,
    /** Sent to the address the caller asked for (unknown host under ALLOW_ANY, or a passthrough service). */
    PASSTHROUGH,
    REDIRECT,
    DIRECT_RESPONSE,
    /** No rule matched ({@code NR}). */
    NO_ROUTE,
    /** The destination has no cluster: unknown host, undefined subset or port ({@code NC}). */
    NO_CLUSTER,
    /** The cluster has no endpoint ({@code UH}). */
    NO_ENDPOINT,
    /** Unknown host under REGISTRY_ONLY. */
    BLOCKED
  }

  /**
   * One rule of the VirtualService and whether it matched.
   *
   * @param delegatedFrom for a rule merged from a delegate VirtualService, which rule of which delegate under which
   *     root rule; null otherwise
   */
  public record RuleCheck(int index, @Nullable String name, boolean matched, List<String> reasons,
      @Nullable DelegatedRule delegatedFrom) {
    public RuleCheck {
      reasons = List.copyOf(reasons);
    }

    /** A rule of the VirtualService itself. */
    public RuleCheck(int index, @Nullable String name, boolean matched, List<String> reasons) {
      this(index, name, matched, reasons, null);
    }
  }

  /** One weighted destination: its share {@code [from, to)} of the total weight and whether the draw chose it. */
  public record WeightedChoice(String destination, int weight, int from, int to, boolean chosen) {}

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("request:   ").append(request).append('\n');
    sb.append("outcome:   ").append(outcome).append(" - ").append(message).append('\n');
    sb.append("host:      ").append(hostResolution).append('\n');
    if (virtualService != null) {
      sb.append("routed by: ").append(virtualService).append(" (").append(virtualServiceOrigin).append(")\n");
    }
    for (RuleCheck r : rules) {
      sb.append("  http[").append(r.index()).append(']');
      if (r.name() != null) {
        sb.append(" \"").append(r.name()).append('"');
      }
      if (r.delegatedFrom() != null) {
        sb.append(" (").append(r.delegatedFrom()).append(')');
      }
      if (r.matched()) {
        sb.append(": MATCHED\n");
      } else {
        sb.append(": skipped - ").append(String.join("; ", r.reasons())).append('\n');
      }
    }
    if (!destinations.isEmpty()) {
      sb.append("split:\n");
      for (WeightedChoice d : destinations) {
        sb.append("  ").append(d.chosen() ? "* " : "  ").append(d.destination()).append(" weight ").append(d.weight())
            .append(" [").append(d.from()).append(',').append(d.to()).append(')').append('\n');
      }
    }
    if (cluster != null) {
      sb.append("cluster:   ").append(cluster).append('\n');
    }
    if (loadBalancer != null) {
      sb.append("lb:        ").append(loadBalancer).append('\n');
    }
    if (!endpoints.isEmpty()) {
      sb.append("endpoints: ").append(String.join(", ", endpoints)).append('\n');
    }
    if (endpoint != null) {
      sb.append("endpoint:  ").append(endpoint).append('\n');
    }
    for (String a : actions) {
      sb.append("action:    ").append(a).append('\n');
    }
    for (String p : policies) {
      sb.append("policy:    ").append(p).append('\n');
    }
    for (String n : notes) {
      sb.append("note:      ").append(n).append('\n');
    }
    return sb.toString();
  }
}
