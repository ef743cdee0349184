package io.meshlet.core.config.istio;

/**
 * Istio's validation of VirtualService delegation: a root rule's {@code delegate} and a delegate VirtualService
 * (one without {@code hosts}). Delegation itself is not applied yet; both are accepted and reported as warnings.
 */
final class DelegateRules {
  private DelegateRules() {}

  /**
   * Checks {@code rule.delegate}; true when it is well formed and the rule is to be left out of the routes.
   */
  static boolean check(YamlObject rule, boolean inDelegate) {
    Problems problems = rule.problems();
    String path = rule.path("delegate");
    YamlObject delegate = rule.object("delegate");
    if (delegate == null) {
      return false; // object() has reported a value that is not a mapping
    }
    boolean ok = true;
    String name = delegate.string("name");
    delegate.string("namespace");
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
    if (ok) {
      problems.notYetApplied(path, "delegation is not applied yet by Meshlet: this rule produces no route"
          + " (as in Istio when the delegate cannot be found); requests it matches fall through to the next rule");
    }
    return ok;
  }

  /** A VirtualService without hosts: Istio's rules for delegates, and a warning that it routes nothing here. */
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
    problems.notYetApplied(spec.path("hosts"), "none: a delegate VirtualService; delegation is not applied yet by"
        + " Meshlet, so its rules route nothing");
  }
}
