package io.meshlet.xds.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.meshlet.core.model.StringMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The CORS filter's per-route config ({@code typed_per_filter_config}: an {@code
 * envoy.extensions.filters.http.cors.v3.CorsPolicy}, bare or in a FilterConfig) as the model's
 * CorsPolicy. Envoy's comma-separated header values are split back into lists, {@code max_age}
 * (seconds as text) into a duration.
 */
final class CorsTranslator {
  static final String TYPE_URL = "type.googleapis.com/" + CorsPolicy.getDescriptor().getFullName();
  /** The CORS filter's own config in an HTTP connection manager (no settings of its own). */
  static final String FILTER_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors";

  private CorsTranslator() {}

  /** The CorsPolicy among {@code configs} (keyed by filter name), or null when there is none. */
  static io.meshlet.core.model.@Nullable CorsPolicy perRoute(Map<String, Any> configs, String path, Problems problems) {
    PerFilterConfigs.Found<CorsPolicy> found = PerFilterConfigs.find(configs, CorsPolicy.class, TYPE_URL, path, problems);
    return found == null ? null : translate(found.config(), found.path(), problems);
  }

  static io.meshlet.core.model.@Nullable CorsPolicy translate(CorsPolicy c, String path, Problems problems) {
    int errors = problems.errorCount();
    List<StringMatch> origins = new ArrayList<>();
    for (int i = 0; i < c.getAllowOriginStringMatchCount(); i++) {
      StringMatch m = MatchTranslator.stringMatch(c.getAllowOriginStringMatch(i), path + ".allow_origin_string_match[" + i + "]", problems);
      if (m != null) {
        origins.add(m);
      }
    }
    Duration maxAge = null;
    if (!c.getMaxAge().isEmpty()) {
      try {
        maxAge = Duration.ofSeconds(Long.parseLong(c.getMaxAge().trim()));
        if (maxAge.isNegative()) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        problems.error(path + ".max_age", "'" + c.getMaxAge() + "' (expected: seconds, a non-negative integer)");
      }
    }
    if (c.hasFilterEnabled() && Protos.percent(c.getFilterEnabled().getDefaultValue()) < 100) {
      problems.ignored(path + ".filter_enabled", "the policy applies to every request of the route");
    }
    if (c.hasShadowEnabled()) {
      problems.ignored(path + ".shadow_enabled", "not applied by Meshlet");
    }
    if (c.hasAllowPrivateNetworkAccess()) {
      problems.ignored(path + ".allow_private_network_access", "not applied by Meshlet");
    }
    if (problems.errorCount() > errors) {
      return null;
    }
    return new io.meshlet.core.model.CorsPolicy(origins, list(c.getAllowMethods()), list(c.getAllowHeaders()),
        list(c.getExposeHeaders()), maxAge, c.hasAllowCredentials() && c.getAllowCredentials().getValue(),
        !c.hasForwardNotMatchingPreflights() || c.getForwardNotMatchingPreflights().getValue());
  }

  private static List<String> list(String joined) {
    List<String> out = new ArrayList<>();
    for (String s : joined.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }
}
