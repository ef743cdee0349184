package io.meshlet.core.routing;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.StringMatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Finds the first matching rule of a host without testing every rule. A rule is <em>indexed</em>
 * when each of its match blocks requires an exact or prefix uri (case-sensitive): it can only match
 * a path that has one of those values as prefix (or equals an exact one). Those values form a char
 * trie whose nodes list the rules ending there. Every other rule is <em>unindexed</em> and always a
 * candidate. A lookup walks the trie along the path once and tests candidates in rule order per
 * list, stopping each list at the best match found so far, so the answer is exactly that of the
 * linear first-match scan. Allocates nothing.
 */
final class UriIndex {
  /** Below this many rules, the plain scan is as fast. */
  static final int MIN_RULES = 8;

  private final CompiledRoute[] routes;
  private final int[] unindexed;
  private final Node root;

  private UriIndex(CompiledRoute[] routes, int[] unindexed, Node root) {
    this.routes = routes;
    this.unindexed = unindexed;
    this.root = root;
  }

  /** An index over {@code routes}, or null when it would not help (few rules, or few indexable). */
  static @Nullable UriIndex build(CompiledRoute[] routes) {
    if (routes.length < MIN_RULES) {
      return null;
    }
    Builder root = new Builder();
    List<Integer> unindexed = new ArrayList<>();
    for (int r = 0; r < routes.length; r++) {
      List<StringMatch> uris = indexableUris(routes[r].model().matches());
      if (uris == null) {
        unindexed.add(r);
        continue;
      }
      for (StringMatch uri : uris) {
        Builder node = root;
        for (int i = 0; i < uri.value().length(); i++) {
          node = node.children.computeIfAbsent(uri.value().charAt(i), c -> new Builder());
        }
        (uri.type() == StringMatch.Type.EXACT ? node.exact : node.prefix).add(r);
      }
    }
    if (unindexed.size() > routes.length / 2) {
      return null;
    }
    return new UriIndex(routes, ints(unindexed), Builder.build(root));
  }

  /** The uri conditions of every block, or null if some block does not pin the uri by exact or prefix. */
  private static @Nullable List<StringMatch> indexableUris(List<HttpMatch> blocks) {
    if (blocks.isEmpty()) {
      return null;
    }
    List<StringMatch> out = new ArrayList<>(blocks.size());
    for (HttpMatch m : blocks) {
      StringMatch uri = m.uri();
      if (uri == null || m.ignoreUriCase()
          || (uri.type() != StringMatch.Type.EXACT && uri.type() != StringMatch.Type.PREFIX)) {
        return null;
      }
      out.add(uri);
    }
    return out;
  }

  /** The first rule (in order) that matches {@code req}, or null. */
  @Nullable CompiledRoute match(RequestView req) {
    int best = Integer.MAX_VALUE;
    best = firstMatch(unindexed, req, best);
    String path = req.path();
    Node node = root;
    best = firstMatch(node.prefix, req, best);
    for (int i = 0; i < path.length() && node != null; i++) {
      node = node.child(path.charAt(i));
      if (node != null) {
        best = firstMatch(node.prefix, req, best);
      }
    }
    if (node != null) {
      best = firstMatch(node.exact, req, best);
    }
    return best == Integer.MAX_VALUE ? null : routes[best];
  }

  /** The first rule of {@code candidates} (ascending) below {@code best} that matches, else {@code best}. */
  private int firstMatch(int[] candidates, RequestView req, int best) {
    for (int r : candidates) {
      if (r >= best) {
        return best;
      }
      if (routes[r].matches(req)) {
        return r;
      }
    }
    return best;
  }

  private static int[] ints(List<Integer> list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  private static final class Node {
    private static final int[] NONE = new int[0];

    final char[] keys;
    final Node[] children;
    final int[] prefix;
    final int[] exact;

    Node(char[] keys, Node[] children, int[] prefix, int[] exact) {
      this.keys = keys;
      this.children = children;
      this.prefix = prefix;
      this.exact = exact;
    }

    @Nullable Node child(char c) {
      char[] keys = this.keys;
      int lo = 0;
      int hi = keys.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (keys[mid] < c) {
          lo = mid + 1;
        } else if (keys[mid] > c) {
          hi = mid - 1;
        } else {
          return children[mid];
        }
      }
      return null;
    }
  }

  private static final class Builder {
    final Map<Character, Builder> children = new TreeMap<>();
    final List<Integer> prefix = new ArrayList<>();
    final List<Integer> exact = new ArrayList<>();
    @Nullable Node built;

    /**
     * The trie under {@code root}, built without recursion: a uri value of any length (one node per
     * character) must not overflow the control thread's stack.
     */
    static Node build(Builder root) {
      List<Builder> preorder = new ArrayList<>();
      Deque<Builder> stack = new ArrayDeque<>();
      stack.push(root);
      while (!stack.isEmpty()) {
        Builder b = stack.pop();
        preorder.add(b);
        for (Builder child : b.children.values()) {
          stack.push(child);
        }
      }
      // Children come after their parent in preorder: built in reverse, each finds its children done.
      for (int n = preorder.size() - 1; n >= 0; n--) {
        preorder.get(n).freeze();
      }
      return requireNonNull(root.built, "root");
    }

    private void freeze() {
      char[] keys = new char[children.size()];
      Node[] nodes = new Node[children.size()];
      int i = 0;
      for (Map.Entry<Character, Builder> e : children.entrySet()) {
        keys[i] = e.getKey();
        nodes[i++] = requireNonNull(e.getValue().built, "child");
      }
      built = new Node(keys, nodes, sortedDistinct(prefix), sortedDistinct(exact));
    }

    private static int[] sortedDistinct(List<Integer> list) {
      return list.isEmpty() ? Node.NONE : list.stream().sorted().distinct().mapToInt(Integer::intValue).toArray();
    }
  }
}
