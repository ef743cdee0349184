package io.meshlet.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A filter's per-route config in {@code typed_per_filter_config}: bare or in a FilterConfig (disabled ones skipped). */
final class PerFilterConfigs {
  private static final String FILTER_CONFIG_URL = "type.googleapis.com/" + FilterConfig.getDescriptor().getFullName();

  /** The config found, with the path to report its problems at. */
  record Found<T>(T config, String path) {}

  private PerFilterConfigs() {}

  static <T extends Message> @Nullable Found<T> find(
      Map<String, Any> configs, Class<T> type, String typeUrl, String path, Problems problems) {
    for (Map.Entry<String, Any> e : configs.entrySet()) {
      String p = path + ".typed_per_filter_config[" + e.getKey() + "]";
      Any any = e.getValue();
      try {
        if (any.getTypeUrl().equals(FILTER_CONFIG_URL)) {
          FilterConfig fc = any.unpack(FilterConfig.class);
          if (fc.getDisabled() || !fc.getConfig().getTypeUrl().equals(typeUrl)) {
            continue;
          }
          return new Found<>(fc.getConfig().unpack(type), p + ".config");
        }
        if (any.getTypeUrl().equals(typeUrl)) {
          return new Found<>(any.unpack(type), p);
        }
      } catch (InvalidProtocolBufferException ex) {
        problems.error(p, "cannot be decoded (expected: " + typeUrl + "; " + ex.getMessage() + ")");
        return null;
      }
    }
    return null;
  }
}
