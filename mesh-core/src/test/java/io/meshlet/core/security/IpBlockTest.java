package io.meshlet.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpBlockTest {
  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.255.1.2, true",
    "10.0.0.0/8, 11.0.0.1, false",
    "10.1.2.3/8, 10.9.9.9, true",
    "192.168.1.1, 192.168.1.1, true",
    "192.168.1.1, 192.168.1.2, false",
    "0.0.0.0/0, 8.8.8.8, true",
    "172.16.0.0/12, 172.31.255.255, true",
    "172.16.0.0/12, 172.32.0.0, false",
    "10.0.0.0/8, ::1, false",
    "10.0.0.0/8, not-an-address, false",
    "10.0.0.0/8, 10.0.0, false",
    "2001:db8::/32, 2001:db8:ffff::1, true",
    "2001:db8::/32, 2001:db9::1, false",
    "2001:db8::/32, [2001:db8::1], true",
    "::1, ::1, true",
    "::1, 0:0:0:0:0:0:0:1, true",
    "::/0, fe80::1, true",
    "::ffff:10.0.0.0/104, ::ffff:10.1.2.3, true",
    "fe80::/10, febf::1, true",
    "fe80::/10, fec0::1, false",
    "2001:db8::1/128, 2001:db8::1, true",
    "2001:db8:0:0:1::/80, 2001:db8::1:0:0:1, true",
    "2001:db8::/32, 10.0.0.1, false",
  })
  void contains(String block, String address, boolean expected) {
    IpBlock b = IpBlock.parse(block);
    assertThat(b).isNotNull();
    assertThat(b.contains(address)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10.0.0/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "256.0.0.1", "01.2.3.4",
      "1.2.3.4.5", "a.b.c.d", "::1/129", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:", ":1", "example.com",
      "10.0.0.1 "})
  void refuses(String text) {
    assertThat(IpBlock.parse(text)).isNull();
  }
}
