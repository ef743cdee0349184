package io.meshlet.core.config.istio;

import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.ConnectionPoolSettings;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.OutlierDetection;
import io.meshlet.core.model.PortTrafficPolicy;
import io.meshlet.core.model.RetryBudget;
import io.meshlet.core.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code TrafficPolicy}: load balancer, connection pool, outlier detection and retry budget
 * are applied (at host, subset and port level); TLS is read into the model ({@link ClientTlsParser});
 * tunnel and proxy protocol are validated and listed as not yet applied.
 */
final class TrafficPolicyParser {
  private static final List<String> PROXY_PROTOCOL = List.of("V1", "V2");
  private static final long INT32 = Integer.MAX_VALUE;

  private TrafficPolicyParser() {}

  static TrafficPolicy parse(@Nullable YamlObject tp) {
    if (tp == null) {
      return TrafficPolicy.NONE;
    }
    LoadBalancerSettings lb = LoadBalancerParser.parse(tp.object("loadBalancer"));
    ConnectionPoolSettings pool = ConnectionPoolParser.parse(tp.object("connectionPool"));
    OutlierDetection outlier = OutlierDetectionParser.parse(tp.object("outlierDetection"));
    ClientTlsSettings tls = ClientTlsParser.parse(tp.object("tls"));
    notYetApplied(tp);
    failoverNeedsOutlierDetection(tp, lb, outlier, null);
    RetryBudget budget = retryBudget(tp.object("retryBudget"));
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
      ConnectionPoolSettings portPool = ConnectionPoolParser.parse(p.object("connectionPool"));
      OutlierDetection portOutlier = OutlierDetectionParser.parse(p.object("outlierDetection"));
      ClientTlsSettings portTls = ClientTlsParser.parse(p.object("tls"));
      notYetApplied(p);
      failoverNeedsOutlierDetection(p, portLb, portOutlier, outlier);
      RetryBudget portBudget = retryBudget(p.object("retryBudget"));
      if (number != null) {
        ports.add(new PortTrafficPolicy(number, portLb, portPool, portOutlier, portBudget, portTls));
      }
    }
    return new TrafficPolicy(lb, ports, pool, outlier, budget, tls);
  }

  /**
   * Istio's warning: failover (by region or by {@code failoverPriority}) needs outlier detection,
   * without which no endpoint ever leaves a priority level (and Istio does not apply it at all).
   */
  private static void failoverNeedsOutlierDetection(
      YamlObject tp, @Nullable LoadBalancerSettings lb, @Nullable OutlierDetection outlier, @Nullable OutlierDetection hostOutlier) {
    if (lb == null || lb.localityLbSetting() == null || outlier != null || hostOutlier != null) {
      return;
    }
    var locality = lb.localityLbSetting();
    if (!locality.failover().isEmpty() || !locality.failoverPriority().isEmpty()) {
      tp.problems().warning(tp.path("loadBalancer") + ".localityLbSetting",
          "failover needs outlierDetection (expected: an outlierDetection policy); without it failover is not applied");
    }
  }

  /** The policy parts that are validated but not applied: tunnel, proxy protocol; each present one is listed. */
  private static void notYetApplied(YamlObject tp) {
    Problems problems = tp.problems();
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
  }

  /** {@code percent.value} (default 20) and {@code minRetryConcurrency} (default 3). */
  private static @Nullable RetryBudget retryBudget(@Nullable YamlObject budget) {
    if (budget == null) {
      return null;
    }
    // google.protobuf.DoubleValue: a plain number in Istio's YAML; {value: n} is accepted too.
    Double value;
    if (budget.node("percent") != null && budget.node("percent").isObject()) {
      YamlObject percent = budget.object("percent");
      value = percent == null ? null : percent.number("value", 0, 100);
    } else {
      value = budget.number("percent", 0, 100);
    }
    Long min = budget.integer("minRetryConcurrency", 0, INT32);
    if (budget.duration("budgetInterval") != null) {
      budget.problems().notYetApplied(budget.path("budgetInterval"),
          "not yet applied by Meshlet: the budget counts the requests active now, as with budgetInterval 0ms");
    }
    return new RetryBudget(
        value == null ? RetryBudget.DEFAULT.percent() : value,
        min == null ? RetryBudget.DEFAULT.minRetryConcurrency() : min.intValue());
  }
}
