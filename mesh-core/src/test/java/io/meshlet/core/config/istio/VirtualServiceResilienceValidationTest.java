package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.vs;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.FaultInjection.Abort;
import io.meshlet.core.model.FaultInjection.Delay;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.RetryPolicy;
import io.meshlet.core.model.RetryPolicy.Condition;
import io.meshlet.core.model.VirtualService;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code http[].timeout}, {@code retries}, {@code fault} and the non-idempotent retry annotation. */
class VirtualServiceResilienceValidationTest {
  private static final String P = "VirtualService reviews (mesh.yaml): ";
  private static final String ANNOTATION = "metadata.annotations.retries.meshlet.io/non-idempotent";

  private static VirtualService only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    return r.config().virtualServices().get(0);
  }

  /** A VirtualService whose one rule has {@code fields} (indented as rule fields). */
  private static String rule(String fields) {
    return vs("hosts: [reviews]\nhttp:\n- route:\n  - destination: {host: reviews}\n"
        + fields.stripIndent().lines().map(l -> "  " + l + "\n").collect(Collectors.joining()));
  }

  private static HttpRoute onlyRule(String fields) {
    VirtualService vs = only(rule(fields));
    assertThat(vs.notYetApplied()).isEmpty();
    return vs.http().get(0);
  }

  private static String annotated(String value, String spec) {
    return vs(spec).replace("  name: reviews\n",
        "  name: reviews\n  annotations:\n    retries.meshlet.io/non-idempotent: " + value + "\n");
  }

  @Test
  void timeoutIsADurationAndZeroMeansNone() {
    assertThat(onlyRule("timeout: 1.5s").timeout()).isEqualTo(Duration.ofMillis(1500));
    // An explicit zero is kept (a delegate rule's is not overridden by its root's), and is no timeout all the same.
    assertThat(onlyRule("timeout: 0s").timeout()).isEqualTo(Duration.ZERO);
    assertThat(onlyRule("timeout: 0s").effectiveTimeout()).isNull();
    assertThat(onlyRule("timeout: \"0\"").timeout()).isEqualTo(Duration.ZERO);
    assertThat(onlyRule("name: plain").timeout()).isNull();
    assertThat(onlyRule("name: plain").effectiveTimeout()).isNull();
    assertThat(warnings(rule("timeout: 10s"))).isEmpty();
  }

  @Test
  void withoutRetriesTheModelHasNoneAndTheDefaultApplies() {
    HttpRoute r = onlyRule("name: plain");
    assertThat(r.retries()).isNull();
    assertThat(r.effectiveRetries()).isEqualTo(RetryPolicy.DEFAULT);
  }

  @Test
  void attemptsAbsentOrZeroTurnsRetriesOff() {
    assertThat(onlyRule("retries: {}").retries()).isEqualTo(RetryPolicy.NONE);
    assertThat(onlyRule("retries: {attempts: 0}").retries()).isEqualTo(RetryPolicy.NONE);
    assertThat(onlyRule("retries: {attempts: 0, retryOn: 5xx}").retries())
        .isEqualTo(new RetryPolicy(0, null, Set.of(Condition.FIVE_XX), Set.of(), false, null, false));
  }

  @Test
  void attemptsWithoutRetryOnUseIstiosConditions() {
    assertThat(onlyRule("retries: {attempts: 3}").retries())
        .isEqualTo(new RetryPolicy(3, null, RetryPolicy.DEFAULT_RETRY_ON, Set.of(503), false, null, false));
  }

  @Test
  void everyFieldOfRetriesLandsInTheModel() {
    RetryPolicy p = onlyRule("""
        retries:
          attempts: 4
          perTryTimeout: 2s
          retryOn: " 5xx, 429 ,gateway-error,503"
          retryRemoteLocalities: true
          backoff: 100ms
        """).retries();
    assertThat(p).isEqualTo(new RetryPolicy(4, Duration.ofSeconds(2),
        Set.of(Condition.FIVE_XX, Condition.GATEWAY_ERROR, Condition.RETRIABLE_STATUS_CODES),
        Set.of(429, 503), true, Duration.ofMillis(100), false));
  }

  @Test
  void retriableStatusCodesWithoutANumberKeepsTheCodesEmpty() {
    assertThat(onlyRule("retries: {attempts: 2, retryOn: retriable-status-codes}").retries())
        .isEqualTo(new RetryPolicy(2, null, Set.of(Condition.RETRIABLE_STATUS_CODES), Set.of(), false, null, false));
  }

  @Test
  void everyConditionIsAccepted() {
    String all = Arrays.stream(Condition.values()).map(Condition::value).collect(Collectors.joining(","));
    assertThat(onlyRule("retries: {attempts: 1, retryOn: \"" + all + "\"}").retries().retryOn())
        .isEqualTo(EnumSet.allOf(Condition.class));
  }

  @Test
  void envoyConditionsMeshletDoesNotImplementAreWarnedAndIgnored() {
    String yaml = rule("retries: {attempts: 1, retryOn: \"reset,retriable-headers,http3-post-connect-failure,reset-before-request\"}");
    assertThat(only(yaml).http().get(0).retries().retryOn()).containsExactly(Condition.RESET);
    assertThat(warnings(yaml)).containsExactly(
        P + "http[0].retries.retryOn: 'retriable-headers' is not applied by Meshlet; ignored",
        P + "http[0].retries.retryOn: 'http3-post-connect-failure' is not applied by Meshlet; ignored",
        P + "http[0].retries.retryOn: 'reset-before-request' is not applied by Meshlet; ignored");
  }

  @Test
  void unknownRetryOnTokensAndZeroDurationsAreErrors() {
    String expected = " (expected: an HTTP status code 100..599 or one of 5xx, gateway-error, reset, connect-failure, "
        + "refused-stream, retriable-4xx, retriable-status-codes, envoy-ratelimited, cancelled, deadline-exceeded, "
        + "internal, resource-exhausted, unavailable)";
    assertThat(errors(rule("""
        retries: {attempts: 2, retryOn: "5xx,5XX,600,99,,connect_failure", perTryTimeout: 0s, backoff: 0ms}
        """))).containsExactly(
            P + "http[0].retries.perTryTimeout: '0s' (expected: > 0)",
            P + "http[0].retries.backoff: '0ms' (expected: > 0)",
            P + "http[0].retries.retryOn: '5XX'" + expected,
            P + "http[0].retries.retryOn: '600'" + expected,
            P + "http[0].retries.retryOn: '99'" + expected,
            P + "http[0].retries.retryOn: ''" + expected,
            P + "http[0].retries.retryOn: 'connect_failure'" + expected);
  }

  @Test
  void nonIdempotentTrueOrStarOptsInEveryRule() {
    String spec = """
        hosts: [reviews]
        http:
        - name: a
          match: [{uri: {prefix: /a}}]
          route: [{destination: {host: reviews}}]
          retries: {attempts: 5}
        - route: [{destination: {host: reviews}}]
        """;
    for (String value : List.of("\"true\"", "\"*\"")) {
      VirtualService vs = only(annotated(value, spec));
      assertThat(vs.http().get(0).retries())
          .isEqualTo(new RetryPolicy(5, null, RetryPolicy.DEFAULT_RETRY_ON, Set.of(503), false, null, true));
      RetryPolicy d = RetryPolicy.DEFAULT;
      assertThat(vs.http().get(1).retries()).isEqualTo(new RetryPolicy(
          d.attempts(), d.perTryTimeout(), d.retryOn(), d.retriableStatusCodes(), d.retryRemoteLocalities(), d.backoff(), true));
      assertThat(warnings(annotated(value, spec))).isEmpty();
    }
  }

  @Test
  void nonIdempotentListOptsInNamedRulesAndWarnsAboutUnknownNames() {
    String yaml = annotated("\"b, nope,a\"", """
        hosts: [reviews]
        http:
        - name: a
          match: [{uri: {prefix: /a}}]
          route: [{destination: {host: reviews}}]
        - name: b
          match: [{uri: {prefix: /b}}]
          route: [{destination: {host: reviews}}]
          retries: {attempts: 1, retryOn: 5xx}
        - name: c
          route: [{destination: {host: reviews}}]
        """);
    VirtualService vs = only(yaml);
    assertThat(vs.http().get(0).retries().retryNonIdempotent()).isTrue();
    assertThat(vs.http().get(0).retries().attempts()).isEqualTo(2);
    assertThat(vs.http().get(1).retries())
        .isEqualTo(new RetryPolicy(1, null, Set.of(Condition.FIVE_XX), Set.of(), false, null, true));
    assertThat(vs.http().get(2).retries()).isNull();
    assertThat(warnings(yaml)).containsExactly(
        P + ANNOTATION + ": 'nope' is not the name of an http rule of this VirtualService; ignored");
  }

  @Test
  void nonIdempotentFalseOrEmptyChangesNothing() {
    String spec = "{hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}";
    assertThat(only(annotated("\"false\"", spec)).http().get(0).retries()).isNull();
    assertThat(only(annotated("\"\"", spec)).http().get(0).retries()).isNull();
    assertThat(only(vs(spec)).http().get(0).retries()).isNull();
  }

  @Test
  void nonIdempotentMustBeAString() {
    assertThat(errors(annotated("true", "{hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}")))
        .containsExactly(P + ANNOTATION + ": true (expected: a string: true, *, false or a comma-separated list of http rule names)");
  }

  @Test
  void faultDelayAndAbortLandInTheModel() {
    assertThat(onlyRule("""
        fault:
          delay: {fixedDelay: 5s, percentage: {value: 10.5}}
          abort: {httpStatus: 500, percentage: {value: 0.1}}
        """).fault()).isEqualTo(new FaultInjection(new Delay(Duration.ofSeconds(5), 10.5), new Abort(500, null, 0.1)));
    assertThat(onlyRule("fault: {delay: {fixedDelay: 1ms, percent: 20}}").fault())
        .isEqualTo(new FaultInjection(new Delay(Duration.ofMillis(1), 20), null));
    assertThat(onlyRule("fault: {delay: {fixedDelay: 1s, percentage: {value: 30}, percent: 20}}").fault().delay().percentage())
        .isEqualTo(30.0);
  }

  @Test
  void aGrpcOnlyAbortAnswers503OverHttp() {
    assertThat(onlyRule("fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}}").fault())
        .isEqualTo(new FaultInjection(null, new Abort(503, "UNAVAILABLE", 100)));
  }

  @Test
  void anUnsetPercentageIsZeroWithAWarning() {
    String yaml = rule("fault: {delay: {fixedDelay: 5s}, abort: {httpStatus: 503}}");
    assertThat(only(yaml).http().get(0).fault())
        .isEqualTo(new FaultInjection(new Delay(Duration.ofSeconds(5), 0), new Abort(503, null, 0)));
    assertThat(warnings(yaml)).containsExactly(
        P + "http[0].fault.delay: percentage not set: no request is delayed (as in Istio)",
        P + "http[0].fault.abort: percentage not set: no request is aborted (as in Istio)");
    assertThat(warnings(rule("fault: {delay: {fixedDelay: 5s, percentage: {value: 0}}}"))).isEmpty();
  }

  @Test
  void exponentialDelayAndHttp2ErrorAreNotYetApplied() {
    String yaml = rule("fault: {delay: {exponentialDelay: 1s, percentage: {value: 5}}, abort: {http2Error: REFUSED_STREAM, percentage: {value: 5}}}");
    VirtualService vs = only(yaml);
    assertThat(vs.http().get(0).fault()).isNull();
    assertThat(vs.notYetApplied()).containsExactly("http[0].fault.delay.exponentialDelay", "http[0].fault.abort.http2Error");
    assertThat(warnings(yaml)).containsExactly(
        P + "http[0].fault.delay.exponentialDelay: not yet applied by Meshlet; this delay is not injected",
        P + "http[0].fault.abort.http2Error: not yet applied by Meshlet; this abort is not injected");
    assertThat(only(rule("fault: {delay: {exponentialDelay: 1s, percent: 5}, abort: {httpStatus: 418, percentage: {value: 5}}}"))
        .http().get(0).fault()).isEqualTo(new FaultInjection(null, new Abort(418, null, 5)));
  }

  @Test
  void faultErrors() {
    assertThat(errors(rule("""
        fault:
          delay: {percentage: {value: 5}}
          abort: {percentage: {value: 5}}
        """))).containsExactly(
            P + "http[0].fault.delay.fixedDelay: missing (required)",
            P + "http[0].fault.abort: no error type (expected: one of httpStatus, grpcStatus, http2Error)");
    assertThat(errors(rule("""
        fault:
          delay: {fixedDelay: 1s, exponentialDelay: 1s, percent: 101}
          abort: {httpStatus: 503, grpcStatus: OK, percentage: {value: 5}}
        """))).containsExactly(
            P + "http[0].fault.delay.percent: 101 (expected: 0..100)",
            P + "http[0].fault.delay: fixedDelay and exponentialDelay given (expected: one of them)",
            P + "http[0].fault.abort.grpcStatus: 'OK' (expected: one of CANCELLED, UNKNOWN, INVALID_ARGUMENT, "
                + "DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, "
                + "FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED)",
            P + "http[0].fault.abort: httpStatus and grpcStatus given (expected: exactly one of httpStatus, grpcStatus, http2Error)");
    assertThat(errors(rule("fault: {}"))).containsExactly(
        P + "http[0].fault: neither delay nor abort (expected: at least one of them)");
    assertThat(errors(rule("fault: {delay: {fixedDelay: 1s, percentage: {value: 5}, fixed_delay: 2s}}"))).containsExactly(
        P + "http[0].fault.delay.fixed_delay: given twice (also as fixedDelay)");
  }
}
