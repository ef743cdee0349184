package io.meshlet.core.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EndpointTest {
  private static final Object KEY_A = new Object();
  private static final Object KEY_B = new Object();

  @Test
  void anAttachmentIsCreatedOncePerKey() {
    Endpoint e = new Endpoint("10.0.0.1", 8080, Map.of(), 1, null);
    AtomicInteger created = new AtomicInteger();
    String first = e.attachment(KEY_A, ep -> "a:" + ep.hostPort() + ":" + created.incrementAndGet());
    String again = e.attachment(KEY_A, ep -> "again");
    assertThat(again).isSameAs(first).isEqualTo("a:10.0.0.1:8080:1");
    String b = e.attachment(KEY_B, ep -> "b");
    assertThat(b).isEqualTo("b");
    assertThat(created).hasValue(1);
  }

  @Test
  void validatesItsDefinition() {
    assertThatThrownBy(() -> new Endpoint("h", 0, Map.of(), 1, null)).hasMessage("port: 0 (expected: 1..65535)");
    assertThatThrownBy(() -> new Endpoint("h", 80, Map.of(), 0, null)).hasMessage("weight: 0 (expected: > 0)");
    assertThat(new Endpoint("fd00::1", 80, Map.of(), 1, null).hostPort()).isEqualTo("[fd00::1]:80");
  }
}
