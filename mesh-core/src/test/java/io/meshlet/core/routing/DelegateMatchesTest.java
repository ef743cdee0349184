package io.meshlet.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.StringMatch;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Istio's rules for narrowing a root rule's match by a delegate's ({@code hasConflict}, {@code mergeHTTPMatchRequest}). */
class DelegateMatchesTest {
  private static HttpMatch match(@Nullable String name, @Nullable StringMatch uri, Map<String, StringMatch> headers,
      int port, @Nullable String sourceNamespace) {
    return new HttpMatch(name, uri, null, null, null, headers, Map.of(), Map.of(), port, false, Map.of(),
        sourceNamespace, List.of());
  }

  private static HttpMatch uri(StringMatch uri) {
    return match(null, uri, Map.of(), 0, null);
  }

  private static @Nullable String conflict(HttpMatch root, HttpMatch leaf) {
    return DelegateMatches.conflict(root, leaf);
  }

  @Test
  void aUriMayOnlyNarrowTheRootsUri() {
    HttpMatch prefix = uri(StringMatch.prefix("/productpage"));
    assertThat(conflict(prefix, uri(StringMatch.prefix("/productpage/v2")))).isNull();
    assertThat(conflict(prefix, uri(StringMatch.exact("/productpage/1")))).isNull();
    assertThat(conflict(prefix, uri(StringMatch.exact("/login"))))
        .isEqualTo("uri exact '/login' is not within the root's prefix '/productpage'");
    assertThat(conflict(prefix, uri(StringMatch.prefix("/product")))).isNotNull(); // wider than the root
    assertThat(conflict(prefix, uri(StringMatch.regex("/productpage/.*")))).isNotNull();
    HttpMatch exact = uri(StringMatch.exact("/login"));
    assertThat(conflict(exact, uri(StringMatch.exact("/login")))).isNull();
    assertThat(conflict(exact, uri(StringMatch.prefix("/login")))).isNotNull();
    // a regex root admits no further uri condition at all, as in Istio
    assertThat(conflict(uri(StringMatch.regex("/a.*")), uri(StringMatch.regex("/a.*")))).isNotNull();
    assertThat(conflict(uri(StringMatch.regex("/a.*")), HttpMatch.any())).isNull();
  }

  @Test
  void differingHeaderValuesPortsOrSourceNamespacesConflict() {
    HttpMatch jason = match(null, null, Map.of("end-user", StringMatch.exact("jason")), 9080, null);
    assertThat(conflict(jason, match(null, null, Map.of("end-user", StringMatch.exact("bob")), 0, null)))
        .isEqualTo("headers.end-user exact 'bob' is not within the root's exact 'jason'");
    assertThat(conflict(jason, match(null, null, Map.of("x-canary", StringMatch.exact("yes")), 0, null))).isNull();
    assertThat(conflict(jason, match(null, null, Map.of(), 8080, null)))
        .isEqualTo("port 8080 differs from the root's 9080");
    assertThat(conflict(jason, match(null, null, Map.of(), 9080, null))).isNull();
    HttpMatch prod = match(null, null, Map.of(), 0, "prod");
    assertThat(conflict(prod, HttpMatch.any())).isEqualTo("no sourceNamespace is not the root's prod");
    assertThat(conflict(prod, match(null, null, Map.of(), 0, "prod"))).isNull();
  }

  @Test
  void eachDelegateBlockIsAndedWithEveryRootBlockItFits() {
    HttpMatch a = match("a", StringMatch.prefix("/a"), Map.of("end-user", StringMatch.exact("jason")), 0, null);
    HttpMatch b = match(null, StringMatch.prefix("/b"), Map.of(), 9080, null);
    HttpMatch leaf = match("leaf", StringMatch.prefix("/a/x"), Map.of("x-canary", StringMatch.exact("yes")), 0, null);
    DelegateMatches.Merged m = DelegateMatches.merge(List.of(a, b), List.of(leaf));
    assertThat(m.conflict()).isNull();
    assertThat(m.matches()).containsExactly(match("a-leaf", StringMatch.prefix("/a/x"),
        Map.of("end-user", StringMatch.exact("jason"), "x-canary", StringMatch.exact("yes")), 0, null));
    HttpMatch any = HttpMatch.any();
    assertThat(DelegateMatches.merge(List.of(a, b), List.of(any)).matches()).containsExactly(a, b);
    assertThat(DelegateMatches.merge(List.of(a, b), List.of()).matches()).containsExactly(a, b);
    assertThat(DelegateMatches.merge(List.of(), List.of(leaf)).matches()).containsExactly(leaf);
  }

  @Test
  void aDelegateBlockThatFitsNoRootBlockDropsTheWholeRule() {
    HttpMatch a = uri(StringMatch.prefix("/a"));
    DelegateMatches.Merged m = DelegateMatches.merge(List.of(a), List.of(uri(StringMatch.prefix("/a/1")), uri(StringMatch.exact("/z"))));
    assertThat(m.matches()).isEmpty();
    assertThat(m.conflict()).isEqualTo(
        "match[1] fits under no match block of the root rule (uri exact '/z' is not within the root's prefix '/a')");
  }

  @Test
  void namesJoinAsIstioJoinsThem() {
    assertThat(DelegateMatches.joinNames("root", "leaf")).isEqualTo("root-leaf");
    assertThat(DelegateMatches.joinNames(null, "leaf")).isEqualTo("leaf");
    assertThat(DelegateMatches.joinNames("root", null)).isEqualTo("root");
  }
}
