package io.meshlet.core.config.istio;

import io.meshlet.core.model.ResourceId;
import org.jspecify.annotations.Nullable;

/**
 * Istio's validation of VirtualService delegation: a root rule's {@code delegate} and a delegate VirtualService
 * (one without {@code hosts}). Delegation itself is applied by {@code VirtualServiceDelegation} when routes are built,
 * across every file and source.
 */
final class DelegateRules {
  private DelegateRules() {}

  /**
   * Checks {@code rule.delegate}: the delegate it names (its namespace defaults to {@code namespace}, the root's),
   * or null when it is not well formed (then reported as errors).
   */
  static @Nullable ResourceId check(YamlObject rule, String namespace, boolean inDelegate) {
    Problems problems = rule.problems();
    String path = rule.path("delegate");
    YamlObject delegate = rule.object("delegate");
    if (delegate == null) {
      return null; // object() has reported a value that is not a mapping
    }
    boolean ok = true;
    String name = delegate.string("name");
    String delegateNamespace = delegate.string("namespace");
    if (name == null || name.isEmpty()) {
      problems.error(delegate.path("name"), "missing (expected: the name of the delegate VirtualService)");
      ok = false;
    }
    if (inDelegate) {
      problems.error(path, "not allowed in a delegate VirtualService (delegation is one level only)");
      ok = false;
    }
    for (String action : new String[] {"route", "redirect", "directResponse"}) {
      if (rule.has(action)) {
        problems.error(rule.path(action), action + " cannot be combined with delegate");
        ok = false;
      }
    }
    if (!ok || name == null) {
      return null;
    }
    return new ResourceId(Kinds.VIRTUAL_SERVICE, delegateNamespace == null || delegateNamespace.isEmpty()
        ? namespace : delegateNamespace, name);
  }

  /** A VirtualService without hosts: Istio's rules for delegates (it routes only through a root's delegate rule). */
  static void checkDelegateService(YamlObject spec) {
    Problems problems = spec.problems();
    if (!spec.strings("gateways").isEmpty()) {
      problems.error(spec.path("gateways"), "not allowed in a delegate VirtualService (one without hosts)");
    }
    for (String field : new String[] {"tcp", "tls"}) {
      if (spec.has(field)) {
        problems.error(spec.path(field), "not allowed in a delegate VirtualService (one without hosts): only http rules");
      }
    }
  }
}
