package io.meshlet.core.security;

import static io.meshlet.core.security.InboundPoliciesTest.ap;
import static io.meshlet.core.security.InboundPoliciesTest.policies;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.identity.SpiffeId;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The AuthorizationPolicy fields of recent Istio releases: {@code source.serviceAccounts} (and the
 * {@code source.serviceAccount} key), path templates in {@code paths}, and the server-side
 * attributes {@code destination.ip} and {@code connection.sni}.
 */
class NewAuthorizationFieldsTest {
  /** A call with the local address and SNI a server knows. */
  record Served(Call call, @Nullable String destinationAddress, @Nullable String sni) implements InboundRequest {
    @Override public @Nullable SpiffeId peer() { return call.peer(); }
    @Override public boolean secure() { return call.secure(); }
    @Override public String sourceAddress() { return call.sourceAddress(); }
    @Override public int destinationPort() { return call.destinationPort(); }
    @Override public String host() { return call.host(); }
    @Override public String method() { return call.method(); }
    @Override public String path() { return call.path(); }
    @Override public @Nullable String header(String name) { return call.header(name); }
    @Override public List<String> headers(String name) { return call.headers(name); }
  }

  @Test
  void serviceAccountsAllowTheNamedAccountInAnyTrustDomainAndNobodyElse() {
    InboundPolicies p = policies(ap("default", "by-account", """
        {selector: {matchLabels: {app: reviews}}, action: ALLOW,
         rules: [{from: [{source: {serviceAccounts: [default/productpage]}}]}]}"""));
    assertThat(p.check(Call.from("default", "productpage")).allowed()).isTrue();
    assertThat(p.check(Call.from("default", "productpage").peer(SpiffeId.parse("spiffe://other.domain/ns/default/sa/productpage")))
        .allowed()).as("any trust domain, as Istio matches service accounts").isTrue();
    assertThat(p.check(Call.from("default", "ratings")).allowed()).isFalse();
    assertThat(p.check(Call.from("shop", "productpage")).allowed()).isFalse();
    assertThat(p.check(Call.plain()).allowed()).as("no identity, no service account").isFalse();
  }

  @Test
  void pathTemplatesMatchOneSegmentOrTheRest() {
    InboundPolicies p = policies(ap("default", "templates", """
        {selector: {matchLabels: {app: reviews}}, action: DENY,
         rules: [{to: [{operation: {paths: ["/api/{*}/admin", "/files/{**}"]}}]}]}"""));
    assertThat(p.check(Call.plain().request("GET", "/api/v1/admin")).allowed()).isFalse();
    assertThat(p.check(Call.plain().request("GET", "/api/v1/v2/admin")).allowed()).as("{*} is one segment").isTrue();
    assertThat(p.check(Call.plain().request("GET", "/files/a/b/c")).allowed()).isFalse();
    assertThat(p.check(Call.plain().request("GET", "/files")).allowed()).as("{**} needs the slash").isTrue();
    assertThat(p.check(Call.plain().request("GET", "/api/v1/admins")).allowed()).isTrue();
  }

  @Test
  void destinationIpAndSniAreKnownOnTheServerSide() {
    InboundPolicies p = policies(ap("default", "by-listener", """
        {selector: {matchLabels: {app: reviews}}, action: DENY,
         rules: [{when: [{key: destination.ip, values: [10.0.0.0/24]}, {key: connection.sni, values: ["*.internal"]}]}]}"""));
    Call call = Call.plain().request("GET", "/r");
    assertThat(p.check(new Served(call, "10.0.0.5", "reviews.internal")).allowed()).isFalse();
    assertThat(p.check(new Served(call, "10.0.1.5", "reviews.internal")).allowed()).isTrue();
    assertThat(p.check(new Served(call, "10.0.0.5", "reviews.example.com")).allowed()).isTrue();
    assertThat(p.check(new Served(call, null, null)).allowed()).as("unknown: values never match").isTrue();
  }
}
