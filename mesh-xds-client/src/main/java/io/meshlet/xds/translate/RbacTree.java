package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Permission or Principal read back into Istio's fields, as Istio's authorization builder
 * ({@code pilot/pkg/security/authz/model}) writes them: an {@code and} over fields, each field an
 * {@code or} of its values, its {@code not} values as {@code not(or(...))}, {@code any} for no
 * field. Each field may appear once and once negated in one {@code and}; an {@code or} mixing
 * fields, or any other nesting, cannot be an Istio rule and is an error at its path.
 */
final class RbacTree {
  /** One matcher: the Istio field it fills ({@code methods}, {@code principals}, {@code request.headers[x]}, ...) and the value. */
  record Leaf(String field, String value) {}

  private enum Kind { AND, OR, NOT, ANY, LEAF, BAD }

  private record Node(Kind kind, String path, List<Node> children, @Nullable Leaf leaf) {}

  /** Istio's fields of one permission or principal; both maps empty when it matches everything. */
  static final class Fields {
    final Map<String, List<String>> values = new LinkedHashMap<>();
    final Map<String, List<String>> notValues = new LinkedHashMap<>();

    List<String> values(String field) {
      return values.getOrDefault(field, List.of());
    }

    List<String> notValues(String field) {
      return notValues.getOrDefault(field, List.of());
    }
  }

  private RbacTree() {}

  static Fields permission(Permission p, String path, Problems problems) {
    return fields(node(p, path, problems), problems);
  }

  static Fields principal(Principal p, String path, Problems problems) {
    return fields(node(p, path, problems), problems);
  }

  private static Node node(Permission p, String path, Problems problems) {
    switch (p.getRuleCase()) {
      case AND_RULES:
        return set(Kind.AND, path, path + ".and_rules.rules", p.getAndRules().getRulesList(), problems);
      case OR_RULES:
        return set(Kind.OR, path, path + ".or_rules.rules", p.getOrRules().getRulesList(), problems);
      case NOT_RULE:
        return new Node(Kind.NOT, path, List.of(node(p.getNotRule(), path + ".not_rule", problems)), null);
      case ANY:
        return any(p.getAny(), path, problems);
      default:
        return leaf(RbacLeaves.permission(p, path, problems), path);
    }
  }

  private static Node node(Principal p, String path, Problems problems) {
    switch (p.getIdentifierCase()) {
      case AND_IDS:
        return set(Kind.AND, path, path + ".and_ids.ids", p.getAndIds().getIdsList(), problems);
      case OR_IDS:
        return set(Kind.OR, path, path + ".or_ids.ids", p.getOrIds().getIdsList(), problems);
      case NOT_ID:
        return new Node(Kind.NOT, path, List.of(node(p.getNotId(), path + ".not_id", problems)), null);
      case ANY:
        return any(p.getAny(), path, problems);
      default:
        return leaf(RbacLeaves.principal(p, path, problems), path);
    }
  }

  /** {@code any: true} matches everything; {@code any: false} (matching nothing) is not a shape Istio writes. */
  private static Node any(boolean any, String path, Problems problems) {
    if (!any) {
      problems.error(path + ".any", "false (expected: true)");
      return new Node(Kind.BAD, path, List.of(), null);
    }
    return new Node(Kind.ANY, path, List.of(), null);
  }

  private static <T> Node set(Kind kind, String path, String itemsPath, List<T> items, Problems problems) {
    List<Node> children = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      T item = items.get(i);
      String p = itemsPath + "[" + i + "]";
      children.add(item instanceof Permission ? node((Permission) item, p, problems) : node((Principal) item, p, problems));
    }
    return new Node(kind, path, children, null);
  }

  private static Node leaf(@Nullable Leaf leaf, String path) {
    return new Node(leaf == null ? Kind.BAD : Kind.LEAF, path, List.of(), leaf);
  }

  private static Fields fields(Node n, Problems problems) {
    Fields f = new Fields();
    and(n, f, problems);
    return f;
  }

  private static void and(Node n, Fields f, Problems problems) {
    switch (n.kind()) {
      case ANY:
      case BAD:
        return;
      case AND:
        for (Node c : n.children()) {
          and(c, f, problems);
        }
        return;
      case NOT: {
        Node inner = n.children().get(0);
        List<Leaf> leaves = inner.kind() == Kind.BAD ? null : or(inner, problems);
        put(f.notValues, leaves, inner.path(), "not", problems);
        return;
      }
      default:
        put(f.values, or(n, problems), n.path(), "", problems);
    }
  }

  /** The leaves of an {@code or} (or a single leaf), all of one field; null after an error. */
  private static @Nullable List<Leaf> or(Node n, Problems problems) {
    List<Leaf> out = new ArrayList<>();
    if (!collect(n, out, problems)) {
      return null;
    }
    for (Leaf l : out) {
      if (!l.field().equals(out.get(0).field())) {
        problems.error(n.path(), "an or over " + out.get(0).field() + " and " + l.field()
            + " (expected: the values of one field, as Istio generates)");
        return null;
      }
    }
    return out.isEmpty() ? null : out;
  }

  private static boolean collect(Node n, List<Leaf> out, Problems problems) {
    switch (n.kind()) {
      case LEAF:
        out.add(n.leaf());
        return true;
      case OR:
        boolean ok = true;
        for (Node c : n.children()) {
          ok &= collect(c, out, problems);
        }
        if (n.children().isEmpty()) {
          problems.error(n.path(), "an empty or (expected: at least one matcher)");
          return false;
        }
        return ok;
      case BAD:
        return false;
      default:
        problems.error(n.path(), n.kind().name().toLowerCase(java.util.Locale.ROOT)
            + " inside or/not (expected: matchers of one field, as Istio generates)");
        return false;
    }
  }

  private static void put(Map<String, List<String>> into, @Nullable List<Leaf> leaves, String path, String not,
      Problems problems) {
    if (leaves == null) {
      return;
    }
    String field = leaves.get(0).field();
    if (into.containsKey(field)) {
      problems.error(path, "a second " + (not.isEmpty() ? "" : "negated ") + "condition on " + field
          + " in one and (expected: one per field, as Istio generates; two would mean both must hold)");
      return;
    }
    into.put(field, leaves.stream().map(Leaf::value).toList());
  }
}
