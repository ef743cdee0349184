package io.meshlet.core.config.istio;

import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.PortTrafficPolicy;
import io.meshlet.core.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code TrafficPolicy}: the load balancer is applied (at host, subset and port level);
 * connection pool, outlier detection, TLS, tunnel, proxy protocol and retry budget are validated and
 * listed as not yet applied.
 */
final class TrafficPolicyParser {
  private static final List<String> TLS_MODES = List.of("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL");
  private static final List<String> H2_UPGRADE = List.of("DEFAULT", "DO_NOT_UPGRADE", "UPGRADE");
  private static final List<String> PROXY_PROTOCOL = List.of("V1", "V2");
  private static final long INT32 = Integer.MAX_VALUE;

  private TrafficPolicyParser() {}

  static TrafficPolicy parse(@Nullable YamlObject tp) {
    if (tp == null) {
      return TrafficPolicy.NONE;
    }
    LoadBalancerSettings lb = LoadBalancerParser.parse(tp.object("loadBalancer"));
    notYetApplied(tp);
    List<PortTrafficPolicy> ports = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (YamlObject p : tp.objects("portLevelSettings")) {
      Integer number = null;
      YamlObject port = p.object("port");
      if (port == null) {
        p.problems().error(p.path("port"), "missing (required)");
      } else {
        number = port.port("number");
        if (!port.has("number")) {
          p.problems().error(port.path("number"), "missing (required)");
        }
      }
      if (number != null && !seen.add(number)) {
        p.problems().error(p.path("port"), "port " + number + " is given more than once");
      }
      LoadBalancerSettings portLb = LoadBalancerParser.parse(p.object("loadBalancer"));
      notYetApplied(p);
      if (number != null) {
        ports.add(new PortTrafficPolicy(number, portLb));
      }
    }
    return new TrafficPolicy(lb, ports);
  }

  /** The policy parts that are validated but not applied; each present one is listed. */
  private static void notYetApplied(YamlObject tp) {
    Problems problems = tp.problems();
    YamlObject pool = tp.object("connectionPool");
    if (pool != null) {
      connectionPool(pool);
      problems.notYetApplied(pool.path());
    }
    YamlObject outlier = tp.object("outlierDetection");
    if (outlier != null) {
      outlier.integer("consecutiveErrors", 0, INT32);
      outlier.integer("consecutive5xxErrors", 0, INT32);
      outlier.integer("consecutiveGatewayErrors", 0, INT32);
      outlier.integer("consecutiveLocalOriginFailures", 0, INT32);
      outlier.bool("splitExternalLocalOriginErrors");
      outlier.duration("interval");
      outlier.duration("baseEjectionTime");
      outlier.integer("maxEjectionPercent", 0, 100);
      outlier.integer("minHealthPercent", 0, 100);
      problems.notYetApplied(outlier.path());
    }
    YamlObject tls = tp.object("tls");
    if (tls != null) {
      tls.enumValue("mode", TLS_MODES);
      tls.string("clientCertificate");
      tls.string("privateKey");
      tls.string("caCertificates");
      tls.string("credentialName");
      tls.strings("subjectAltNames");
      tls.string("sni");
      tls.bool("insecureSkipVerify");
      tls.string("caCrl");
      problems.notYetApplied(tls.path());
    }
    YamlObject tunnel = tp.object("tunnel");
    if (tunnel != null) {
      tunnel.string("protocol");
      tunnel.requiredString("targetHost");
      tunnel.port("targetPort");
      problems.notYetApplied(tunnel.path());
    }
    YamlObject proxyProtocol = tp.object("proxyProtocol");
    if (proxyProtocol != null) {
      proxyProtocol.enumValue("version", PROXY_PROTOCOL);
      problems.notYetApplied(proxyProtocol.path());
    }
    YamlObject budget = tp.object("retryBudget");
    if (budget != null) {
      HttpRuleExtras.percentage(budget.object("percent"));
      budget.integer("minRetryConcurrency", 0, INT32);
      problems.notYetApplied(budget.path());
    }
  }

  private static void connectionPool(YamlObject pool) {
    YamlObject tcp = pool.object("tcp");
    if (tcp != null) {
      tcp.integer("maxConnections", 0, INT32);
      tcp.duration("connectTimeout");
      YamlObject keepalive = tcp.object("tcpKeepalive");
      if (keepalive != null) {
        keepalive.integer("probes", 0, 0xFFFF_FFFFL);
        keepalive.duration("time");
        keepalive.duration("interval");
      }
      tcp.duration("maxConnectionDuration");
      tcp.duration("idleTimeout");
    }
    YamlObject http = pool.object("http");
    if (http != null) {
      http.integer("http1MaxPendingRequests", 0, INT32);
      http.integer("http2MaxRequests", 0, INT32);
      http.integer("maxRequestsPerConnection", 0, INT32);
      http.integer("maxRetries", 0, INT32);
      http.duration("idleTimeout");
      http.enumValue("h2UpgradePolicy", H2_UPGRADE);
      http.bool("useClientProtocol");
      http.integer("maxConcurrentStreams", 0, INT32);
    }
  }
}
