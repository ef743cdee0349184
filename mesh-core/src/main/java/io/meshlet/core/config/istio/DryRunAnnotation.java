package io.meshlet.core.config.istio;

import io.meshlet.core.model.AuthorizationPolicy;
import tools.jackson.databind.JsonNode;

/**
 * Istio's AuthorizationPolicy annotation {@value AuthorizationPolicy#DRY_RUN_ANNOTATION}: {@code
 * "true"} evaluates the policy without enforcing it. Istio reads the value as a boolean ({@code
 * strconv.ParseBool}); anything else is an error here rather than a policy silently enforced.
 */
final class DryRunAnnotation {
  static final String PATH = "metadata.annotations." + AuthorizationPolicy.DRY_RUN_ANNOTATION;

  private DryRunAnnotation() {}

  /** True if {@code metadata} puts the policy in dry-run; false when absent or false. */
  static boolean read(YamlObject metadata) {
    JsonNode annotations = metadata.node("annotations");
    JsonNode value = annotations == null || !annotations.isObject()
        ? null : annotations.get(AuthorizationPolicy.DRY_RUN_ANNOTATION);
    if (value == null || value.isNull()) {
      return false;
    }
    String v = value.isString() ? value.stringValue() : value.isBoolean() ? String.valueOf(value.booleanValue()) : null;
    switch (v == null ? "" : v) {
      case "true", "True", "TRUE", "1", "t", "T":
        return true;
      case "false", "False", "FALSE", "0", "f", "F":
        return false;
      default:
        metadata.problems().error(PATH, Values.render(value) + " (expected: \"true\" or \"false\")");
        return false;
    }
  }
}
