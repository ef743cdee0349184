package io.meshlet.controlplane;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ListMatcher;
import io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ValueMatcher;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.AuthorizationPolicy.Condition;
import io.meshlet.core.model.AuthorizationPolicy.Operation;
import io.meshlet.core.model.AuthorizationPolicy.Rule;
import io.meshlet.core.model.AuthorizationPolicy.Source;
import io.meshlet.core.security.PolicyValues;
import io.meshlet.core.security.PolicyValues.WhenKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An AuthorizationPolicy rule as the RBAC policy Istio's authorization builder generates for
 * proxyless gRPC ({@code pilot/pkg/security/authz/model}, {@code Generate(forTCP=false,
 * useAuthenticated=true)}): permissions one {@code and_rules} per {@code to} (an {@code or_rules}
 * per field, {@code not_rule} for the {@code not} values, {@code any} when empty), principals one
 * {@code and_ids} per {@code from}, and the {@code when} conditions added to every permission
 * ({@code destination.port}) or principal (source, remote, request headers).
 */
final class RbacBuilder {
  private static final String SPIFFE = "spiffe://";

  private RbacBuilder() {}

  /**
   * The rule as an RBAC policy, or null when the rule matches no call, as mesh-core's engine decides
   * it (then serving nothing is exact, for ALLOW and DENY alike). {@code destination.ip} and {@code
   * connection.sni} are permissions ({@code destination_ip}, {@code requested_server_name}), as
   * istiod writes them. Attributes the engine never has here (the {@code when} keys {@link
   * WhenKey#absent}: {@code experimental.envoy.filters.*}; any key it does not know) are mirrored as the engine's {@code Check.Absent}
   * does: values never match, so such a condition makes the rule match nothing; not-values always
   * hold, so such a condition is left out and the rest of the rule is served. Request principals and
   * {@code request.auth.*} are metadata matchers on the {@code istio_authn} filter's metadata, as
   * istiod writes them.
   */
  static @Nullable Policy policy(Rule rule) {
    List<Permission> base = new ArrayList<>();
    List<Principal> basePrincipals = new ArrayList<>();
    for (Condition c : rule.when()) {
      WhenKey key = WhenKey.of(c.key());
      if (key == WhenKey.DESTINATION_PORT) {
        add(base, c.values(), c.notValues(), v -> Permission.newBuilder().setDestinationPort(Integer.parseInt(v)).build(),
            RbacBuilder::or, RbacBuilder::not);
      } else if (key == WhenKey.DESTINATION_IP) {
        add(base, c.values(), c.notValues(), v -> Permission.newBuilder().setDestinationIp(cidr(v)).build(),
            RbacBuilder::or, RbacBuilder::not);
      } else if (key == WhenKey.CONNECTION_SNI) {
        add(base, c.values(), c.notValues(), v -> Permission.newBuilder().setRequestedServerName(string(v, "")).build(),
            RbacBuilder::or, RbacBuilder::not);
      } else {
        Function<String, Principal> leaf = key == null ? null : principalLeaf(key, c.key());
        if (leaf == null) {
          if (!c.values().isEmpty()) {
            return null; // an absent attribute matches no value: the rule matches nothing
          }
          continue; // an absent attribute's notValues always hold
        }
        add(basePrincipals, c.values(), c.notValues(), leaf, RbacBuilder::orIds, RbacBuilder::notId);
      }
    }
    Policy.Builder p = Policy.newBuilder();
    List<Operation> to = rule.to().isEmpty() ? List.of(EMPTY_OPERATION) : rule.to();
    for (Operation o : to) {
      List<Permission> and = new ArrayList<>(base);
      add(and, o.hosts(), o.notHosts(), v -> header(":authority", hostMatcher(v)), RbacBuilder::or, RbacBuilder::not);
      add(and, o.ports().stream().map(String::valueOf).toList(), o.notPorts().stream().map(String::valueOf).toList(),
          v -> Permission.newBuilder().setDestinationPort(Integer.parseInt(v)).build(), RbacBuilder::or, RbacBuilder::not);
      add(and, o.methods(), o.notMethods(), v -> header(":method", string(v, "")), RbacBuilder::or, RbacBuilder::not);
      add(and, o.paths(), o.notPaths(), RbacBuilder::path, RbacBuilder::or, RbacBuilder::not);
      if (and.isEmpty()) {
        and.add(Permission.newBuilder().setAny(true).build());
      }
      p.addPermissions(Permission.newBuilder().setAndRules(Permission.Set.newBuilder().addAllRules(and)));
    }
    List<Source> from = rule.from().isEmpty() ? List.of(EMPTY_SOURCE) : rule.from();
    for (Source s : from) {
      List<Principal> and = new ArrayList<>();
      add(and, s.principals(), s.notPrincipals(), RbacBuilder::principal, RbacBuilder::orIds, RbacBuilder::notId);
      add(and, s.requestPrincipals(), s.notRequestPrincipals(), v -> jwt(List.of(REQUEST_PRINCIPAL), v, false),
          RbacBuilder::orIds, RbacBuilder::notId);
      add(and, s.namespaces(), s.notNamespaces(), RbacBuilder::namespace, RbacBuilder::orIds, RbacBuilder::notId);
      add(and, s.serviceAccounts(), s.notServiceAccounts(), RbacBuilder::serviceAccount, RbacBuilder::orIds,
          RbacBuilder::notId);
      add(and, s.trustDomains(), s.notTrustDomains(), RbacBuilder::trustDomain, RbacBuilder::orIds,
          RbacBuilder::notId);
      add(and, s.ipBlocks(), s.notIpBlocks(), v -> Principal.newBuilder().setDirectRemoteIp(cidr(v)).build(),
          RbacBuilder::orIds, RbacBuilder::notId);
      add(and, s.remoteIpBlocks(), s.notRemoteIpBlocks(), v -> Principal.newBuilder().setRemoteIp(cidr(v)).build(),
          RbacBuilder::orIds, RbacBuilder::notId);
      and.addAll(basePrincipals);
      if (and.isEmpty()) {
        and.add(Principal.newBuilder().setAny(true).build());
      }
      p.addPrincipals(Principal.newBuilder().setAndIds(Principal.Set.newBuilder().addAllIds(and)));
    }
    return p.getPrincipalsCount() == 0 ? null : p.build();
  }

  private static final Operation EMPTY_OPERATION =
      new Operation(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  private static final Source EMPTY_SOURCE =
      new Source(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  /**
   * The principal matcher for the values of {@code key} ({@code known}), or null for an attribute
   * the engine never has ({@link WhenKey#absent}).
   */
  private static @Nullable Function<String, Principal> principalLeaf(WhenKey known, String key) {
    return switch (known) {
      case SOURCE_IP -> v -> Principal.newBuilder().setDirectRemoteIp(cidr(v)).build();
      case REMOTE_IP -> v -> Principal.newBuilder().setRemoteIp(cidr(v)).build();
      case SOURCE_NAMESPACE -> RbacBuilder::namespace;
      case SOURCE_PRINCIPAL -> RbacBuilder::principal;
      case REQUEST_HEADER -> {
        String name = requireNonNull(PolicyValues.requestHeader(key)).toLowerCase(Locale.ROOT);
        yield v -> Principal.newBuilder().setHeader(headerMatcher(name, string(v, ""))).build();
      }
      case SOURCE_SERVICE_ACCOUNT -> RbacBuilder::serviceAccount;
      case SOURCE_TRUST_DOMAIN -> RbacBuilder::trustDomain;
      case DESTINATION_PORT, DESTINATION_IP, CONNECTION_SNI ->
          throw new IllegalArgumentException(key + " is a permission, not a principal");
      case REQUEST_AUTH_PRINCIPAL -> v -> jwt(List.of(REQUEST_PRINCIPAL), v, false);
      case REQUEST_AUTH_AUDIENCES -> v -> jwt(List.of(key), v, false);
      case REQUEST_AUTH_PRESENTER -> v -> jwt(List.of(key), v, false);
      case REQUEST_AUTH_CLAIMS -> {
        List<String> path = new ArrayList<>();
        path.add(CLAIMS);
        path.addAll(requireNonNull(PolicyValues.claimPath(key)));
        yield v -> jwt(path, v, true);
      }
      case ENVOY_FILTER -> null;
    };
  }

  /** The metadata istiod's authn filter writes for a validated JWT ({@code authn.AuthnFilterName}). */
  static final String AUTHN_FILTER = "istio_authn";
  private static final String REQUEST_PRINCIPAL = "request.auth.principal";
  private static final String CLAIMS = "request.auth.claims";

  /**
   * Istio's {@code MetadataStringMatcher} / {@code MetadataListMatcher} on the authn filter's
   * metadata: {@code path} the keys ({@code request.auth.principal}, or {@code request.auth.claims}
   * and the claim names), a list match for claims (a list claim matches when one element does).
   */
  private static Principal jwt(List<String> path, String v, boolean list) {
    MetadataMatcher.Builder m = MetadataMatcher.newBuilder().setFilter(AUTHN_FILTER);
    for (String key : path) {
      m.addPath(MetadataMatcher.PathSegment.newBuilder().setKey(key));
    }
    StringMatcher value = string(v, "");
    m.setValue(list
        ? ValueMatcher.newBuilder().setListMatch(ListMatcher.newBuilder().setOneOf(ValueMatcher.newBuilder().setStringMatch(value)))
        : ValueMatcher.newBuilder().setStringMatch(value));
    return Principal.newBuilder().setMetadata(m).build();
  }

  private static <T> void add(List<T> and, List<String> values, List<String> notValues, Function<String, T> leaf,
      Function<List<T>, T> or, Function<T, T> not) {
    if (!values.isEmpty()) {
      and.add(or.apply(values.stream().map(leaf).toList()));
    }
    if (!notValues.isEmpty()) {
      and.add(not.apply(or.apply(notValues.stream().map(leaf).toList())));
    }
  }

  private static Permission or(List<Permission> rules) {
    return Permission.newBuilder().setOrRules(Permission.Set.newBuilder().addAllRules(rules)).build();
  }

  private static Permission not(Permission p) {
    return Permission.newBuilder().setNotRule(p).build();
  }

  private static Principal orIds(List<Principal> ids) {
    return Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(ids)).build();
  }

  private static Principal notId(Principal p) {
    return Principal.newBuilder().setNotId(p).build();
  }

  private static Permission header(String name, StringMatcher m) {
    return Permission.newBuilder().setHeader(headerMatcher(name, m)).build();
  }

  private static HeaderMatcher headerMatcher(String name, StringMatcher m) {
    HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name);
    return (m.hasSafeRegex() && m.getSafeRegex().getRegex().equals(".+") ? h.setPresentMatch(true) : h.setStringMatch(m)).build();
  }

  private static StringMatcher hostMatcher(String v) {
    return string(v, "").toBuilder().setIgnoreCase(true).build();
  }

  /** Istio's {@code StringMatcherWithPrefix}: {@code *} as {@code .+}, {@code *x} as suffix (or a regex after a prefix), {@code x*} as prefix. */
  private static StringMatcher string(String v, String prefix) {
    StringMatcher.Builder m = StringMatcher.newBuilder();
    if (v.equals("*")) {
      return m.setSafeRegex(RegexMatcher.newBuilder().setRegex(".+")).build();
    }
    if (v.startsWith("*")) {
      return prefix.isEmpty() ? m.setSuffix(v.substring(1)).build()
          : m.setSafeRegex(RegexMatcher.newBuilder().setRegex(prefix + ".*" + quoteMeta(v.substring(1)))).build();
    }
    if (v.endsWith("*")) {
      return m.setPrefix(prefix + v.substring(0, v.length() - 1)).build();
    }
    return m.setExact(prefix + v).build();
  }

  private static Principal principal(String v) {
    return authenticated(string(v, SPIFFE));
  }

  /**
   * Istio's service account matcher ({@code serviceAccountRegex}): {@code
   * spiffe://.+/ns/<ns>/(.+/|)sa/<sa>(/.+)?}, any trust domain, the names quoted as current istiod
   * quotes them; {@code v} is {@code namespace/name}.
   */
  static Principal serviceAccount(String v) {
    int slash = v.indexOf('/');
    return authenticated(StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder()
        .setRegex(SPIFFE + ".+/ns/" + quoteMeta(v.substring(0, slash)) + "/(.+/|)sa/" + quoteMeta(v.substring(slash + 1))
            + "(/.+)?")).build());
  }

  /**
   * Istio's trust domain matcher ({@code srcTrustDomainGenerator}): {@code *} any SPIFFE principal,
   * an exact value the prefix {@code spiffe://<td>/}, a prefix or suffix value the regex {@code
   * spiffe://<before>[^/]*<after>/.*}.
   */
  static Principal trustDomain(String v) {
    if (v.equals("*")) {
      return authenticated(StringMatcher.newBuilder().setPrefix(SPIFFE).build());
    }
    int star = v.indexOf('*');
    if (star < 0) {
      return authenticated(StringMatcher.newBuilder().setPrefix(SPIFFE + v + "/").build());
    }
    String regex = SPIFFE + quoteMeta(v.substring(0, star)) + "[^/]*" + quoteMeta(v.substring(star + 1)) + "/.*";
    return authenticated(StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)).build());
  }

  /**
   * A {@code paths} value: a path template ({@code {*}}, {@code {**}}) as Istio's {@code
   * permissionPathTemplate} writes it (an {@code uri_template} extension named {@value #URI_TEMPLATE}),
   * else an {@code url_path} match.
   */
  private static Permission path(String v) {
    if (v.contains("{*}") || v.contains("{**}")) {
      return Permission.newBuilder().setUriTemplate(TypedExtensionConfig.newBuilder().setName(URI_TEMPLATE)
          .setTypedConfig(Any.pack(UriTemplateMatchConfig.newBuilder().setPathTemplate(v).build()))).build();
    }
    return Permission.newBuilder().setUrlPath(PathMatcher.newBuilder().setPath(string(v, ""))).build();
  }

  /** The name istiod gives the path template extension. */
  static final String URI_TEMPLATE = "uri-template";

  /** Istio's namespace matcher: {@code .*\/ns/<ns>/.*}, a {@code *} in the name as {@code .*}. */
  private static Principal namespace(String v) {
    return authenticated(StringMatcher.newBuilder()
        .setSafeRegex(RegexMatcher.newBuilder().setRegex(".*/ns/" + v.replace("*", ".*") + "/.*")).build());
  }

  private static Principal authenticated(StringMatcher m) {
    return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(m)).build();
  }

  private static CidrRange cidr(String v) {
    int slash = v.indexOf('/');
    String address = slash < 0 ? v : v.substring(0, slash);
    int len = slash < 0 ? (address.contains(":") ? 128 : 32) : Integer.parseInt(v.substring(slash + 1));
    return CidrRange.newBuilder().setAddressPrefix(address).setPrefixLen(UInt32Value.of(len)).build();
  }

  /** Go's {@code regexp.QuoteMeta}, which Istio uses. */
  private static String quoteMeta(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

}
