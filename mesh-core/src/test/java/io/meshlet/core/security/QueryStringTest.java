package io.meshlet.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryStringTest {
  @Test
  void theFirstValueOfANameIsDecodedAndANameWithoutValueIsEmpty() {
    String q = "a=1&b=x%20y&a=2&flag&c=p+q&d=";
    assertThat(QueryString.first(q, "a")).isEqualTo("1");
    assertThat(QueryString.first(q, "b")).isEqualTo("x y");
    assertThat(QueryString.first(q, "flag")).isEmpty();
    assertThat(QueryString.first(q, "c")).isEqualTo("p q");
    assertThat(QueryString.first(q, "d")).isEmpty();
    assertThat(QueryString.first(q, "e")).isNull();
    assertThat(QueryString.first(null, "a")).isNull();
    assertThat(QueryString.first("", "a")).isNull();
  }

  @Test
  void anEncodedNameMatchesItsDecodedFormAndAPrefixOfANameDoesNot() {
    assertThat(QueryString.first("acc%65ss_token=t1", "access_token")).isEqualTo("t1");
    assertThat(QueryString.first("ab=1&a=2", "a")).isEqualTo("2");
    assertThat(QueryString.first("=x&a=3", "a")).isEqualTo("3");
  }

  @Test
  void aBrokenEscapeIsKeptAsWritten() {
    assertThat(QueryString.first("a=%zz", "a")).isEqualTo("%zz");
  }

  @Test
  void parseKeepsTheFirstOfEachNameInOrder() {
    assertThat(QueryString.parse("b=2&a=1&b=3&flag")).containsExactly(
        java.util.Map.entry("b", "2"), java.util.Map.entry("a", "1"), java.util.Map.entry("flag", ""));
  }
}
