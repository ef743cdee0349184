package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpRewrite;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash.HashOn;
import io.meshlet.core.model.RouteDestination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A route's {@code route} action: destinations, rewrite, timeout and hash policy. */
final class ActionTranslator {
  private ActionTranslator() {}

  /** The weighted destinations; empty (with an error) when they cannot be expressed. */
  static List<RouteDestination> destinations(RouteAction a, String path, Problems problems) {
    switch (a.getClusterSpecifierCase()) {
      case CLUSTER:
        Destination d = destination(a.getCluster(), path + ".cluster", problems);
        return d == null ? List.of() : List.of(new RouteDestination(d, 100, HeaderOperations.NONE));
      case WEIGHTED_CLUSTERS:
        return weighted(a.getWeightedClusters(), path + ".weighted_clusters", problems);
      case CLUSTER_HEADER:
        problems.error(path + ".cluster_header", "'" + a.getClusterHeader() + "' is not supported (expected: cluster or weighted_clusters)");
        return List.of();
      case CLUSTER_SPECIFIER_PLUGIN:
      case INLINE_CLUSTER_SPECIFIER_PLUGIN:
        problems.error(path, "cluster specifier plugins are not supported (expected: cluster or weighted_clusters)");
        return List.of();
      case CLUSTERSPECIFIER_NOT_SET:
      default:
        problems.error(path, "no cluster (expected: cluster or weighted_clusters)");
        return List.of();
    }
  }

  private static List<RouteDestination> weighted(WeightedCluster w, String path, Problems problems) {
    List<RouteDestination> out = new ArrayList<>();
    long sum = 0;
    int errors = problems.errorCount();
    for (int i = 0; i < w.getClustersCount(); i++) {
      WeightedCluster.ClusterWeight cw = w.getClusters(i);
      String p = path + ".clusters[" + i + "]";
      if (!cw.getClusterHeader().isEmpty()) {
        problems.error(p + ".cluster_header", "'" + cw.getClusterHeader() + "' is not supported (expected: name)");
        continue;
      }
      Destination d = destination(cw.getName(), p + ".name", problems);
      int weight = cw.hasWeight() ? Protos.uint32(cw.getWeight().getValue()) : 0;
      HeaderOperations headers = HeaderTranslator.translate(cw.getRequestHeadersToAddList(),
          cw.getRequestHeadersToRemoveList(), cw.getResponseHeadersToAddList(), cw.getResponseHeadersToRemoveList(),
          p, problems);
      if (cw.hasHostRewriteLiteral()) {
        problems.ignored(p + ".host_rewrite_literal", "a rewrite per weighted cluster is not supported; set it on the route");
      }
      if (d != null) {
        sum += weight;
        out.add(new RouteDestination(d, weight, headers));
      }
    }
    if (w.getClustersCount() == 0) {
      problems.error(path + ".clusters", "empty (expected: at least one cluster)");
    } else if (problems.errorCount() == errors && sum == 0) {
      problems.error(path + ".clusters", "weights add up to 0 (expected: at least one weight > 0)");
    } else if (sum > Integer.MAX_VALUE) {
      // The route's cumulative weight table is of ints.
      problems.error(path + ".clusters", "weights add up to " + sum + " (expected: at most " + Integer.MAX_VALUE + ")");
    }
    return problems.errorCount() > errors ? List.of() : out;
  }

  /** The destination a cluster name stands for; null (with an error) for a name that is not one. */
  static @Nullable Destination destination(String cluster, String path, Problems problems) {
    ClusterNames.Parsed c = ClusterNames.parse(cluster);
    if (c == null) {
      problems.error(path, "'" + cluster + "' (expected: " + ClusterNames.EXPECTED + ", or a name without '|')");
      return null;
    }
    return new Destination(c.host(), c.subset(), c.port());
  }

  /** Istio's rewrite: prefix_rewrite or regex_rewrite, and host_rewrite_literal; null when none. */
  static @Nullable HttpRewrite rewrite(RouteAction a, String path, Problems problems) {
    String uri = a.getPrefixRewrite().isEmpty() ? null : a.getPrefixRewrite();
    String regexMatch = null;
    String regexRewrite = null;
    if (a.hasRegexRewrite()) {
      if (uri != null) {
        problems.error(path, "prefix_rewrite and regex_rewrite given (expected: at most one)");
        return null;
      }
      regexMatch = MatchTranslator.regex(a.getRegexRewrite().getPattern().getRegex(),
          path + ".regex_rewrite.pattern.regex", problems);
      regexRewrite = a.getRegexRewrite().getSubstitution();
    }
    String authority = null;
    switch (a.getHostRewriteSpecifierCase()) {
      case HOST_REWRITE_LITERAL:
        authority = a.getHostRewriteLiteral();
        break;
      case AUTO_HOST_REWRITE:
        if (a.getAutoHostRewrite().getValue()) {
          problems.ignored(path + ".auto_host_rewrite", "the request keeps its authority");
        }
        break;
      case HOST_REWRITE_HEADER:
        problems.ignored(path + ".host_rewrite_header", "the request keeps its authority");
        break;
      case HOST_REWRITE_PATH_REGEX:
        problems.ignored(path + ".host_rewrite_path_regex", "the request keeps its authority");
        break;
      default:
        break;
    }
    if (a.hasPathRewritePolicy()) {
      problems.error(path + ".path_rewrite_policy", a.getPathRewritePolicy().getName() + " (expected: prefix_rewrite or regex_rewrite)");
    }
    if (uri == null && regexMatch == null && authority == null) {
      return null;
    }
    return new HttpRewrite(uri, authority, regexMatch, regexRewrite);
  }

  /**
   * The route's timeout, read as gRPC's xDS clients read it (gRFC A31, grpc-java's {@code
   * XdsRouteConfigureResource}) when {@code max_stream_duration} sets one: its {@code
   * grpc_timeout_header_max}, else its {@code max_stream_duration}; only when it sets neither, the
   * route's {@code timeout} (Envoy's field; gRPC ignores it). istiod writes both fields with the same
   * value for proxyless nodes, and {@code timeout} alone for Envoy. 0 is no timeout, as in Istio;
   * null when none is set (Envoy's 15 s default is not applied).
   */
  static @Nullable Duration timeout(RouteAction a, String path, Problems problems) {
    Duration d = null;
    RouteAction.MaxStreamDuration msd = a.getMaxStreamDuration();
    if (a.hasMaxStreamDuration() && msd.hasGrpcTimeoutHeaderMax()) {
      d = Protos.duration(msd.getGrpcTimeoutHeaderMax(), path + ".max_stream_duration.grpc_timeout_header_max", problems);
    } else if (a.hasMaxStreamDuration() && msd.hasMaxStreamDuration()) {
      d = Protos.duration(msd.getMaxStreamDuration(), path + ".max_stream_duration.max_stream_duration", problems);
    } else if (a.hasTimeout()) {
      d = Protos.duration(a.getTimeout(), path + ".timeout", problems);
    }
    return d == null || d.isZero() ? null : d;
  }

  /**
   * The first hash policy the model can carry, recorded for each cluster of the route: the model
   * keeps the hash key on the destination's load balancer, not on the route.
   */
  static void hashPolicy(RouteAction a, String path, Problems problems, Map<String, List<ConsistentHash>> hashes) {
    ConsistentHash hash = null;
    for (int i = 0; i < a.getHashPolicyCount(); i++) {
      HashPolicy h = a.getHashPolicy(i);
      String p = path + ".hash_policy[" + i + "]";
      ConsistentHash c = hash(h, p, problems);
      if (c == null) {
        problems.ignored(p, h.getPolicySpecifierCase().name().toLowerCase(Locale.ROOT)
            + " is not representable (expected: header, cookie, query_parameter or connection_properties.source_ip)");
      } else if (hash != null) {
        problems.ignored(p, "only the first hash policy is used");
      } else {
        hash = c;
      }
    }
    if (hash == null) {
      return;
    }
    List<String> clusters = new ArrayList<>();
    if (a.hasCluster()) {
      clusters.add(a.getCluster());
    }
    for (WeightedCluster.ClusterWeight cw : a.getWeightedClusters().getClustersList()) {
      clusters.add(cw.getName());
    }
    for (String cluster : clusters) {
      hashes.computeIfAbsent(cluster, k -> new ArrayList<>()).add(hash);
    }
  }

  private static @Nullable ConsistentHash hash(HashPolicy h, String path, Problems problems) {
    long ring = ConsistentHash.DEFAULT_MINIMUM_RING_SIZE;
    switch (h.getPolicySpecifierCase()) {
      case HEADER:
        String name = MatchTranslator.headerName(h.getHeader().getHeaderName(), path + ".header.header_name", problems);
        return name == null ? null : new ConsistentHash(HashOn.HTTP_HEADER_NAME, name, ring);
      case COOKIE:
        return new ConsistentHash(HashOn.HTTP_COOKIE, h.getCookie().getName(), ring);
      case QUERY_PARAMETER:
        return new ConsistentHash(HashOn.HTTP_QUERY_PARAMETER_NAME, h.getQueryParameter().getName(), ring);
      case CONNECTION_PROPERTIES:
        return h.getConnectionProperties().getSourceIp() ? new ConsistentHash(HashOn.USE_SOURCE_IP, "", ring) : null;
      default:
        return null;
    }
  }
}
