package io.meshlet.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponseFlagsTest {
  @Test
  void flagsPrintInEnvoysOrderWhateverTheOrderTheyWereSetIn() {
    assertThat(ResponseFlags.of(ResponseFlag.URX).with(ResponseFlag.DI).toString()).isEqualTo("DI,URX");
    assertThat(ResponseFlags.of(ResponseFlag.FI).with(ResponseFlag.DI).toString()).isEqualTo("DI,FI");
    assertThat(ResponseFlags.of(ResponseFlag.UF).with(ResponseFlag.URX).toString()).isEqualTo("UF,URX");
    assertThat(ResponseFlags.NONE.toString()).isEqualTo("-");
    assertThat(ResponseFlags.NONE.isEmpty()).isTrue();
  }

  @Test
  void aSetIsAValue() {
    ResponseFlags a = ResponseFlags.of(ResponseFlag.DI).with(ResponseFlag.UO);
    ResponseFlags b = ResponseFlags.of(ResponseFlag.UO).with(ResponseFlag.DI);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.contains(ResponseFlag.UO)).isTrue();
    assertThat(a.contains(ResponseFlag.UH)).isFalse();
    assertThat(ResponseFlags.of(ResponseFlag.RL)).isSameAs(ResponseFlags.of(ResponseFlag.RL));
  }

  @Test
  void everyFlagFitsTheBitSet() {
    assertThat(ResponseFlag.values().length).isLessThanOrEqualTo(31);
  }
}
