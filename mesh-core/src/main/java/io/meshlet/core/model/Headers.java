package io.meshlet.core.model;

import java.util.List;
import java.util.Map;

/** Istio's {@code Headers.HeaderOperations}: set (replace), add (append) and remove. Names are kept as written. */
public record Headers(Map<String, String> set, Map<String, String> add, List<String> remove) {
  public static final Headers NONE = new Headers(Map.of(), Map.of(), List.of());

  public Headers {
    set = Map.copyOf(set);
    add = Map.copyOf(add);
    remove = List.copyOf(remove);
  }

  public boolean isEmpty() {
    return set.isEmpty() && add.isEmpty() && remove.isEmpty();
  }
}
