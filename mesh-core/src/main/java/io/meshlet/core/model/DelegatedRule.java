package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

/**
 * Where a rule of a root VirtualService came from when delegation merged it in: rule {@code delegateRule} of
 * {@code delegate}, under rule {@code rootRule} of {@code root} (indexes in each one's own {@code http[]}).
 *
 * @param delegateOrigin where the delegate was read, for warnings about its rule
 */
public record DelegatedRule(ResourceId root, int rootRule, ResourceId delegate, ResourceOrigin delegateOrigin,
    int delegateRule) {

  public DelegatedRule {
    requireNonNull(root, "root");
    requireNonNull(delegate, "delegate");
    requireNonNull(delegateOrigin, "delegateOrigin");
  }

  /** {@code rule 0 of delegate default/reviews-delegate, under rule 1 of root default/reviews}. */
  @Override
  public String toString() {
    return "rule " + delegateRule + " of delegate " + delegate.namespace() + "/" + delegate.name() + ", under rule "
        + rootRule + " of root " + root.namespace() + "/" + root.name();
  }
}
