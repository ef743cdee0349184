package io.meshlet.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.model.Workload;
import io.meshlet.core.resilience.MeshTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * RequestAuthentication with an inline key set and AuthorizationPolicy's JWT attributes, on the
 * engine (the pipeline's steps without a transport): Envoy's refusals, missing tokens, claims.
 */
class JwtAuthenticationTest {
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  static final String ISSUER = "https://issuer.example.com";
  static final RSAKey RSA = generateRsa("rsa-1");
  static final ECKey EC = generateEc("ec-1");
  static final RSAKey OTHER = generateRsa("rsa-1");

  static RSAKey generateRsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static ECKey generateEc(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A token signed with {@code key} (RS256 for RSA, ES256 for EC), issued by ISSUER for audience "reviews", valid at NOW. */
  static String token(Object key, Consumer<JWTClaimsSet.Builder> edit) {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience("reviews")
        .issueTime(Date.from(NOW.minusSeconds(10))).expirationTime(Date.from(NOW.plusSeconds(3600)));
    edit.accept(claims);
    try {
      if (key instanceof RSAKey rsa) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID())
            .type(JOSEObjectType.JWT).build(), claims.build());
        jwt.sign(new RSASSASigner(rsa));
        return jwt.serialize();
      }
      ECKey ec = (ECKey) key;
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims.build());
      jwt.sign(new ECDSASigner(ec));
      return jwt.serialize();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String requestAuthentication(String jwtRule) {
    return "---\napiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: default}\n"
        + "spec:\n  jwtRules:\n  - " + jwtRule + "\n";
  }

  static String inlineRule() {
    String jwks = new JWKSet(List.of(RSA.toPublicJWK(), EC.toPublicJWK())).toString();
    return "{issuer: \"" + ISSUER + "\", audiences: [reviews], jwks: '" + jwks + "', outputClaimToHeaders: [{header: x-sub, claim: sub}]}";
  }

  static InboundPolicies policies(String yaml) {
    IstioYaml.ParseResult r = IstioYaml.parse("test", "test.yaml", yaml, "default");
    assertThat(r.errors()).isEmpty();
    return InboundPolicies.compile(r.config(), new Workload("reviews", "default", Map.of("app", "reviews"), "10.0.0.5"),
        InboundPolicies.DEFAULT_ROOT_NAMESPACE, 0,
        new JwtKeys(Clock.fixed(NOW, ZoneOffset.UTC), MeshTime.system(), JwksFetcher.http()));
  }

  static Call bearer(String token) {
    return Call.plain().header("Authorization", "Bearer " + token);
  }

  private static String refusal(InboundPolicies p, InboundRequest call) {
    JwtResult r = p.jwt().authenticate(call);
    return r.refused() ? r.failure() : "accepted " + (r.auth() == null ? "without token" : r.auth().principal());
  }

  @Test
  void validTokensSignedWithRs256AndEs256AreAccepted() {
    InboundPolicies p = policies(requestAuthentication(inlineRule()));
    assertThat(refusal(p, bearer(token(RSA, c -> {})))).isEqualTo("accepted " + ISSUER + "/alice");
    assertThat(refusal(p, bearer(token(EC, c -> {})))).isEqualTo("accepted " + ISSUER + "/alice");
    JwtResult r = p.jwt().authenticate(bearer(token(RSA, c -> {})));
    assertThat(r.requestHeaders().remove()).as("the token is not forwarded by default").containsExactly("Authorization");
    assertThat(r.requestHeaders().set()).containsEntry("x-sub", "alice");
  }

  @Test
  void badTokensAreRefusedWithEnvoysStatus() {
    InboundPolicies p = policies(requestAuthentication(inlineRule()));
    assertThat(refusal(p, bearer(token(RSA, c -> c.expirationTime(Date.from(NOW.minusSeconds(61)))))))
        .isEqualTo("Jwt is expired");
    assertThat(refusal(p, bearer(token(RSA, c -> c.expirationTime(Date.from(NOW.minusSeconds(30)))))))
        .as("within Envoy's 60 s clock skew").startsWith("accepted");
    assertThat(refusal(p, bearer(token(RSA, c -> c.notBeforeTime(Date.from(NOW.plusSeconds(120)))))))
        .isEqualTo("Jwt not yet valid");
    assertThat(refusal(p, bearer(token(RSA, c -> c.issuer("https://other.example.com")))))
        .isEqualTo("Jwt issuer is not configured");
    assertThat(refusal(p, bearer(token(RSA, c -> c.audience("ratings"))))).isEqualTo("Audiences in Jwt are not allowed");
    assertThat(refusal(p, bearer(token(OTHER, c -> {})))).as("same kid, another key").isEqualTo("Jwt verification fails");
    assertThat(refusal(p, bearer(token(generateRsa("unknown"), c -> {}))))
        .isEqualTo("Jwks doesn't have key to match kid or alg from Jwt");
    String none = new PlainJWT(new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience("reviews").build())
        .serialize();
    assertThat(refusal(p, bearer(none))).isEqualTo("Jwt header [alg] is not supported");
    assertThat(refusal(p, bearer("not-a-token"))).startsWith("Jwt is not in the form of Header.Payload.Signature");
    String[] parts = token(RSA, c -> {}).split("\\.");
    String tampered = parts[0] + "." + token(RSA, c -> c.subject("mallory")).split("\\.")[1] + "." + parts[2];
    assertThat(refusal(p, bearer(tampered))).isEqualTo("Jwt verification fails");
  }

  @Test
  void aCallWithoutATokenPassesWithoutARequestPrincipal() {
    InboundPolicies p = policies(requestAuthentication(inlineRule()));
    assertThat(p.enforcesNothing()).isFalse();
    assertThat(p.jwt().authenticate(Call.plain())).isSameAs(JwtResult.NO_TOKEN);
    assertThat(p.jwt().authenticate(Call.plain().header("Authorization", "Basic abc"))).isSameAs(JwtResult.NO_TOKEN);
    assertThat(p.check(Call.plain()).allowed()).isTrue();
  }

  @Test
  void tokensAreReadFromTheConfiguredHeaderParamAndCookie() {
    String jwks = new JWKSet(RSA.toPublicJWK()).toString();
    InboundPolicies p = policies(requestAuthentication("{issuer: \"" + ISSUER + "\", jwks: '" + jwks + "', "
        + "fromHeaders: [{name: x-jwt, prefix: \"Token \"}], fromParams: [jwt], fromCookies: [session]}"));
    String t = token(RSA, c -> {});
    assertThat(refusal(p, Call.plain().header("x-jwt", "Token " + t))).startsWith("accepted");
    assertThat(refusal(p, bearer(t))).as("Authorization is not a location here").isEqualTo("accepted without token");
    assertThat(refusal(p, new QueryCall(Call.plain(), "a=1&jwt=" + t))).startsWith("accepted");
    assertThat(refusal(p, Call.plain().header("cookie", "a=b; session=" + t))).startsWith("accepted");
  }

  private static String policy(String spec) {
    return InboundPoliciesTest.ap("default", "jwt-policy", spec);
  }

  @Test
  void requestPrincipalsAndClaimsDecideAllowAndDeny() {
    String yaml = requestAuthentication(inlineRule())
        + policy("{rules: [{from: [{source: {requestPrincipals: [\"" + ISSUER + "/*\"]}}], "
            + "when: [{key: \"request.auth.claims[groups]\", values: [admin]}]}]}")
        + InboundPoliciesTest.ap("default", "deny-interns", "{action: DENY, rules: [{when: "
            + "[{key: \"request.auth.claims[org][role]\", values: [intern]}]}]}");
    InboundPolicies p = policies(yaml);
    Call admin = bearer(token(RSA, c -> c.claim("groups", List.of("dev", "admin"))));
    Call dev = bearer(token(RSA, c -> c.claim("groups", List.of("dev"))));
    Call intern = bearer(token(RSA, c -> c.claim("groups", List.of("admin")).claim("org", Map.of("role", "intern"))));
    assertThat(decide(p, admin)).isEqualTo("allowed by AuthorizationPolicy default/jwt-policy rules[0]");
    assertThat(decide(p, dev)).startsWith("denied: no ALLOW policy matched");
    assertThat(decide(p, intern)).isEqualTo("denied by AuthorizationPolicy default/deny-interns rules[0]");
    assertThat(decide(p, Call.plain())).as("no token: no request principal").startsWith("denied: no ALLOW policy matched");

    InboundExplanation e = p.explain(admin);
    assertThat(e.steps()).contains("ALLOW AuthorizationPolicy default/jwt-policy rules[0]: matches "
        + "(from[0].source.requestPrincipals ['" + ISSUER + "/*']: request principal '" + ISSUER + "/alice'; "
        + "when[0] request.auth.claims[groups] values ['admin']: claim groups [dev, admin])");
    assertThat(p.explain(dev).steps()).anyMatch(s -> s.contains(
        "when[0] request.auth.claims[groups] values ['admin'] do not match claim groups [dev]"));
    assertThat(p.explain(bearer(token(RSA, c -> c.audience("x")))).decision().reason())
        .isEqualTo("denied: JWT refused by RequestAuthentication default/jwt: Audiences in Jwt are not allowed");
  }

  @Test
  void principalAudiencesAndPresenterConditions() {
    String yaml = requestAuthentication(inlineRule()) + policy("{rules: [{when: ["
        + "{key: request.auth.principal, values: [\"*/alice\"]}, {key: request.auth.audiences, values: [rev*]}, "
        + "{key: request.auth.presenter, notValues: [evil]}]}]}");
    InboundPolicies p = policies(yaml);
    assertThat(decide(p, bearer(token(RSA, c -> c.claim("azp", "web"))))).startsWith("allowed by");
    assertThat(decide(p, bearer(token(RSA, c -> c.claim("azp", "evil"))))).startsWith("denied");
    assertThat(decide(p, bearer(token(RSA, c -> c.subject("bob"))))).startsWith("denied");
  }

  private static String decide(InboundPolicies p, InboundRequest call) {
    JwtResult auth = p.jwt().authenticate(call);
    assertThat(auth.refused()).isFalse();
    return p.check(auth.applyTo(call)).reason();
  }

  @Test
  void badRulesAreRefusedWithTheirPaths() {
    IstioYaml.ParseResult r = IstioYaml.parse("test", "test.yaml", requestAuthentication(
        "{issuer: \"\", jwksUri: \"ftp://x\", jwks: \"{\", fromHeaders: [{prefix: x}], timeout: -1s}"), "default");
    assertThat(r.errors()).extracting(Object::toString).anySatisfy(s -> assertThat(s).contains("jwtRules[0].issuer"))
        .anySatisfy(s -> assertThat(s).contains("jwtRules[0].jwksUri: 'ftp://x' (expected: an http or https URL"))
        .anySatisfy(s -> assertThat(s).contains("jwtRules[0].jwks: not a JSON Web Key Set"))
        .anySatisfy(s -> assertThat(s).contains("jwtRules[0].fromHeaders[0].name: missing (required)"))
        .anySatisfy(s -> assertThat(s).contains("jwtRules[0].timeout"));
  }

  @Test
  void checkStaysAllocationFreeForCallsWithoutAToken() {
    InboundPolicies p = policies(requestAuthentication(inlineRule())
        + policy("{rules: [{from: [{source: {notRequestPrincipals: [\"*\"]}}]}]}"));
    InboundRequest call = new QueryCall(Call.plain(), null);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 20_000; i++) {
      p.check(p.jwt().authenticate(call).applyTo(call));
    }
    long before = mx.getCurrentThreadAllocatedBytes();
    boolean allAllowed = true;
    for (int i = 0; i < 100_000; i++) {
      allAllowed &= p.check(p.jwt().authenticate(call).applyTo(call)).allowed();
    }
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    assertThat(allAllowed).isTrue();
    assertThat(allocated).isLessThan(16_000); // one allocation per call would be >= 1.6 MB
  }

  /** A call with a query string (or none), whose headers are all absent without allocating. */
  record QueryCall(Call call, @org.jspecify.annotations.Nullable String query) implements InboundRequest {
    @Override public io.meshlet.core.identity.SpiffeId peer() { return call.peer(); }
    @Override public boolean secure() { return call.secure(); }
    @Override public String sourceAddress() { return call.sourceAddress(); }
    @Override public int destinationPort() { return call.destinationPort(); }
    @Override public String host() { return call.host(); }
    @Override public String method() { return call.method(); }
    @Override public String path() { return call.path(); }
    @Override public String header(String name) { return call.headers().isEmpty() ? null : call.header(name); }
  }
}
