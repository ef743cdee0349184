package io.meshlet.core.routing;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.config.ConfigLimits;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.DelegatedRule;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Istio's VirtualService delegation, applied to a whole merged config before routes are built (by the route table
 * compiler and by mesh-control-plane alike): every root rule with a {@code delegate} is replaced by the delegate's
 * rules, each one's match merged under the root rule's ({@link DelegateMatches}) and the root rule's other fields
 * filling in what the delegate rule leaves unset, as {@code pilot/pkg/model/virtualservice.go} ({@code
 * MergeHTTPRoutes}) does. A delegate that is missing or not exported to the root's namespace leaves its root rule
 * out; a delegate rule whose match conflicts with the root's is dropped; merged rules beyond {@link
 * ConfigLimits#MAX_HTTP_RULES} are left out. Each case is a warning.
 */
public final class VirtualServiceDelegation {
  private static final Pattern RULE_PATH = Pattern.compile("^http\\[(\\d+)](.*)$", Pattern.DOTALL);

  /**
   * The config with every root VirtualService merged (the same instance when nothing delegates), and what was left out.
   *
   * @param rootRules for each merged root, the index in its own {@code http[]} of each merged rule (the delegating
   *     rule, for one that came from a delegate)
   */
  public record Resolved(MeshConfig config, List<ConfigProblem> warnings, Map<ResourceId, List<Integer>> rootRules) {
    public Resolved {
      requireNonNull(config, "config");
      warnings = List.copyOf(warnings);
      rootRules = Map.copyOf(rootRules);
    }

    /** The index in {@code vs}'s own {@code http[]} of its merged rule {@code rule}: what paths in messages use. */
    public int sourceRule(ResourceId vs, int rule) {
      List<Integer> rules = rootRules.get(vs);
      return rules == null ? rule : rules.get(rule);
    }
  }

  private final Map<String, VirtualService> delegates = new java.util.LinkedHashMap<>();
  private final List<ConfigProblem> warnings = new ArrayList<>();
  private final Map<ResourceId, List<Integer>> rootRules = new HashMap<>();
  /** The delegates some root rule merged (identity: one per resource). */
  private final java.util.Set<VirtualService> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  private VirtualServiceDelegation() {}

  public static Resolved resolve(MeshConfig config) {
    requireNonNull(config, "config");
    VirtualServiceDelegation d = new VirtualServiceDelegation();
    for (VirtualService vs : config.virtualServices()) {
      if (vs.hosts().isEmpty()) {
        d.delegates.putIfAbsent(key(vs.id().namespace(), vs.id().name()), vs);
      }
    }
    if (d.delegates.isEmpty() && config.virtualServices().stream().noneMatch(VirtualServiceDelegation::isRoot)) {
      return new Resolved(config, List.of(), Map.of());
    }
    List<VirtualService> out = new ArrayList<>(config.virtualServices().size());
    for (VirtualService vs : config.virtualServices()) {
      out.add(isRoot(vs) ? d.merge(vs) : vs);
    }
    for (VirtualService delegate : d.delegates.values()) {
      if (!d.used.contains(delegate)) {
        d.warn(delegate, "hosts", "none: a delegate VirtualService, and no root VirtualService's http[].delegate"
            + " names it (or it is not exported to the root's namespace): it routes nothing");
      }
    }
    MeshConfig merged = new MeshConfig(config.serviceEntries(), out, config.destinationRules(), config.circuitBreakers(),
        config.rateLimits(), config.peerAuthentications(), config.authorizationPolicies(), config.telemetries(),
        config.requestAuthentications(), config.sidecars());
    return new Resolved(merged, d.warnings, d.rootRules);
  }

  private static boolean isRoot(VirtualService vs) {
    for (HttpRoute r : vs.http()) {
      if (r.delegate() != null) {
        return true;
      }
    }
    return false;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private VirtualService merge(VirtualService root) {
    List<HttpRoute> http = new ArrayList<>();
    List<Integer> sources = new ArrayList<>();
    Map<Integer, List<Integer>> newIndexes = new HashMap<>();
    for (int k = 0; k < root.http().size(); k++) {
      HttpRoute rule = root.http().get(k);
      List<Integer> at = newIndexes.computeIfAbsent(k, x -> new ArrayList<>());
      ResourceId ref = rule.delegate();
      if (ref == null) {
        at.add(http.size());
        http.add(rule);
        sources.add(k);
        continue;
      }
      VirtualService delegate = delegates.get(key(ref.namespace(), ref.name()));
      String fallsThrough = ": this rule produces no route (as in Istio); requests it matches fall through to the next rule";
      if (delegate == null) {
        warn(root, "http[" + k + "].delegate", "VirtualService " + key(ref.namespace(), ref.name())
            + " (a VirtualService without hosts) is not found" + fallsThrough);
        continue;
      }
      if (!delegate.visibleTo(root.id().namespace())) {
        warn(root, "http[" + k + "].delegate", "VirtualService " + key(ref.namespace(), ref.name())
            + " is not exported to namespace " + root.id().namespace() + " (exportTo " + delegate.exportTo() + ")"
            + fallsThrough);
        continue;
      }
      used.add(delegate);
      for (int d = 0; d < delegate.http().size(); d++) {
        HttpRoute leaf = delegate.http().get(d);
        DelegateMatches.Merged m = DelegateMatches.merge(rule.matches(), leaf.matches());
        if (m.conflict() != null) {
          warn(delegate, "http[" + d + "].match", m.conflict() + ", the match of VirtualService "
              + key(root.id().namespace(), root.id().name()) + " http[" + k + "] that delegates to it;"
              + " this rule is dropped under that root rule, as Istio drops it");
          continue;
        }
        at.add(http.size());
        http.add(merged(rule, leaf, m, new DelegatedRule(root.id(), k, delegate.id(), delegate.origin(), d)));
        sources.add(k);
      }
    }
    String tooMany = ConfigLimits.httpRulesProblem(http.size());
    if (tooMany != null) {
      // The limit a single VirtualService's http[] is held to, counted after the merge. Istio has no such limit,
      // so the root is not refused: the rules past it are left out, with a warning, as a dropped delegate rule is.
      warn(root, "http", tooMany + " once its delegates are merged; the merged rules after the first "
          + ConfigLimits.MAX_HTTP_RULES + " are left out (requests only they would match get no route)");
      http = new ArrayList<>(http.subList(0, ConfigLimits.MAX_HTTP_RULES));
      sources = new ArrayList<>(sources.subList(0, ConfigLimits.MAX_HTTP_RULES));
    }
    rootRules.put(root.id(), List.copyOf(sources));
    return new VirtualService(root.id(), root.origin(), root.hosts(), root.gateways(), http, root.exportTo(),
        renumber(root.notYetApplied(), newIndexes, http.size()));
  }

  /** Istio's {@code mergeHTTPRoute}: the delegate rule, with the root rule's fields where the delegate leaves them unset. */
  private static HttpRoute merged(HttpRoute root, HttpRoute leaf, DelegateMatches.Merged m, DelegatedRule from) {
    return new HttpRoute(
        DelegateMatches.joinNames(root.name(), leaf.name()),
        m.matches(),
        leaf.destinations(),
        leaf.redirect(),
        leaf.directResponse() != null ? leaf.directResponse() : root.directResponse(),
        // Envoy ignores a rewrite on a redirecting route; not carrying one keeps the merged rule valid.
        leaf.rewrite() != null || leaf.redirect() != null ? leaf.rewrite() : root.rewrite(),
        leaf.headers().isEmpty() ? root.headers() : leaf.headers(),
        leaf.timeout() != null ? leaf.timeout() : root.timeout(),
        leaf.retries() != null ? leaf.retries() : root.retries(),
        leaf.fault() != null ? leaf.fault() : root.fault(),
        leaf.mirrors().isEmpty() ? root.mirrors() : leaf.mirrors(),
        leaf.cors() != null ? leaf.cors() : root.cors(),
        null,
        from);
  }

  /** The root's not-yet-applied paths in the merged rule numbering ({@code http[k]...} of a delegating rule: each merged rule). */
  private static List<String> renumber(List<String> paths, Map<Integer, List<Integer>> newIndexes, int kept) {
    List<String> out = new ArrayList<>(paths.size());
    for (String p : paths) {
      Matcher matcher = RULE_PATH.matcher(p);
      if (!matcher.matches()) {
        out.add(p);
        continue;
      }
      for (int j : newIndexes.getOrDefault(Integer.parseInt(matcher.group(1)), List.of())) {
        if (j < kept) {
          out.add("http[" + j + "]" + matcher.group(2));
        }
      }
    }
    return out;
  }

  private void warn(VirtualService vs, String path, String message) {
    warnings.add(ConfigProblem.warning(vs.id(), vs.origin().location(), path, message));
  }
}
