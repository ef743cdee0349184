package io.meshlet.core.config.istio;

import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.RetryPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The VirtualService annotation {@value #ANNOTATION}: which http rules may retry non-idempotent
 * requests (POST, PATCH). Istio retries them like any other, so a retried POST can take effect twice;
 * Meshlet does not unless a rule opts in here. Being an annotation, it keeps the YAML valid for
 * Istio. {@code "true"} or {@code "*"}: every rule; {@code "false"} or empty: none; otherwise a
 * comma-separated list of rule names.
 */
final class NonIdempotentRetries {
  static final String ANNOTATION = "retries.meshlet.io/non-idempotent";
  static final String PATH = "metadata.annotations." + ANNOTATION;

  private NonIdempotentRetries() {}

  /** The annotation's value in {@code metadata}, or null if it is absent (an error if it is not a string). */
  static @Nullable String read(YamlObject metadata) {
    JsonNode annotations = metadata.node("annotations");
    JsonNode value = annotations == null || !annotations.isObject() ? null : annotations.get(ANNOTATION);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      metadata.problems().error(PATH, Values.render(value)
          + " (expected: a string: true, *, false or a comma-separated list of http rule names)");
      return null;
    }
    return value.stringValue();
  }

  /** {@code rules} with the opted-in ones allowed to retry non-idempotent requests. */
  static List<HttpRoute> apply(@Nullable String value, List<HttpRoute> rules, Problems problems) {
    String v = value == null ? "" : value.trim();
    if (v.isEmpty() || v.equals("false")) {
      return rules;
    }
    boolean all = v.equals("true") || v.equals("*");
    Set<String> names = new LinkedHashSet<>();
    if (!all) {
      for (String n : v.split(",")) {
        if (!n.trim().isEmpty()) {
          names.add(n.trim());
        }
      }
      Set<String> ruleNames = new HashSet<>();
      for (HttpRoute r : rules) {
        if (r.name() != null) {
          ruleNames.add(r.name());
        }
      }
      for (String n : names) {
        if (!ruleNames.contains(n)) {
          problems.warning(PATH, "'" + n + "' is not the name of an http rule of this VirtualService; ignored");
        }
      }
    }
    List<HttpRoute> out = new ArrayList<>(rules.size());
    for (HttpRoute r : rules) {
      out.add(all || (r.name() != null && names.contains(r.name())) ? optIn(r) : r);
    }
    return out;
  }

  private static HttpRoute optIn(HttpRoute r) {
    RetryPolicy retries = RetryParser.nonIdempotent(r.retries());
    return new HttpRoute(r.name(), r.matches(), r.destinations(), r.redirect(), r.directResponse(), r.rewrite(),
        r.headers(), r.timeout(), retries, r.fault(), r.mirrors(), r.cors(), r.delegate(), r.delegatedFrom());
  }
}
