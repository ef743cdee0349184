package io.meshlet.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.identity.SpiffeId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DescribedInboundRequestTest {
  @Test
  void headerNamesAreCaseInsensitiveAndTheValueIsItsOnlyLine() {
    DescribedInboundRequest r = new DescribedInboundRequest(new SpiffeId("cluster.local", "default", "reviews"), true,
        "10.0.0.9", 9080, "productpage", "GET", "/", Map.of("X-Forwarded-For", "10.1.1.1"));

    assertThat(r.header("x-forwarded-for")).isEqualTo("10.1.1.1");
    assertThat(r.header("X-FORWARDED-FOR")).isEqualTo("10.1.1.1");
    assertThat(r.headers("x-forwarded-for")).containsExactly("10.1.1.1");
    assertThat(r.header("absent")).isNull();
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> new DescribedInboundRequest(null, false, "10.0.0.9", 70000, "h", "GET", "/", Map.of()))
        .hasMessage("destinationPort: 70000 (expected: 0..65535)");
  }
}
