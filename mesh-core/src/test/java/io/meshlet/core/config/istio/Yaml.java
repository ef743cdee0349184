package io.meshlet.core.config.istio;

import io.meshlet.core.config.ConfigProblem;
import java.util.List;

/** Test helpers: parse a text as {@code mesh.yaml} in namespace {@code default}, and render problems. */
final class Yaml {
  private Yaml() {}

  static IstioYaml.ParseResult parse(String yaml) {
    return IstioYaml.parse("file", "mesh.yaml", yaml, "default");
  }

  static List<String> errors(String yaml) {
    return parse(yaml).errors().stream().map(ConfigProblem::toString).toList();
  }

  static List<String> warnings(String yaml) {
    return parse(yaml).warnings().stream().map(ConfigProblem::toString).toList();
  }

  /** A VirtualService named reviews with {@code http} as its (indented) http rules. */
  static String vs(String spec) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
        """ + indent(spec);
  }

  static String dr(String spec) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
        """ + indent(spec);
  }

  static String se(String spec) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: external
        spec:
        """ + indent(spec);
  }

  /** A PeerAuthentication named {@code pa} in namespace default. */
  static String pa(String spec) {
    return security("PeerAuthentication", "pa", spec);
  }

  /** An AuthorizationPolicy named {@code policy} in namespace default. */
  static String ap(String spec) {
    return security("AuthorizationPolicy", "policy", spec);
  }

  static String security(String kind, String name, String spec) {
    return """
        apiVersion: security.istio.io/v1
        kind: %s
        metadata:
          name: %s
        spec:
        """.formatted(kind, name) + indent(spec);
  }

  /** A Meshlet CircuitBreaker named reviews. */
  static String cb(String spec) {
    return meshlet("CircuitBreaker", "reviews", spec);
  }

  /** A Meshlet RateLimit named reviews. */
  static String rl(String spec) {
    return meshlet("RateLimit", "reviews", spec);
  }

  static String meshlet(String kind, String name, String spec) {
    return """
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: %s
        metadata:
          name: %s
        spec:
        """.formatted(kind, name) + indent(spec);
  }

  private static String indent(String spec) {
    return spec.stripIndent().lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
  }
}
