package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.cb;
import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.se;
import static io.meshlet.core.config.istio.Yaml.vs;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.Regexes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: each input that once threw, took seconds, or was accepted with a wrong meaning, now
 * comes back as an error with its path. Bounded time is what the limits give (sizes checked before
 * any work that grows with them); no test asserts a time, since the machines are shared.
 */
class BadInputTest {
  @Test
  void nonBmpCharacterAtAnyPositionNearTheReadersBufferEdgeIsReadOrRejectedNeverThrown() {
    String head = vs("hosts: [reviews]\nhttp:\n- name: ");
    for (int at = 1000; at < 1100; at++) {
      String name = "a".repeat(Math.max(0, at - head.length())) + "\uD83D\uDE00" + "b";
      String yaml = head + name + "\n  route:\n  - destination: {host: reviews}\n";
      IstioYaml.ParseResult r = parse(yaml); // must not throw
      assertThat(r.hasErrors() || r.config().virtualServices().size() == 1).isTrue();
    }
  }

  @Test
  void anExceptionInsideTheReaderBecomesAProblemOfTheText() {
    // A document nested deeper than Jackson's limit: the reader throws, the parse reports.
    String deep = "a: " + "[".repeat(5000) + "]".repeat(5000);
    assertThat(errors(deep)).singleElement().asString().contains("mesh.yaml");
  }

  @Test
  void yamlAliasesAreRefusedNotReadAsTheAnchorsName() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: &n reviews
        spec:
          hosts: [*n]
        """;
    assertThat(errors(yaml)).singleElement().asString()
        .contains("alias *n is not supported")
        .contains("Kubernetes resources use no YAML anchors or aliases");
  }

  @Test
  void resilience4jLimitsAreValidatedAtTheBoundary() {
    assertThat(errors(cb("host: reviews\nwaitDurationInOpenState: 1us")))
        .containsExactly("CircuitBreaker reviews (mesh.yaml): waitDurationInOpenState: 1us (expected: >= 1ms)");
    assertThat(errors(cb("host: reviews\nfailureRateThreshold: 1e-46")))
        .containsExactly("CircuitBreaker reviews (mesh.yaml): failureRateThreshold: 1.0E-46 (expected: > 0 and <= 100; it is 0 as a 32-bit float)");
    assertThat(errors(cb("host: reviews\nslowCallRateThreshold: 1e-46"))).hasSize(1);
    assertThat(errors(vs("hosts: [reviews]\nhttp:\n- route: [{destination: {host: reviews}}]\n  retries: {attempts: 2, backoff: 1us}")))
        .containsExactly("VirtualService reviews (mesh.yaml): http[0].retries.backoff: 1us (expected: >= 1ms)");
  }

  @Test
  void slidingWindowsAreBoundedByType() {
    assertThat(errors(cb("host: reviews\nslidingWindow: {type: TIME_BASED, size: 2147483647}")))
        .containsExactly("CircuitBreaker reviews (mesh.yaml): slidingWindow.size: 2147483647 (expected: 1..3600)");
    assertThat(errors(cb("host: reviews\nslidingWindow: {type: TIME_BASED, size: 20000000}"))).hasSize(1);
    assertThat(errors(cb("host: reviews\nslidingWindow: {type: COUNT_BASED, size: 20000000}")))
        .containsExactly("CircuitBreaker reviews (mesh.yaml): slidingWindow.size: 20000000 (expected: 1..10000)");
    assertThat(errors(cb("host: reviews\nslidingWindow: {type: TIME_BASED, size: 3600}"))).isEmpty();
    assertThat(errors(cb("host: reviews\npermittedNumberOfCallsInHalfOpenState: 10001"))).hasSize(1);
  }

  @Test
  void longNonAsciiHostsAreRefusedQuickly() {
    String sigma = "Σ".repeat(16_000);
    assertThat(errors(vs("hosts: [" + sigma + "]"))).singleElement().asString()
        .isEqualTo("VirtualService reviews (mesh.yaml): hosts[0]: 16000 characters (expected: a host name of at most 253)");
    assertThat(errors(vs("hosts: [reviews]\nhttp:\n- route: [{destination: {host: " + sigma + "}}]"))).hasSize(1);
    // An explicit key (?): YAML caps implicit keys at 1024 characters.
    assertThat(errors(vs("hosts: [reviews]\nhttp:\n- match:\n  - headers:\n      ? " + sigma + "\n      : {exact: a}\n"
        + "  route: [{destination: {host: reviews}}]"))).singleElement().asString()
        .contains("16000 characters (expected: a header name of at most 256)");
  }

  @Test
  void hostsAreDns1123LabelsWithOneLeadingWildcard() {
    assertThat(errors(vs("hosts: ['a b', 'a/b:80', 'a.*.com', 'a*.com', 'a..com', '-a.com', '" + "x".repeat(64) + ".com']")))
        .hasSize(7)
        .allSatisfy(e -> assertThat(e).startsWith("VirtualService reviews (mesh.yaml): hosts["));
    assertThat(errors(vs("hosts: ['a b']"))).containsExactly(
        "VirtualService reviews (mesh.yaml): hosts[0]: 'a b' (expected: a host name of DNS-1123 labels, only the first may be *; ' ' is not allowed)");
    // '*a.com' is one of Istio's partial wildcards ('*' or '*-' before a label of the first label).
    assertThat(errors(vs("hosts: ['*', '*.example.com', '*a.com', reviews, Reviews.Prod, '10.0.0.1', '[fd00::1]']"))).isEmpty();
  }

  @Test
  void headerNamesAreRfc7230Tokens() {
    assertThat(errors(vs("hosts: [reviews]\nhttp:\n- match: [{headers: {'a b': {exact: x}}}]\n  route: [{destination: {host: reviews}}]")))
        .containsExactly("VirtualService reviews (mesh.yaml): http[0].match[0].headers.a b: 'a b' (expected: a header name, RFC 7230 token characters only)");
    assertThat(errors(vs("hosts: [reviews]\nhttp:\n- route: [{destination: {host: reviews}}]\n  headers: {request: {set: {'a:b': x}}}")))
        .hasSize(1);
  }

  @Test
  void portsTakeAsciiDigitsOnly() {
    for (String port : List.of("٨٠", "８０")) {
      assertThat(errors(se("hosts: [api.example.com]\nports: [{number: '" + port + "', name: http, protocol: HTTP}]")))
          .singleElement().asString().contains("ports[0].number: '" + port + "' (expected: an integer 1..65535)");
    }
    assertThat(errors(se("hosts: [api.example.com]\nports: [{number: '80', name: http, protocol: HTTP}]"))).isEmpty();
  }

  @Test
  void regexesAreRe2BoundedAndLinear() {
    String huge = "a".repeat(54_000);
    assertThat(errors(vs("hosts: [reviews]\nhttp:\n- match: [{uri: {regex: " + huge + "}}]\n  route: [{destination: {host: reviews}}]")))
        .containsExactly("VirtualService reviews (mesh.yaml): http[0].match[0].uri.regex: 54000 characters (expected: a regex of at most "
            + Regexes.MAX_LENGTH + ")");
    // RE2 syntax: a backreference is not RE2, as in Istio.
    assertThat(errors(vs("hosts: [reviews]\nhttp:\n- match: [{uri: {regex: '(a)\\1'}}]\n  route: [{destination: {host: reviews}}]")))
        .hasSize(1);
    // (.*a){12} takes 0.6 s on 24 characters with java.util.regex; RE2 (which refused the backreference
    // above) is linear. No time is asserted: the machines are shared.
    assertThat(Regexes.compile("(.*a){12}", false).matches("a".repeat(11) + "b".repeat(13))).isFalse();
  }

  @Test
  void ruleCountsAreBounded() {
    String rules = "- route: [{destination: {host: reviews}}]\n".repeat(10_001);
    assertThat(errors(vs("hosts: [reviews]\nhttp:\n" + rules)))
        .containsExactly("VirtualService reviews (mesh.yaml): http: 10001 rules (expected: at most 10000)");
  }

  @Test
  void everyProblemOfAGuardedFailureNamesTheText() {
    IstioYaml.ParseResult r = parse("a: " + "[".repeat(5000));
    assertThat(r.errors()).extracting(ConfigProblem::location).containsOnly("mesh.yaml");
  }
}
