package io.meshlet.core.model;

import java.util.Map;

/** Label selector matching, as Kubernetes' {@code matchLabels} does it. */
public final class Labels {
  private Labels() {}

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
