package io.meshlet.xds.translate;

import static io.meshlet.xds.translate.IstiodSecurity.INBOUND;
import static io.meshlet.xds.translate.IstiodSecurity.and;
import static io.meshlet.xds.translate.IstiodSecurity.inbound;
import static io.meshlet.xds.translate.IstiodSecurity.or;
import static io.meshlet.xds.translate.IstiodSecurity.rbac;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC.Action;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.AuthorizationPolicy.Condition;
import io.meshlet.core.model.AuthorizationPolicy.Operation;
import io.meshlet.core.model.AuthorizationPolicy.Rule;
import io.meshlet.core.model.AuthorizationPolicy.Source;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.PeerAuthentication;
import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inbound listener, RBAC, local rate limit and UpstreamTlsContext as istiod writes them, into the security model. */
class XdsSecurityTranslationTest {
  static final ResourceOrigin ORIGIN = new ResourceOrigin("xds", "Listener " + INBOUND);

  static Translation translate(Listener... inbound) {
    Map<String, Listener> listeners = new LinkedHashMap<>();
    for (Listener l : inbound) {
      listeners.put(l.getName(), l);
    }
    return XdsTranslator.translate(Istiod.with(Istiod.reviews(), listeners, Map.of()), "default");
  }

  static Source source(List<String> principals, List<String> namespaces, List<String> ipBlocks) {
    return new Source(principals, List.of(), namespaces, List.of(), ipBlocks, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  static Operation operation(List<String> methods, List<String> paths, List<String> notPaths) {
    return new Operation(List.of(), List.of(), List.of(), List.of(), methods, List.of(), paths, notPaths);
  }

  @Test
  void strictInboundListenerWithDenyAndAllowFilters() {
    Listener l = inbound(INBOUND, 9080, true, List.of(
        rbac(Action.DENY, Map.of("default-deny-delete-0", IstiodSecurity.denyDelete())),
        rbac(Action.ALLOW, Map.of("default-allow-productpage-0", IstiodSecurity.allowProductpage())),
        IstiodSecurity.localRateLimit(50, 1)));
    Translation t = translate(l);

    assertThat(t.errors()).isEmpty();
    assertThat(t.config().peerAuthentications()).containsExactly(new PeerAuthentication(
        new ResourceId("PeerAuthentication", "default", "xds-inbound"), ORIGIN, Map.of(), MtlsMode.UNSET,
        Map.of(9080, MtlsMode.STRICT), List.of()));
    assertThat(t.config().authorizationPolicies()).containsExactly(
        new AuthorizationPolicy(new ResourceId("AuthorizationPolicy", "default", "default-deny-delete-0"), ORIGIN, Map.of(),
            AuthorizationPolicy.Action.DENY,
            List.of(new Rule(List.of(), List.of(operation(List.of("DELETE"), List.of(), List.of())), List.of())), List.of()),
        new AuthorizationPolicy(new ResourceId("AuthorizationPolicy", "default", "default-allow-productpage-0"), ORIGIN, Map.of(),
            AuthorizationPolicy.Action.ALLOW,
            List.of(new Rule(
                List.of(source(List.of("cluster.local/ns/default/sa/bookinfo-productpage"), List.of(), List.of("10.0.0.0/8")),
                    source(List.of(), List.of("istio-system"), List.of())),
                List.of(operation(List.of("GET"), List.of("/reviews/*"), List.of("/reviews/admin"))),
                List.of(new Condition("request.headers[x-token]", List.of("abc"), List.of())))),
            List.of()));
    assertThat(t.config().rateLimits()).singleElement().satisfies(rl -> {
      assertThat(rl).isEqualTo(new RateLimitPolicy(new ResourceId("RateLimit", "default", "inbound-9080"), ORIGIN, "", List.of(),
          50, Duration.ofSeconds(1), List.of(), List.of(), Map.of()));
      assertThat(rl.serverSide()).isTrue();
      assertThat(rl.selects(Map.of("app", "reviews"))).isTrue();
    });
    // The outbound side is still there.
    assertThat(t.config().virtualServices()).hasSize(1);
  }

  @Test
  void chainsGiveTheMode() {
    Listener plaintext = inbound(INBOUND, 9080, false, List.of());
    Listener both = plaintext.toBuilder().addFilterChains(IstiodSecurity.chain(true, List.of())).build();
    Listener other = inbound("xds.istio.io/grpc/lds/inbound/0.0.0.0:9443", 9443, true, List.of());

    assertThat(translate(plaintext).config().peerAuthentications().get(0).portLevelMtls()).containsExactly(Map.entry(9080, MtlsMode.DISABLE));
    assertThat(translate(both, other).config().peerAuthentications()).singleElement()
        .satisfies(pa -> assertThat(pa.portLevelMtls()).isEqualTo(Map.of(9080, MtlsMode.PERMISSIVE, 9443, MtlsMode.STRICT)));
    assertThat(translate(plaintext).config().authorizationPolicies()).isEmpty();
  }

  @Test
  void anAllowFilterWithoutPoliciesAllowsNothing() {
    Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.ALLOW, Map.of()))));
    assertThat(t.config().authorizationPolicies()).singleElement().satisfies(p -> {
      assertThat(p.action()).isEqualTo(AuthorizationPolicy.Action.ALLOW);
      assertThat(p.rules()).isEmpty();
    });
  }

  @Test
  void wildcardsComeBackAsIstioMatchStrings() {
    Policy p = Policy.newBuilder()
        .addPermissions(and(or(IstiodSecurity.path(StringMatcher.newBuilder().setSuffix(".png").build())),
            or(Permission.newBuilder().setDestinationPort(9080).build())))
        .addPrincipals(Principal.newBuilder().setAndIds(Principal.Set.newBuilder()
            .addIds(or(IstiodSecurity.authenticated(StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder()
                .setRegex("spiffe://.*/sa/bookinfo-ratings\\.v1")).build())))
            .addIds(Principal.newBuilder().setNotId(or(IstiodSecurity.authenticated(StringMatcher.newBuilder()
                .setSafeRegex(RegexMatcher.newBuilder().setRegex(".*/ns/test.*/.*")).build()))))
            .addIds(or(Principal.newBuilder().setRemoteIp(CidrRange.newBuilder().setAddressPrefix("1.2.3.4")
                .setPrefixLen(com.google.protobuf.UInt32Value.of(32))).build()))))
        .build();
    Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("p", p)))));

    assertThat(t.errors()).isEmpty();
    Rule rule = t.config().authorizationPolicies().get(0).rules().get(0);
    assertThat(rule.to()).containsExactly(new Operation(List.of(), List.of(), List.of(9080), List.of(), List.of(), List.of(),
        List.of("*.png"), List.of()));
    assertThat(rule.from()).containsExactly(new Source(List.of("*/sa/bookinfo-ratings.v1"), List.of(), List.of(), List.of("test*"),
        List.of(), List.of(), List.of("1.2.3.4"), List.of(), List.of(), List.of()));
  }

  private static Principal regexPrincipal(String regex) {
    return IstiodSecurity.authenticated(StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)).build());
  }

  /**
   * istiod's {@code serviceAccountRegex} for {@code serviceAccounts} / {@code notServiceAccounts}
   * (and {@code source.serviceAccount}): quoted as current istiod writes it, and raw as earlier
   * releases wrote it, both back as {@code namespace/name}.
   */
  @Test
  void serviceAccountRegexesComeBackAsServiceAccounts() {
    Policy p = Policy.newBuilder()
        .addPermissions(Permission.newBuilder().setAny(true))
        .addPrincipals(Principal.newBuilder().setAndIds(Principal.Set.newBuilder()
            .addIds(or(regexPrincipal("spiffe://.+/ns/default/(.+/|)sa/bookinfo\\.ratings(/.+)?"),
                regexPrincipal("spiffe://.+/ns/monitoring/(.+/|)sa/prom.v2(/.+)?")))
            .addIds(Principal.newBuilder().setNotId(or(regexPrincipal("spiffe://.+/ns/default/(.+/|)sa/blocked(/.+)?"))))))
        .build();
    Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.ALLOW, Map.of("sa", p)))));

    assertThat(t.errors()).isEmpty();
    assertThat(t.config().authorizationPolicies().get(0).rules().get(0).from()).containsExactly(new Source(List.of(),
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of("default/bookinfo.ratings", "monitoring/prom.v2"), List.of("default/blocked")));
  }

  /** A regex shaped almost like istiod's service account regex is not one: an error with its path, never a guess. */
  @Test
  void aServiceAccountRegexWithAnotherMetacharacterIsAnError() {
    for (String regex : List.of("spiffe://.+/ns/default/(.+/|)sa/a+(/.+)?", "spiffe://.+/ns//(.+/|)sa/a(/.+)?",
        "spiffe://.+/ns/a/(.+/|)sa/b/(.+/|)sa/c(/.+)?")) {
      Policy p = Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true))
          .addPrincipals(andIds(regexPrincipal(regex))).build();
      Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.ALLOW, Map.of("y", p)))));
      assertThat(t.errors()).as(regex).singleElement().satisfies(err ->
          assertThat(err.path()).endsWith("policies[y].principals[0].and_ids.ids[0].or_ids.ids[0].authenticated.principal_name"
              + ".safe_regex.regex"));
      assertThat(t.config().authorizationPolicies()).isEmpty();
    }
  }

  @Test
  void anUnsupportedMatcherLeavesTheListenerOutWithItsPath() {
    Policy p = Policy.newBuilder()
        .addPermissions(and(or(Permission.newBuilder().setMetadata(io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher.newBuilder()
            .setFilter("envoy.filters.http.custom")).build())))
        .addPrincipals(Principal.newBuilder().setAny(true))
        .build();
    Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("default-deny-ip-0", p)))));

    assertThat(t.errors()).containsExactly(ConfigProblem.error("Listener", INBOUND, "xds",
        "filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.rules.policies[default-deny-ip-0]"
            + ".permissions[0].and_rules.rules[0].or_rules.rules[0].metadata",
        "not supported (expected: header :method/:authority/:path, url_path, uri_template, destination_port, destination_ip, "
            + "requested_server_name, and_rules, or_rules, not_rule or any)"));
    assertThat(t.config().peerAuthentications()).isEmpty();
    assertThat(t.config().authorizationPolicies()).isEmpty();
  }

  @Test
  void twoConditionsOnOneFieldInOneAndAreAnError() {
    Policy p = Policy.newBuilder()
        .addPermissions(and(or(IstiodSecurity.method("GET")), or(IstiodSecurity.method("POST"))))
        .addPrincipals(Principal.newBuilder().setAny(true))
        .build();
    Translation t = translate(inbound(INBOUND, 9080, false, List.of(rbac(Action.ALLOW, Map.of("x", p)))));
    assertThat(t.errors()).singleElement().satisfies(e -> {
      assertThat(e.path()).endsWith("policies[x].permissions[0].and_rules.rules[1]");
      assertThat(e.message()).startsWith("a second condition on methods in one and");
    });
  }

  static final String INBOUND_9443 = "xds.istio.io/grpc/lds/inbound/0.0.0.0:9443";

  @Test
  void inboundListenersWithDifferentPoliciesAreAnErrorNamingBoth() {
    // ALLOW {productpage} on 9080 and ALLOW {anyone} on 9443: merged, 9080 would accept anyone.
    Policy anyone = Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true))
        .addPrincipals(Principal.newBuilder().setAny(true)).build();
    Listener strict = inbound(INBOUND, 9080, true, List.of(rbac(Action.ALLOW, Map.of("allow", IstiodSecurity.allowProductpage()))));
    Listener open = inbound(INBOUND_9443, 9443, true, List.of(rbac(Action.ALLOW, Map.of("allow", anyone))));
    Translation t = translate(strict, open);

    assertThat(t.errors()).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo("Listener");
      assertThat(List.of(e.name(), e.message())).anyMatch(x -> x.contains(INBOUND)).anyMatch(x -> x.contains(INBOUND_9443));
      assertThat(e.message()).contains("RBAC policies differ");
    });
    // The same policies on both (istiod's shape) are kept once.
    Listener same = inbound(INBOUND_9443, 9443, true, List.of(rbac(Action.ALLOW, Map.of("allow", IstiodSecurity.allowProductpage()))));
    assertThat(translate(strict, same).errors()).isEmpty();
    assertThat(translate(strict, same).config().authorizationPolicies()).hasSize(1);
  }

  @Test
  void aDeclaredServerPortWithoutAnAcceptedListenerDeniesEveryCallToIt() {
    Listener strict = inbound(INBOUND, 9080, false, List.of());
    Translation t = XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(INBOUND, strict), Map.of()), "default",
        Map.of(INBOUND, 9080, INBOUND_9443, 9443));

    assertThat(t.errors()).isEmpty();
    assertThat(t.config().peerAuthentications()).singleElement()
        .satisfies(pa -> assertThat(pa.portLevelMtls()).isEqualTo(Map.of(9080, MtlsMode.DISABLE, 9443, MtlsMode.STRICT)));
    assertThat(t.config().authorizationPolicies()).singleElement().satisfies(p -> {
      assertThat(p.id().name()).isEqualTo("xds-inbound-missing-9443");
      assertThat(p.action()).isEqualTo(AuthorizationPolicy.Action.DENY);
      assertThat(p.rules()).containsExactly(new Rule(List.of(), List.of(new Operation(List.of(), List.of(), List.of(9443),
          List.of(), List.of(), List.of(), List.of(), List.of())), List.of()));
    });
    assertThat(t.warnings()).anySatisfy(w -> {
      assertThat(w.name()).isEqualTo(INBOUND_9443);
      assertThat(w.message()).contains("every call to port 9443 is denied");
    });

    // No listener at all (none arrived, or the first LDS was rejected): every declared port is closed.
    Translation none = XdsTranslator.translate(Istiod.reviews(), "default", Map.of(INBOUND, 9080));
    assertThat(none.config().peerAuthentications()).singleElement()
        .satisfies(pa -> assertThat(pa.portLevelMtls()).isEqualTo(Map.of(9080, MtlsMode.STRICT)));
    assertThat(none.config().authorizationPolicies()).extracting(p -> p.id().name()).containsExactly("xds-inbound-missing-9080");
  }

  @Test
  void matchSubjectAltNamesOnAnInboundListenerIsAnError() {
    Listener l = inbound(INBOUND, 9080, true, List.of());
    l = l.toBuilder().setFilterChains(0, l.getFilterChains(0).toBuilder().setTransportSocket(
        io.envoyproxy.envoy.config.core.v3.TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
            .setTypedConfig(com.google.protobuf.Any.pack(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                .newBuilder().setCommonTlsContext(IstiodSecurity.common(List.of(IstiodSecurity.PRODUCTPAGE)))
                .setRequireClientCertificate(com.google.protobuf.BoolValue.of(true)).build())))).build();
    Translation t = translate(l);

    assertThat(t.errors()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo(INBOUND);
      assertThat(e.path()).isEqualTo("filter_chains[0].transport_socket.typed_config.common_tls_context"
          + ".combined_validation_context.default_validation_context.match_subject_alt_names");
    });
    assertThat(t.config().peerAuthentications()).isEmpty();
  }

  @Test
  void anyFalseIsAnErrorWithItsPath() {
    Policy p = Policy.newBuilder()
        .addPermissions(and(Permission.newBuilder().setAny(false).build(), or(IstiodSecurity.method("GET"))))
        .addPrincipals(Principal.newBuilder().setAny(true))
        .build();
    Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("x", p)))));
    assertThat(t.errors()).singleElement().satisfies(e -> {
      assertThat(e.path()).endsWith("policies[x].permissions[0].and_rules.rules[0].any");
      assertThat(e.message()).isEqualTo("false (expected: true)");
    });

    Policy principal = Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true))
        .addPrincipals(Principal.newBuilder().setAny(false)).build();
    assertThat(translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.ALLOW, Map.of("y", principal))))).errors())
        .singleElement().satisfies(e -> assertThat(e.path()).endsWith("policies[y].principals[0].any"));
  }

  @Test
  void aPathHeaderMatcherMustBeAPrefix() {
    for (io.envoyproxy.envoy.config.route.v3.HeaderMatcher bad : List.of(
        pathHeader().setStringMatch(StringMatcher.newBuilder().setExact("/admin")).build(),
        pathHeader().setStringMatch(StringMatcher.newBuilder().setSuffix(".secret")).build(),
        pathHeader().setExactMatch("/admin").build(),
        pathHeader().setStringMatch(StringMatcher.newBuilder().setPrefix("/a?b=")).build())) {
      Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("x", pathPolicy(bad))))));
      assertThat(t.errors()).as("%s", bad).singleElement().satisfies(e -> {
        assertThat(e.path()).endsWith("policies[x].permissions[0].and_rules.rules[0].or_rules.rules[0].header");
        assertThat(e.message()).contains("':path'").contains("url_path");
      });
    }
    Translation ok = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("x",
        pathPolicy(pathHeader().setStringMatch(StringMatcher.newBuilder().setPrefix("/admin")).build()))))));
    assertThat(ok.errors()).isEmpty();
    assertThat(ok.config().authorizationPolicies().get(0).rules().get(0).to().get(0).paths()).containsExactly("/admin*");
  }

  /** istiod (and mesh-control-plane) serve a {@code paths} template as a {@code uri_template} permission. */
  @Test
  void aUriTemplatePermissionIsThePolicysPathTemplate() {
    Translation ok = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("x",
        templatePolicy("/files/{*}/raw/{**}"))))));
    assertThat(ok.errors()).isEmpty();
    assertThat(ok.config().authorizationPolicies().get(0).rules().get(0).to().get(0).paths())
        .containsExactly("/files/{*}/raw/{**}");

    Translation bad = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("x",
        templatePolicy("/files/{id}"))))));
    assertThat(bad.errors()).singleElement().satisfies(e -> {
      assertThat(e.path()).endsWith("policies[x].permissions[0].and_rules.rules[0].or_rules.rules[0].uri_template"
          + ".typed_config.path_template");
      assertThat(e.message()).contains("'/files/{id}'");
    });
  }

  private static Policy templatePolicy(String template) {
    Permission p = Permission.newBuilder().setUriTemplate(io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig.newBuilder()
        .setName("uri-template").setTypedConfig(com.google.protobuf.Any.pack(
            io.envoyproxy.envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig.newBuilder()
                .setPathTemplate(template).build()))).build();
    return Policy.newBuilder().addPermissions(and(or(p))).addPrincipals(Principal.newBuilder().setAny(true)).build();
  }

  /** Literals with '*' would change meaning as match strings (exact "*" is any value, exact "/a*" a prefix): refused with their path. */
  @Test
  void aLiteralWithAStarIsAnErrorWithItsPath() {
    String or0 = "policies[x].permissions[0].and_rules.rules[0].or_rules.rules[0]";
    Map<Permission, String> bad = new LinkedHashMap<>();
    bad.put(Permission.newBuilder().setHeader(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName(":method")
        .setStringMatch(StringMatcher.newBuilder().setExact("*"))).build(), or0 + ".header.string_match.exact");
    bad.put(IstiodSecurity.path(StringMatcher.newBuilder().setExact("/a*").build()), or0 + ".url_path.path.exact");
    bad.put(IstiodSecurity.path(StringMatcher.newBuilder().setPrefix("/a*b").build()), or0 + ".url_path.path.prefix");
    bad.put(IstiodSecurity.path(StringMatcher.newBuilder().setSuffix("*.png").build()), or0 + ".url_path.path.suffix");
    bad.put(Permission.newBuilder().setHeader(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName(":authority")
        .setExactMatch("*")).build(), or0 + ".header.exact_match");
    bad.put(Permission.newBuilder().setHeader(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName(":path")
        .setPrefixMatch("/a*")).build(), or0 + ".header.prefix_match");
    for (Map.Entry<Permission, String> e : bad.entrySet()) {
      Policy p = Policy.newBuilder().addPermissions(and(or(e.getKey()))).addPrincipals(Principal.newBuilder().setAny(true)).build();
      Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("x", p)))));
      assertThat(t.errors()).as("%s", e.getKey()).singleElement().satisfies(err -> {
        assertThat(err.path()).endsWith(e.getValue());
        assertThat(err.message()).contains("expected: no '*'");
      });
      assertThat(t.config().authorizationPolicies()).isEmpty();
    }

    // A request-header principal (a when condition) and an authenticated principal name.
    Principal header = Principal.newBuilder().setHeader(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder()
        .setName("x-token").setSuffixMatch("a*")).build();
    Principal spiffe = IstiodSecurity.authenticated(StringMatcher.newBuilder().setExact("spiffe://*").build());
    for (Principal pr : List.of(header, spiffe)) {
      Policy p = Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true)).addPrincipals(andIds(pr)).build();
      assertThat(translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.ALLOW, Map.of("y", p))))).errors())
          .as("%s", pr).singleElement().satisfies(err -> assertThat(err.message()).contains("expected: no '*'"));
    }
  }

  /** Every value becomes a match string the YAML parser would accept: an escaped '*' in Istio's suffix regex, an empty exact. */
  @Test
  void everyTranslatedValueIsAValidMatchString() {
    Principal starInSuffix = IstiodSecurity.authenticated(StringMatcher.newBuilder()
        .setSafeRegex(RegexMatcher.newBuilder().setRegex("spiffe://.*a\\*b")).build());
    Principal emptyHeader = Principal.newBuilder().setHeader(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder()
        .setName("x-token").setExactMatch("")).build();
    for (Principal pr : List.of(starInSuffix, emptyHeader)) {
      Policy p = Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true)).addPrincipals(andIds(pr)).build();
      Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("y", p)))));
      assertThat(t.errors()).as("%s", pr).singleElement().satisfies(err -> {
        assertThat(err.path()).endsWith("policies[y].principals[0].and_ids.ids[0].or_ids.ids[0]");
        assertThat(err.message()).containsAnyOf("'*' only at the start or the end", "expected: a non-empty value");
      });
      assertThat(t.config().authorizationPolicies()).isEmpty();
    }
  }

  /** A request-header principal names its header: without a name it could be no when key the engine knows. */
  @Test
  void aHeaderPrincipalWithoutANameIsAnErrorWithItsPath() {
    Principal noName = Principal.newBuilder().setHeader(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder()
        .setExactMatch("x")).build();
    Policy p = Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true)).addPrincipals(andIds(noName)).build();
    Translation t = translate(inbound(INBOUND, 9080, true, List.of(rbac(Action.ALLOW, Map.of("y", p)))));
    assertThat(t.errors()).singleElement().satisfies(err -> {
      assertThat(err.path()).endsWith("policies[y].principals[0].and_ids.ids[0].or_ids.ids[0].header.name");
      assertThat(err.message()).isEqualTo("'' (expected: a header name)");
    });
    assertThat(t.config().authorizationPolicies()).isEmpty();
  }

  @Test
  void remoteAddressSettingsOfTheInboundHcmAreWarnedAboutWithTheirPath() throws Exception {
    Listener l = inbound(INBOUND, 9080, true, List.of(rbac(Action.DENY, Map.of("default-deny-delete-0", IstiodSecurity.denyDelete()))));
    var chain = l.getFilterChains(0);
    var hcm = chain.getFilters(0).getTypedConfig()
        .unpack(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.class);
    assertThat(translate(l).warnings()).isEmpty();
    // Explicit defaults are not warned about.
    Listener defaults = withHcm(l, hcm.toBuilder().setXffNumTrustedHops(0).setUseRemoteAddress(com.google.protobuf.BoolValue.of(false)).build());
    assertThat(translate(defaults).warnings()).isEmpty();

    Translation t = translate(withHcm(l, hcm.toBuilder().setXffNumTrustedHops(2).setUseRemoteAddress(com.google.protobuf.BoolValue.of(true)).build()));
    assertThat(t.errors()).isEmpty();
    assertThat(t.warnings()).extracting(ConfigProblem::path).containsExactly(
        "filter_chains[0].filters[0].typed_config.xff_num_trusted_hops", "filter_chains[0].filters[0].typed_config.use_remote_address");
    assertThat(t.warnings()).allSatisfy(w -> assertThat(w.message()).contains("Mesh.Builder.numTrustedProxies"));
    assertThat(t.config().authorizationPolicies()).hasSize(1); // still served
  }

  private static Listener withHcm(Listener l, com.google.protobuf.Message hcm) {
    var chain = l.getFilterChains(0);
    return l.toBuilder().setFilterChains(0, chain.toBuilder().setFilters(0, chain.getFilters(0).toBuilder()
        .setTypedConfig(com.google.protobuf.Any.pack(hcm)))).build();
  }

  /** Istio's shape of one principal: an and over one field's or. */
  private static Principal andIds(Principal p) {
    return Principal.newBuilder().setAndIds(Principal.Set.newBuilder().addIds(or(p))).build();
  }

  private static io.envoyproxy.envoy.config.route.v3.HeaderMatcher.Builder pathHeader() {
    return io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName(":path");
  }

  private static Policy pathPolicy(io.envoyproxy.envoy.config.route.v3.HeaderMatcher h) {
    return Policy.newBuilder().addPermissions(and(or(Permission.newBuilder().setHeader(h).build())))
        .addPrincipals(Principal.newBuilder().setAny(true)).build();
  }

  @Test
  void localRateLimitOnAnOutboundListenerLimitsCallsToItsHosts() {
    Listener l = Istiod.listener(Istiod.LISTENER, Istiod.hcm(Istiod.ROUTES).toBuilder()
        .addHttpFilters(0, IstiodSecurity.localRateLimit(10, 2)).build());
    Translation t = XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(Istiod.LISTENER, l), Map.of()), "default");

    assertThat(t.problems()).isEmpty();
    assertThat(t.config().rateLimits()).containsExactly(new RateLimitPolicy(
        new ResourceId("RateLimit", "default", "xds-" + Istiod.REVIEWS + "-9080"), new ResourceOrigin("xds", "Listener " + Istiod.LISTENER),
        Istiod.REVIEWS, List.of(), 10, Duration.ofSeconds(2), List.of(), List.of()));
    assertThat(t.config().rateLimits().get(0).serverSide()).isFalse();
  }

  @Test
  void upstreamTlsContextIsIstioMutualWithSans() {
    String san = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
    Map<String, Cluster> clusters = new LinkedHashMap<>(Istiod.reviews().clusters());
    clusters.put(Istiod.BASE, clusters.get(Istiod.BASE).toBuilder()
        .setTransportSocket(IstiodSecurity.upstreamTls(List.of(san), "outbound_.9080_._.reviews.default.svc.cluster.local")).build());
    clusters.put(Istiod.V1, clusters.get(Istiod.V1).toBuilder().setTransportSocket(IstiodSecurity.upstreamTls(List.of(), "")).build());
    XdsResources r = Istiod.reviews();
    Translation t = XdsTranslator.translate(new XdsResources(r.listeners(), r.routes(), clusters, r.endpoints()), "default");

    assertThat(t.errors()).isEmpty();
    assertThat(t.config().destinationRules()).singleElement().satisfies(dr -> {
      assertThat(dr.trafficPolicy().tlsFor(9080)).isEqualTo(
          ClientTlsSettings.istioMutual(List.of(san), "outbound_.9080_._.reviews.default.svc.cluster.local"));
      assertThat(dr.subsets()).filteredOn(s -> s.name().equals("v1")).singleElement()
          .satisfies(s -> assertThat(s.trafficPolicy().tlsFor(9080)).isEqualTo(ClientTlsSettings.istioMutual(List.of(), null)));
    });
  }

  /**
   * Second security review: a prefix matcher came through as {@code prefix*} in the exact list, and
   * every name ending in {@code *} was then matched as a prefix (YAML too). Prefixes are kept apart.
   */
  @Test
  void aPrefixSanMatcherIsCarriedAsAPrefixAndMustNotBeEmpty() {
    String san = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
    io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext.Builder common =
        IstiodSecurity.common(List.of(san)).toBuilder();
    common.getCombinedValidationContextBuilder().getDefaultValidationContextBuilder()
        .addMatchSubjectAltNames(io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder()
            .setPrefix("spiffe://cluster.local/ns/prod/"));
    Map<String, Cluster> clusters = new LinkedHashMap<>(Istiod.reviews().clusters());
    clusters.put(Istiod.BASE, clusters.get(Istiod.BASE).toBuilder().setTransportSocket(upstream(common.build())).build());
    XdsResources r = Istiod.reviews();
    Translation t = XdsTranslator.translate(new XdsResources(r.listeners(), r.routes(), clusters, r.endpoints()), "default");
    assertThat(t.errors()).isEmpty();
    assertThat(t.config().destinationRules()).singleElement().satisfies(dr -> assertThat(dr.trafficPolicy().tlsFor(9080))
        .isEqualTo(ClientTlsSettings.istioMutual(List.of(san), List.of("spiffe://cluster.local/ns/prod/"), null)));

    common.getCombinedValidationContextBuilder().getDefaultValidationContextBuilder()
        .addMatchSubjectAltNames(io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setPrefix(""));
    clusters.put(Istiod.BASE, clusters.get(Istiod.BASE).toBuilder().setTransportSocket(upstream(common.build())).build());
    Translation empty = XdsTranslator.translate(new XdsResources(r.listeners(), r.routes(), clusters, r.endpoints()), "default");
    assertThat(empty.errors()).containsExactly(ConfigProblem.error("Cluster", Istiod.BASE, "xds",
        "transport_socket.typed_config.common_tls_context.combined_validation_context.default_validation_context"
            + ".match_subject_alt_names[2].prefix",
        "'' (expected: a non-empty prefix; an empty one would accept every identity)"));
  }

  private static io.envoyproxy.envoy.config.core.v3.TransportSocket upstream(
      io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext common) {
    return io.envoyproxy.envoy.config.core.v3.TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
        .setTypedConfig(com.google.protobuf.Any.pack(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
            .UpstreamTlsContext.newBuilder().setCommonTlsContext(common).build())).build();
  }

  @Test
  void upstreamTlsWithFileCertificatesIsAnError() {
    Map<String, Cluster> clusters = new LinkedHashMap<>(Istiod.reviews().clusters());
    clusters.put(Istiod.BASE, clusters.get(Istiod.BASE).toBuilder().setTransportSocket(
        io.envoyproxy.envoy.config.core.v3.TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
            .setTypedConfig(com.google.protobuf.Any.pack(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                .newBuilder().setCommonTlsContext(IstiodSecurity.common(List.of()).toBuilder()
                    .clearTlsCertificateCertificateProviderInstance()
                    .addTlsCertificates(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate.getDefaultInstance()))
                .build()))).build());
    XdsResources r = Istiod.reviews();
    Translation t = XdsTranslator.translate(new XdsResources(r.listeners(), r.routes(), clusters, r.endpoints()), "default");
    assertThat(t.errors()).containsExactly(ConfigProblem.error("Cluster", Istiod.BASE, "xds",
        "transport_socket.typed_config.common_tls_context.tls_certificates",
        "not supported (expected: tls_certificate_provider_instance, the mesh certificate)"));
  }
}
