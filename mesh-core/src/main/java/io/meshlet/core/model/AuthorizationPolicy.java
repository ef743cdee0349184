package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * Istio's {@code AuthorizationPolicy} ({@code security.istio.io}): which calls a workload accepts.
 * Scope as for {@link PeerAuthentication}: a selector picks workloads in the policy's namespace;
 * without one it covers its namespace, or the mesh from the root namespace. Evaluation follows
 * Istio: any matching {@code DENY} rejects; then if any {@code ALLOW} policy applies, a call must
 * match one of its rules; {@code AUDIT} never changes the outcome. Server side only.
 *
 * <p>A policy with no rules: {@code ALLOW} matches nothing (so denies all), {@code DENY} matches
 * nothing. A rule with no fields matches everything. Strings in principals, namespaces, hosts and
 * paths are Istio's match strings: exact, {@code prefix*}, {@code *suffix} or {@code *}.
 *
 * @param selector {@code selector.matchLabels}; empty for a namespace or mesh-wide policy
 * @param targetRefs {@code targetRef}/{@code targetRefs} as {@code Kind namespace/name}; a policy
 *     that names targets (a Gateway, a Service) applies to no workload here (not yet applied)
 * @param dryRun the annotation {@value #DRY_RUN_ANNOTATION} is {@code "true"} (from xDS: the policy is
 *     one of the RBAC filter's {@code shadow_rules}): the policy is evaluated beside the enforced ones,
 *     its would-be decision logged, counted and explained, and never enforced
 */
public record AuthorizationPolicy(
    ResourceId id,
    ResourceOrigin origin,
    Map<String, String> selector,
    Action action,
    List<Rule> rules,
    List<String> notYetApplied,
    List<String> targetRefs,
    boolean dryRun)
    implements MeshResource {
  /** Istio's annotation that puts an AuthorizationPolicy in dry-run. */
  public static final String DRY_RUN_ANNOTATION = "istio.io/dry-run";

  /** {@code action}; {@code CUSTOM} (external authorization) is not supported: calls matching its rules are denied. */
  public enum Action {
    ALLOW,
    DENY,
    AUDIT,
    CUSTOM
  }

  public AuthorizationPolicy {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    selector = Map.copyOf(selector);
    requireNonNull(action, "action");
    rules = List.copyOf(rules);
    notYetApplied = List.copyOf(notYetApplied);
    targetRefs = List.copyOf(targetRefs);
  }

  /** An enforced policy (not in dry-run). */
  public AuthorizationPolicy(
      ResourceId id,
      ResourceOrigin origin,
      Map<String, String> selector,
      Action action,
      List<Rule> rules,
      List<String> notYetApplied,
      List<String> targetRefs) {
    this(id, origin, selector, action, rules, notYetApplied, targetRefs, false);
  }

  /** An enforced policy without targets (as every translator but the YAML one produces). */
  public AuthorizationPolicy(
      ResourceId id,
      ResourceOrigin origin,
      Map<String, String> selector,
      Action action,
      List<Rule> rules,
      List<String> notYetApplied) {
    this(id, origin, selector, action, rules, notYetApplied, List.of(), false);
  }

  @Override
  public List<String> exportTo() {
    return List.of();
  }

  /** True if this policy has a selector and every selector label is on {@code labels}. */
  public boolean selects(Map<String, String> labels) {
    return !selector.isEmpty() && Labels.matches(selector, labels);
  }

  /**
   * True if this policy covers a workload in {@code namespace} with {@code labels}: it sits in that
   * namespace or in {@code rootNamespace} (mesh-wide), and its selector, if any, matches. Selection
   * only: {@code targetRefs} are the caller's to weigh.
   */
  public boolean appliesTo(String namespace, Map<String, String> labels, String rootNamespace) {
    String ns = id.namespace();
    return (ns.equals(namespace) || ns.equals(rootNamespace)) && Labels.matches(selector, labels);
  }

  /**
   * One {@code rules[]} entry: it matches when some {@code from} matches (or there is none), some
   * {@code to} matches (or there is none) and every {@code when} holds.
   */
  public record Rule(List<Source> from, List<Operation> to, List<Condition> when) {
    public static final Rule ANY = new Rule(List.of(), List.of(), List.of());

    public Rule {
      from = List.copyOf(from);
      to = List.copyOf(to);
      when = List.copyOf(when);
    }
  }

  /**
   * {@code from[].source}: every non-empty field must match, a field matches when any value does,
   * and a {@code not} field when none does.
   *
   * @param principals peer identities from mutual TLS, {@code cluster.local/ns/foo/sa/bar}
   * @param ipBlocks source address of the connection ({@code 10.0.0.1} or CIDR)
   * @param remoteIpBlocks original client address (X-Forwarded-For when trusted)
   * @param requestPrincipals JWT {@code iss/sub}, from the token a RequestAuthentication validated
   * @param serviceAccounts the mTLS peer's service account as {@code namespace/name}, in any trust
   *     domain (a bare {@code name} in YAML is qualified with the policy's namespace by the translator)
   * @param trustDomains the trust domain of the mTLS peer's SPIFFE ID, as match strings ({@code
   *     cluster.local}, {@code prod-*}, {@code *})
   */
  public record Source(
      List<String> principals,
      List<String> notPrincipals,
      List<String> namespaces,
      List<String> notNamespaces,
      List<String> ipBlocks,
      List<String> notIpBlocks,
      List<String> remoteIpBlocks,
      List<String> notRemoteIpBlocks,
      List<String> requestPrincipals,
      List<String> notRequestPrincipals,
      List<String> serviceAccounts,
      List<String> notServiceAccounts,
      List<String> trustDomains,
      List<String> notTrustDomains) {
    public Source {
      trustDomains = List.copyOf(trustDomains);
      notTrustDomains = List.copyOf(notTrustDomains);
      serviceAccounts = List.copyOf(serviceAccounts);
      notServiceAccounts = List.copyOf(notServiceAccounts);
      principals = List.copyOf(principals);
      notPrincipals = List.copyOf(notPrincipals);
      namespaces = List.copyOf(namespaces);
      notNamespaces = List.copyOf(notNamespaces);
      ipBlocks = List.copyOf(ipBlocks);
      notIpBlocks = List.copyOf(notIpBlocks);
      remoteIpBlocks = List.copyOf(remoteIpBlocks);
      notRemoteIpBlocks = List.copyOf(notRemoteIpBlocks);
      requestPrincipals = List.copyOf(requestPrincipals);
      notRequestPrincipals = List.copyOf(notRequestPrincipals);
    }

    /** A source without {@code trustDomains}/{@code notTrustDomains}. */
    public Source(
        List<String> principals,
        List<String> notPrincipals,
        List<String> namespaces,
        List<String> notNamespaces,
        List<String> ipBlocks,
        List<String> notIpBlocks,
        List<String> remoteIpBlocks,
        List<String> notRemoteIpBlocks,
        List<String> requestPrincipals,
        List<String> notRequestPrincipals,
        List<String> serviceAccounts,
        List<String> notServiceAccounts) {
      this(principals, notPrincipals, namespaces, notNamespaces, ipBlocks, notIpBlocks, remoteIpBlocks,
          notRemoteIpBlocks, requestPrincipals, notRequestPrincipals, serviceAccounts, notServiceAccounts, List.of(),
          List.of());
    }

    /** A source without {@code serviceAccounts}/{@code notServiceAccounts} or trust domains. */
    public Source(
        List<String> principals,
        List<String> notPrincipals,
        List<String> namespaces,
        List<String> notNamespaces,
        List<String> ipBlocks,
        List<String> notIpBlocks,
        List<String> remoteIpBlocks,
        List<String> notRemoteIpBlocks,
        List<String> requestPrincipals,
        List<String> notRequestPrincipals) {
      this(principals, notPrincipals, namespaces, notNamespaces, ipBlocks, notIpBlocks, remoteIpBlocks,
          notRemoteIpBlocks, requestPrincipals, notRequestPrincipals, List.of(), List.of(), List.of(), List.of());
    }
  }

  /** {@code to[].operation}: same matching as {@link Source}. Ports are the workload's own port. */
  public record Operation(
      List<String> hosts,
      List<String> notHosts,
      List<Integer> ports,
      List<Integer> notPorts,
      List<String> methods,
      List<String> notMethods,
      List<String> paths,
      List<String> notPaths) {
    public Operation {
      hosts = List.copyOf(hosts);
      notHosts = List.copyOf(notHosts);
      ports = List.copyOf(ports);
      notPorts = List.copyOf(notPorts);
      methods = List.copyOf(methods);
      notMethods = List.copyOf(notMethods);
      paths = List.copyOf(paths);
      notPaths = List.copyOf(notPaths);
    }
  }

  /**
   * {@code when[]}: {@code key} is one of Istio's attributes ({@code request.headers[name]},
   * {@code source.ip}, {@code remote.ip}, {@code source.namespace}, {@code source.principal},
   * {@code destination.ip}, {@code destination.port}, {@code connection.sni}, {@code
   * source.serviceAccount} (values {@code namespace/name}, qualified by the translator), ...; those Meshlet knows are listed, with
   * what each means, in {@code io.meshlet.core.security.PolicyValues.WhenKey}). It holds when the
   * attribute matches some value (or {@code values} is empty) and matches no {@code notValues}.
   */
  public record Condition(String key, List<String> values, List<String> notValues) {
    public Condition {
      requireNonNull(key, "key");
      values = List.copyOf(values);
      notValues = List.copyOf(notValues);
    }
  }
}
