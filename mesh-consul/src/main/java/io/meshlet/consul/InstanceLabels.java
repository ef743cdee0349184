package io.meshlet.consul;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one mapping from a Consul instance to endpoint labels (docs/consul.md): every {@code Meta} key
 * is a label; every tag {@code t} is the label {@code tags.consul.io/t: "true"}; a tag of the form
 * {@code k=v} is also the label {@code k: v}, unless {@code Meta} has {@code k} (Meta wins). So an
 * instance registered with {@code Meta {version: v2}} or with the tag {@code version=v2} is selected
 * by a DestinationRule subset {@code labels: {version: v2}}.
 */
final class InstanceLabels {
  static final String TAG_PREFIX = "tags.consul.io/";

  private InstanceLabels() {}

  static Map<String, String> of(ConsulInstance instance) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String tag : instance.tags()) {
      labels.put(tagLabel(tag), "true");
    }
    for (String tag : instance.tags()) {
      int eq = tag.indexOf('=');
      if (eq > 0) {
        labels.putIfAbsent(tag.substring(0, eq), tag.substring(eq + 1));
      }
    }
    // Meta last, overriding a k=v tag with the same key.
    labels.putAll(instance.meta());
    return labels;
  }

  /** The label a plain tag becomes. */
  static String tagLabel(String tag) {
    return TAG_PREFIX + tag;
  }
}
