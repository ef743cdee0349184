package io.meshlet.core.routing;

import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.StringMatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The match blocks of a rule merged from a delegate: each delegate block ANDed with every root block it does not
 * conflict with, by Istio's rules ({@code pilot/pkg/model/virtualservice.go}, {@code mergeHTTPMatchRequests} and
 * {@code hasConflict}): a delegate block may only narrow a root block, never widen or contradict it.
 */
final class DelegateMatches {
  /** The merged blocks, or, when a delegate block fits under no root block, why not ({@code conflict} non-null). */
  record Merged(List<HttpMatch> matches, @Nullable String conflict) {}

  private DelegateMatches() {}

  static Merged merge(List<HttpMatch> root, List<HttpMatch> delegate) {
    if (root.isEmpty()) {
      return new Merged(delegate, null);
    }
    if (delegate.isEmpty()) {
      return new Merged(root, null);
    }
    List<HttpMatch> out = new ArrayList<>();
    for (int d = 0; d < delegate.size(); d++) {
      HttpMatch leaf = delegate.get(d);
      List<String> reasons = new ArrayList<>();
      for (HttpMatch r : root) {
        String conflict = conflict(r, leaf);
        if (conflict != null) {
          reasons.add(conflict);
        } else {
          out.add(and(r, leaf));
        }
      }
      if (reasons.size() == root.size()) {
        return new Merged(List.of(), "match[" + d + "] fits under no match block of the root rule ("
            + String.join("; ", reasons) + ")");
      }
    }
    return new Merged(out, null);
  }

  /** Istio's {@code mergeHTTPMatchRequest}: the delegate's conditions, the root's where the delegate sets none. */
  private static HttpMatch and(HttpMatch root, HttpMatch leaf) {
    return new HttpMatch(
        joinNames(root.name(), leaf.name()),
        leaf.uri() != null ? leaf.uri() : root.uri(),
        leaf.scheme() != null ? leaf.scheme() : root.scheme(),
        leaf.method() != null ? leaf.method() : root.method(),
        leaf.authority() != null ? leaf.authority() : root.authority(),
        union(root.headers(), leaf.headers()),
        union(root.withoutHeaders(), leaf.withoutHeaders()),
        union(root.queryParams(), leaf.queryParams()),
        leaf.port() != 0 ? leaf.port() : root.port(),
        leaf.ignoreUriCase(),
        union(root.sourceLabels(), leaf.sourceLabels()),
        leaf.sourceNamespace() != null ? leaf.sourceNamespace() : root.sourceNamespace(),
        leaf.gateways().isEmpty() ? root.gateways() : leaf.gateways());
  }

  /** Istio's name of a merged rule or block: {@code root-delegate}, or whichever of the two is set. */
  static @Nullable String joinNames(@Nullable String root, @Nullable String leaf) {
    if (leaf == null || leaf.isEmpty()) {
      return root;
    }
    return root == null || root.isEmpty() ? leaf : root + "-" + leaf;
  }

  private static <V> Map<String, V> union(Map<String, V> root, Map<String, V> leaf) {
    if (root.isEmpty()) {
      return leaf;
    }
    Map<String, V> out = new LinkedHashMap<>(root);
    out.putAll(leaf);
    return out;
  }

  /** Why {@code leaf} cannot narrow {@code root} (Istio's {@code hasConflict}), or null when it can. */
  static @Nullable String conflict(HttpMatch root, HttpMatch leaf) {
    String c = conflict("uri", root.uri(), leaf.uri());
    c = c != null ? c : conflict("scheme", root.scheme(), leaf.scheme());
    c = c != null ? c : conflict("method", root.method(), leaf.method());
    c = c != null ? c : conflict("authority", root.authority(), leaf.authority());
    c = c != null ? c : conflict("headers.", root.headers(), leaf.headers());
    c = c != null ? c : conflict("withoutHeaders.", root.withoutHeaders(), leaf.withoutHeaders());
    c = c != null ? c : conflict("queryParams.", root.queryParams(), leaf.queryParams());
    if (c != null) {
      return c;
    }
    if (root.ignoreUriCase() != leaf.ignoreUriCase()) {
      return "ignoreUriCase " + leaf.ignoreUriCase() + " differs from the root's " + root.ignoreUriCase();
    }
    if (root.port() > 0 && leaf.port() > 0 && root.port() != leaf.port()) {
      return "port " + leaf.port() + " differs from the root's " + root.port();
    }
    if (root.sourceNamespace() != null && !root.sourceNamespace().equals(leaf.sourceNamespace())) {
      return (leaf.sourceNamespace() == null ? "no sourceNamespace" : "sourceNamespace " + leaf.sourceNamespace())
          + " is not the root's " + root.sourceNamespace();
    }
    for (Map.Entry<String, String> e : leaf.sourceLabels().entrySet()) {
      String v = root.sourceLabels().get(e.getKey());
      if (v != null && !v.equals(e.getValue())) {
        return "sourceLabels." + e.getKey() + " '" + e.getValue() + "' differs from the root's '" + v + "'";
      }
    }
    if (!root.gateways().isEmpty() && !leaf.gateways().isEmpty() && !new HashSet<>(root.gateways()).containsAll(leaf.gateways())) {
      return "gateways " + leaf.gateways() + " are not among the root's " + root.gateways();
    }
    return null;
  }

  private static @Nullable String conflict(String prefix, Map<String, StringMatch> root, Map<String, StringMatch> leaf) {
    for (Map.Entry<String, StringMatch> e : leaf.entrySet()) {
      String c = conflict(prefix + e.getKey(), root.get(e.getKey()), e.getValue());
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  /**
   * Istio's {@code stringMatchConflict}: none when either side is unset; an exact root allows only the same exact
   * value, a prefix root only a prefix or exact value under it; a regex or presence-only root allows nothing more.
   */
  private static @Nullable String conflict(String field, @Nullable StringMatch root, @Nullable StringMatch leaf) {
    if (root == null || leaf == null) {
      return null;
    }
    boolean fits = switch (root.type()) {
      case EXACT -> leaf.type() == StringMatch.Type.EXACT && leaf.value().equals(root.value());
      case PREFIX -> (leaf.type() == StringMatch.Type.PREFIX || leaf.type() == StringMatch.Type.EXACT)
          && leaf.value().startsWith(root.value());
      case REGEX, PRESENT -> false;
    };
    return fits ? null : field + " " + leaf + " is not within the root's " + root;
  }
}
