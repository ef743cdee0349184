package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.Workload;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.security.JwtResult;
import io.meshlet.xds.translate.Translation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RequestAuthentication served as istiod serves it (the inbound listener's jwt_authn filter, and
 * RBAC metadata matchers on request.auth.*) and read back by the xDS client: the engine fed by xDS
 * decides JWT calls as the one reading the YAML.
 */
class JwtServingTest {
  static final String ISSUER = "https://issuer.example.com";

  @Test
  void requestAuthenticationAndJwtPoliciesRoundTrip() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    String jwks = new JWKSet(key).toPublicJWKSet().toString();
    String yaml = "---\napiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: default}\n"
        + "spec:\n  jwtRules:\n  - issuer: \"" + ISSUER + "\"\n    audiences: [reviews]\n    jwks: '" + jwks + "'\n"
        + "    fromHeaders: [{name: x-token, prefix: \"Bearer \"}]\n    outputClaimToHeaders: [{header: x-sub, claim: sub}]\n"
        + "  - issuer: https://other.example.com\n    jwksUri: https://other.example.com/jwks\n    timeout: 2s\n"
        + SnapshotBuilderTest.policy("default", "admins", "{rules: [{from: [{source: {requestPrincipals: [\"" + ISSUER
            + "/*\"]}}], when: [{key: \"request.auth.claims[org][roles]\", values: [admin]}, "
            + "{key: request.auth.audiences, values: [rev*]}]}]}")
        + SnapshotBuilderTest.policy("default", "no-bob", "{action: DENY, rules: [{when: [{key: request.auth.principal, "
            + "values: [\"*/bob\"]}]}]}");
    MeshConfig fromYaml = SnapshotBuilderTest.parse(yaml);
    SnapshotBuilder.Resources r = SnapshotBuilder.build(fromYaml,
        new NodeKey("default", Map.of(), List.of(SnapshotBuilderTest.INBOUND)));
    Listener inbound = r.listeners().stream().filter(l -> l.getName().equals(SnapshotBuilderTest.INBOUND)).findFirst()
        .orElseThrow();
    HttpConnectionManager hcm = inbound.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertThat(hcm.getHttpFiltersList()).extracting(HttpFilter::getName).startsWith(JwtAuthnBuilder.NAME,
        InboundBuilder.RBAC_DENY, InboundBuilder.RBAC_ALLOW);
    JwtAuthentication authn = hcm.getHttpFilters(0).getTypedConfig().unpack(JwtAuthentication.class);
    assertThat(authn.getProvidersMap()).containsOnlyKeys("origins-0", "origins-1");
    assertThat(authn.getProvidersOrThrow("origins-0").getPayloadInMetadata()).isEqualTo(ISSUER);
    assertThat(authn.getProvidersOrThrow("origins-1").getRemoteJwks().getHttpUri().getCluster())
        .isEqualTo("outbound|443||other.example.com");
    assertThat(authn.getRules(0).getRequires().getRequiresAny().getRequirementsList()).hasSize(3)
        .last().matches(q -> q.hasAllowMissing());

    Translation back = io.meshlet.xds.translate.XdsTranslator.translate(SnapshotBuilderTest.resources(r), "default");
    assertThat(back.errors()).isEmpty();
    assertThat(back.config().requestAuthentications()).singleElement()
        .satisfies(ra -> assertThat(ra.jwtRules()).isEqualTo(fromYaml.requestAuthentications().get(0).jwtRules()));

    Workload reviews = new Workload("reviews", "default", Map.of(), "");
    InboundPolicies yamlEngine = InboundPolicies.compile(fromYaml, reviews, InboundPolicies.DEFAULT_ROOT_NAMESPACE);
    InboundPolicies xdsEngine = InboundPolicies.compile(back.config(), reviews, InboundPolicies.DEFAULT_ROOT_NAMESPACE);
    assertThat(decide(yamlEngine, new SecurityYamlRoundTripTest.Call(null, false, "10.0.0.5", 9080, "GET", "/",
        Map.of("x-token", "Bearer " + token(key, "bob", Map.of("roles", List.of("admin"))))))).isEqualTo("denied");
    for (String token : List.of(
        token(key, "alice", Map.of("roles", List.of("admin"))), token(key, "alice", Map.of("roles", List.of("dev"))),
        token(key, "bob", Map.of("roles", List.of("admin"))), "garbage")) {
      SecurityYamlRoundTripTest.Call call = new SecurityYamlRoundTripTest.Call(null, false, "10.0.0.5", 9080, "GET", "/",
          Map.of("x-token", "Bearer " + token));
      assertThat(decide(xdsEngine, call)).as(token).isEqualTo(decide(yamlEngine, call));
    }
    assertThat(decide(xdsEngine, new SecurityYamlRoundTripTest.Call(null, false, "10.0.0.5", 9080, "GET", "/",
        Map.of("x-token", "Bearer " + token(key, "alice", Map.of("roles", List.of("admin")))))))
        .isEqualTo("allowed");
  }

  private static String decide(InboundPolicies p, SecurityYamlRoundTripTest.Call call) {
    JwtResult auth = p.jwt().authenticate(call);
    if (auth.refused()) {
      return "401 " + auth.failure();
    }
    // Names differ (istiod names RBAC policies <ns>-<name>-<rule>): compare the decisions.
    return p.check(auth.applyTo(call)).allowed() ? "allowed" : "denied";
  }

  private static String token(RSAKey key, String subject, Map<String, Object> org) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer(ISSUER).subject(subject).audience("reviews").claim("org", org).build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
