package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.AuthorizationPolicy.Condition;
import io.meshlet.core.model.AuthorizationPolicy.Operation;
import io.meshlet.core.model.AuthorizationPolicy.Rule;
import io.meshlet.core.model.AuthorizationPolicy.Source;
import io.meshlet.core.security.PolicyValues.WhenKey;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One {@code rules[]} entry, compiled: it matches when some {@code from} source matches (or there
 * is none), some {@code to} operation matches (or there is none) and every {@code when} holds. A
 * source or operation matches when all its fields hold. {@link #mismatch} walks the same checks in
 * the same order, to say why not.
 */
final class CompiledRule {
  private final Check[][] from;
  private final Check[][] to;
  private final Check[] when;

  private CompiledRule(Check[][] from, Check[][] to, Check[] when) {
    this.from = from;
    this.to = to;
    this.when = when;
  }

  /** {@code numTrustedProxies}: which X-Forwarded-For entry is the remote address (0: none, the connection). */
  static CompiledRule compile(Rule rule, int numTrustedProxies) {
    Check[][] from = new Check[rule.from().size()][];
    for (int i = 0; i < from.length; i++) {
      from[i] = source("from[" + i + "].source.", rule.from().get(i), numTrustedProxies);
    }
    Check[][] to = new Check[rule.to().size()][];
    for (int i = 0; i < to.length; i++) {
      to[i] = operation("to[" + i + "].operation.", rule.to().get(i));
    }
    List<Check> when = new ArrayList<>();
    for (int i = 0; i < rule.when().size(); i++) {
      condition("when[" + i + "]", rule.when().get(i), when, numTrustedProxies);
    }
    return new CompiledRule(from, to, when.toArray(Check[]::new));
  }

  boolean matches(InboundRequest r) {
    return (from.length == 0 || anyAll(from, r)) && (to.length == 0 || anyAll(to, r)) && all(when, r);
  }

  /** Null if the rule matches {@code r}, else why not (explain only; allocates). */
  @Nullable String mismatch(InboundRequest r) {
    if (from.length > 0 && !anyAll(from, r)) {
      return "no source matches: " + failures(from, r);
    }
    if (to.length > 0 && !anyAll(to, r)) {
      return "no operation matches: " + failures(to, r);
    }
    for (Check c : when) {
      if (!c.test(r)) {
        return c.failure(r);
      }
    }
    return null;
  }

  /**
   * For explain of a rule that matched {@code r}: what its JWT checks saw (the claims that decided),
   * or null when it has none or the call has no valid token.
   */
  @Nullable String jwtEvidence(InboundRequest r) {
    if (r.requestAuth() == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Check[][] group : new Check[][][] {from, to, {when}}) {
      for (Check[] checks : group) {
        for (Check c : checks) {
          if (c.isJwt()) {
            out.add(c.evidence(r));
          }
        }
      }
    }
    return out.isEmpty() ? null : String.join("; ", out);
  }

  private static boolean anyAll(Check[][] alternatives, InboundRequest r) {
    for (Check[] checks : alternatives) {
      if (all(checks, r)) {
        return true;
      }
    }
    return false;
  }

  private static boolean all(Check[] checks, InboundRequest r) {
    for (Check c : checks) {
      if (!c.test(r)) {
        return false;
      }
    }
    return true;
  }

  private static String failures(Check[][] alternatives, InboundRequest r) {
    List<String> out = new ArrayList<>();
    for (Check[] checks : alternatives) {
      for (Check c : checks) {
        if (!c.test(r)) {
          out.add(c.failure(r));
          break;
        }
      }
    }
    return String.join("; ", out);
  }

  private static Check[] source(String p, Source s, int hops) {
    List<Check> out = new ArrayList<>();
    if (!s.principals().isEmpty()) {
      out.add(new Check.Principal(p + "principals", false, s.principals()));
    }
    if (!s.notPrincipals().isEmpty()) {
      out.add(new Check.Principal(p + "notPrincipals", true, s.notPrincipals()));
    }
    if (!s.requestPrincipals().isEmpty()) {
      out.add(Check.Jwt.principal(p + "requestPrincipals", false, s.requestPrincipals()));
    }
    if (!s.notRequestPrincipals().isEmpty()) {
      out.add(Check.Jwt.principal(p + "notRequestPrincipals", true, s.notRequestPrincipals()));
    }
    if (!s.serviceAccounts().isEmpty()) {
      out.add(new Check.ServiceAccount(p + "serviceAccounts", false, s.serviceAccounts()));
    }
    if (!s.notServiceAccounts().isEmpty()) {
      out.add(new Check.ServiceAccount(p + "notServiceAccounts", true, s.notServiceAccounts()));
    }
    if (!s.trustDomains().isEmpty()) {
      out.add(new Check.TrustDomain(p + "trustDomains", false, s.trustDomains()));
    }
    if (!s.notTrustDomains().isEmpty()) {
      out.add(new Check.TrustDomain(p + "notTrustDomains", true, s.notTrustDomains()));
    }
    if (!s.namespaces().isEmpty()) {
      out.add(new Check.PeerNamespace(p + "namespaces", false, s.namespaces()));
    }
    if (!s.notNamespaces().isEmpty()) {
      out.add(new Check.PeerNamespace(p + "notNamespaces", true, s.notNamespaces()));
    }
    if (!s.ipBlocks().isEmpty()) {
      out.add(new Check.Ip(p + "ipBlocks", false, s.ipBlocks(), -1));
    }
    if (!s.notIpBlocks().isEmpty()) {
      out.add(new Check.Ip(p + "notIpBlocks", true, s.notIpBlocks(), -1));
    }
    if (!s.remoteIpBlocks().isEmpty()) {
      out.add(new Check.Ip(p + "remoteIpBlocks", false, s.remoteIpBlocks(), hops));
    }
    if (!s.notRemoteIpBlocks().isEmpty()) {
      out.add(new Check.Ip(p + "notRemoteIpBlocks", true, s.notRemoteIpBlocks(), hops));
    }
    return out.toArray(Check[]::new);
  }

  private static Check[] operation(String p, Operation o) {
    List<Check> out = new ArrayList<>();
    if (!o.hosts().isEmpty()) {
      out.add(new Check.Host(p + "hosts", false, o.hosts()));
    }
    if (!o.notHosts().isEmpty()) {
      out.add(new Check.Host(p + "notHosts", true, o.notHosts()));
    }
    if (!o.ports().isEmpty()) {
      out.add(new Check.Port(p + "ports", false, o.ports()));
    }
    if (!o.notPorts().isEmpty()) {
      out.add(new Check.Port(p + "notPorts", true, o.notPorts()));
    }
    if (!o.methods().isEmpty()) {
      out.add(new Check.Method(p + "methods", false, o.methods()));
    }
    if (!o.notMethods().isEmpty()) {
      out.add(new Check.Method(p + "notMethods", true, o.notMethods()));
    }
    if (!o.paths().isEmpty()) {
      out.add(new Check.Path(p + "paths", false, o.paths()));
    }
    if (!o.notPaths().isEmpty()) {
      out.add(new Check.Path(p + "notPaths", true, o.notPaths()));
    }
    return out.toArray(Check[]::new);
  }

  private static void condition(String p, Condition c, List<Check> out, int hops) {
    if (!c.values().isEmpty()) {
      out.add(check(p + " " + c.key() + " values", false, c.key(), c.values(), hops));
    }
    if (!c.notValues().isEmpty()) {
      out.add(check(p + " " + c.key() + " notValues", true, c.key(), c.notValues(), hops));
    }
  }

  private static Check check(String path, boolean not, String key, List<String> values, int hops) {
    WhenKey known = WhenKey.of(key);
    if (known == null) {
      return new Check.Absent(path, not, key, values, "not known to Meshlet");
    }
    return switch (known) {
      case REQUEST_HEADER -> new Check.Header(path, not, requireNonNull(PolicyValues.requestHeader(key)), values);
      case SOURCE_IP -> new Check.Ip(path, not, values, -1);
      case REMOTE_IP -> new Check.Ip(path, not, values, hops);
      case SOURCE_NAMESPACE -> new Check.PeerNamespace(path, not, values);
      case SOURCE_PRINCIPAL -> new Check.Principal(path, not, values);
      case DESTINATION_PORT -> new Check.Port(path, not, ports(path, values));
      case REQUEST_AUTH_PRINCIPAL -> Check.Jwt.principal(path, not, values);
      case REQUEST_AUTH_AUDIENCES -> new Check.Jwt(path, not, "audiences", RequestAuth::audiences, values);
      case REQUEST_AUTH_PRESENTER -> new Check.Jwt(path, not, "presenter", RequestAuth::presenter, values);
      case REQUEST_AUTH_CLAIMS -> Check.Jwt.claim(path, not, requireNonNull(PolicyValues.claimPath(key)), values);
      case DESTINATION_IP -> new Check.DestinationIp(path, not, values);
      case CONNECTION_SNI -> new Check.Sni(path, not, values);
      case SOURCE_SERVICE_ACCOUNT -> new Check.ServiceAccount(path, not, values);
      case SOURCE_TRUST_DOMAIN -> new Check.TrustDomain(path, not, values);
      case ENVOY_FILTER -> new Check.Absent(path, not, key, values, "no Envoy filter metadata in-process");
    };
  }

  private static List<Integer> ports(String path, List<String> values) {
    List<Integer> out = new ArrayList<>();
    for (String v : values) {
      int port = PolicyValues.port(v);
      if (port < 0) {
        throw new IllegalArgumentException(path + ": '" + v + "' (expected: a port 1..65535)");
      }
      out.add(port);
    }
    return out;
  }
}
