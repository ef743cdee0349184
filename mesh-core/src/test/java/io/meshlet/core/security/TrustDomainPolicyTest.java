package io.meshlet.core.security;

import static io.meshlet.core.security.InboundPoliciesTest.ap;
import static io.meshlet.core.security.InboundPoliciesTest.policies;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.identity.SpiffeId;
import org.junit.jupiter.api.Test;

/**
 * AuthorizationPolicy {@code source.trustDomains}/{@code notTrustDomains} and the {@code
 * source.trustDomain} key (istio/api security/v1beta1 fields 13 and 14): matched against the trust
 * domain of the peer's SPIFFE ID with Istio's match strings, absent without mutual TLS.
 */
class TrustDomainPolicyTest {
  private static Call peer(String spiffe) {
    return Call.plain().peer(SpiffeId.parse(spiffe));
  }

  @Test
  void trustDomainsAllowThePeersOfTheNamedDomainsOnly() {
    InboundPolicies p = policies(ap("default", "by-domain", """
        {selector: {matchLabels: {app: reviews}}, action: ALLOW,
         rules: [{from: [{source: {trustDomains: [cluster.local, "prod-*"]}}]}]}"""));
    assertThat(p.check(peer("spiffe://cluster.local/ns/default/sa/productpage")).allowed()).isTrue();
    assertThat(p.check(peer("spiffe://prod-eu.example/ns/shop/sa/cart")).allowed()).as("prefix match").isTrue();
    assertThat(p.check(peer("spiffe://staging.example/ns/default/sa/productpage")).allowed()).isFalse();
    assertThat(p.check(peer("spiffe://cluster.local.evil/ns/default/sa/productpage")).allowed())
        .as("exact means the whole trust domain").isFalse();
    assertThat(p.check(Call.plain()).allowed()).as("no mutual TLS, no trust domain").isFalse();
  }

  @Test
  void notTrustDomainsAndTheWhenKeyDenyWhatTheyName() {
    InboundPolicies p = policies(ap("default", "foreign", """
        {selector: {matchLabels: {app: reviews}}, action: DENY,
         rules: [{from: [{source: {notTrustDomains: ["*.corp"]}}], when: [{key: source.trustDomain, values: ["*"]}]}]}"""));
    assertThat(p.check(peer("spiffe://partner.example/ns/default/sa/app")).allowed())
        .as("a peer outside *.corp is denied").isFalse();
    assertThat(p.check(peer("spiffe://eu.corp/ns/default/sa/app")).allowed()).isTrue();
    assertThat(p.check(Call.plain()).allowed())
        .as("without mutual TLS source.trustDomain [*] does not hold, so the DENY rule does not match").isTrue();
  }

  @Test
  void explainNamesThePeersTrustDomain() {
    InboundPolicies p = policies(ap("default", "by-domain", """
        {selector: {matchLabels: {app: reviews}}, action: ALLOW,
         rules: [{from: [{source: {trustDomains: [cluster.local]}}]}]}"""));
    assertThat(p.explain(peer("spiffe://other.example/ns/default/sa/productpage")).steps()).contains(
        "ALLOW AuthorizationPolicy default/by-domain rules[0]: no match: no source matches: "
            + "from[0].source.trustDomains ['cluster.local'] do not match peer trust domain 'other.example'");
  }
}
