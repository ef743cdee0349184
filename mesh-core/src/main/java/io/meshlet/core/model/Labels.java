package io.meshlet.core.model;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/** Label selector matching, as Kubernetes' {@code matchLabels} does it, and one shared copy of equal label sets. */
public final class Labels {
  /** Label sets in use, each its own key; an entry goes when no one holds its map any more. */
  private static final Map<Map<String, String>, WeakReference<Map<String, String>>> SHARED = new WeakHashMap<>();

  private Labels() {}

  /**
   * An immutable copy of {@code labels}, the same instance for equal label sets: thousands of
   * endpoints carry a handful of distinct sets ({@code version: v1}), and a copy each was ~0.3 MB of
   * a 10,000-endpoint mesh (docs/performance.md). Config time only (it locks).
   */
  public static Map<String, String> shared(Map<String, String> labels) {
    Map<String, String> copy = Map.copyOf(labels);
    if (copy.isEmpty()) {
      return copy;
    }
    synchronized (SHARED) {
      WeakReference<Map<String, String>> ref = SHARED.get(copy);
      Map<String, String> known = ref != null ? ref.get() : null;
      if (known != null) {
        return known;
      }
      SHARED.put(copy, new WeakReference<>(copy));
      return copy;
    }
  }

  /** True if every entry of {@code selector} is on {@code labels}; an empty selector matches everything. */
  public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
