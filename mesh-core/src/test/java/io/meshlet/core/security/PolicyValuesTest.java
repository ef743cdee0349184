package io.meshlet.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.security.PolicyValues.WhenKey;
import org.junit.jupiter.api.Test;

class PolicyValuesTest {
  @Test
  void theWhenKeysMeshletKnows() {
    assertThat(PolicyValues.WHEN_KEYS).containsExactly(
        "request.headers[<name>]", "source.ip", "remote.ip", "source.namespace", "source.principal",
        "destination.ip", "destination.port", "connection.sni", "source.serviceAccount",
        "source.trustDomain", "experimental.envoy.filters.<filter>[<key>]", "request.auth.principal",
        "request.auth.audiences", "request.auth.presenter", "request.auth.claims[<name>]");
    for (WhenKey k : WhenKey.values()) {
      assertThat(WhenKey.of(k.key().replace("<name>", "x").replace("<filter>", "network.mysql_proxy").replace("<key>", "db")))
          .isEqualTo(k);
    }
    assertThat(WhenKey.of("request.headers[]")).isNull();
    assertThat(WhenKey.of("request.auth.claims[]")).isNull();
    assertThat(WhenKey.of("request.auth.foo")).isNull();
    assertThat(WhenKey.of("experimental.envoy.filters.network.mysql_proxy[db.table]")).isEqualTo(WhenKey.ENVOY_FILTER);
    assertThat(WhenKey.of("experimental.envoy.filters.network.mysql_proxy")).isNull();
    assertThat(WhenKey.of("source.ips")).isNull();
  }

  @Test
  void whatEachKeyMeansHere() {
    assertThat(WhenKey.values()).filteredOn(WhenKey::absent).containsExactly(WhenKey.ENVOY_FILTER);
    assertThat(WhenKey.values()).filteredOn(WhenKey::needsJwt).noneMatch(WhenKey::absent).allMatch(WhenKey::identity);
    assertThat(PolicyValues.claimPath("request.auth.claims[a][b]")).containsExactly("a", "b");
    assertThat(PolicyValues.claimPath("request.auth.claims[a][]")).isNull();
    assertThat(WhenKey.of("request.auth.claims[a][b]")).isEqualTo(WhenKey.REQUEST_AUTH_CLAIMS);
    assertThat(PolicyValues.claimKey(java.util.List.of("a", "b"))).isEqualTo("request.auth.claims[a][b]");
    assertThat(WhenKey.values()).filteredOn(WhenKey::identity).containsExactly(WhenKey.SOURCE_NAMESPACE,
        WhenKey.SOURCE_PRINCIPAL, WhenKey.SOURCE_SERVICE_ACCOUNT, WhenKey.SOURCE_TRUST_DOMAIN, WhenKey.REQUEST_AUTH_PRINCIPAL, WhenKey.REQUEST_AUTH_AUDIENCES,
        WhenKey.REQUEST_AUTH_PRESENTER, WhenKey.REQUEST_AUTH_CLAIMS);
    assertThat(WhenKey.SOURCE_IP.valueProblem("10.0.0.0/8")).isNull();
    assertThat(WhenKey.DESTINATION_IP.valueProblem("ten")).isEqualTo("'ten' (expected: an IP address or CIDR)");
    assertThat(WhenKey.DESTINATION_PORT.valueProblem("0")).isEqualTo("'0' (expected: a port 1..65535)");
    assertThat(WhenKey.REQUEST_HEADER.valueProblem("a*b")).contains("'*' only at the start or the end");
    assertThat(WhenKey.SOURCE_TRUST_DOMAIN.valueProblem("prod-*")).isNull();
    assertThat(WhenKey.SOURCE_TRUST_DOMAIN.valueProblem("td/ns/a")).contains("without '/'");
  }

  @Test
  void requestHeaderKeys() {
    assertThat(PolicyValues.requestHeaderKey("x-user")).isEqualTo("request.headers[x-user]");
    assertThat(PolicyValues.requestHeader("request.headers[x-user]")).isEqualTo("x-user");
    assertThat(PolicyValues.requestHeader("request.auth.claims[iss]")).isNull();
    assertThatThrownBy(() -> PolicyValues.requestHeaderKey("")).isInstanceOf(IllegalArgumentException.class);
  }
}
