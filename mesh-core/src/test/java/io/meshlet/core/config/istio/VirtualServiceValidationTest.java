package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.vs;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.CorsPolicy;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRedirect;
import io.meshlet.core.model.HttpRewrite;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.MirrorPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.RouteDestination;
import io.meshlet.core.model.StringMatch;
import io.meshlet.core.model.VirtualService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VirtualServiceValidationTest {
  private static final String P = "VirtualService reviews (mesh.yaml): ";

  private static VirtualService only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    return r.config().virtualServices().get(0);
  }

  @Test
  void weightOutOfRangeIsReportedWithItsPath() {
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
        - route:
          - destination: {host: reviews, subset: v1}
            weight: -5
          - destination: {host: reviews, subset: v2}
            weight: 105
        """))).containsExactly(
            P + "http[1].route[0].weight: -5 (expected: 0..100)",
            P + "http[1].route[1].weight: 105 (expected: 0..100)");
  }

  @Test
  void allErrorsOfTheWholeTextAreCollected() {
    IstioYaml.ParseResult r = parse(vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {hots: reviews}
            weight: abc
        """) + "---\n" + vs("""
        hosts: [other]
        htp: []
        """).replace("name: reviews", "name: other"));
    assertThat(r.errors()).extracting(Object::toString).containsExactlyInAnyOrder(
        P + "http[0].route[0].destination.host: missing (required)",
        P + "http[0].route[0].weight: 'abc' (expected: an integer 0..100)",
        P + "http[0].route[0].destination.hots: unknown field (did you mean host?)",
        "VirtualService other (mesh.yaml): htp: unknown field (did you mean http?)");
    assertThat(r.config().virtualServices()).isEmpty();
  }

  @Test
  void shortHostsAreQualifiedWithTheResourceNamespace() {
    VirtualService vs = only(vs("""
        hosts: [reviews, ratings.prod, "*.example.com"]
        http:
        - route:
          - destination: {host: Ratings}
        """));
    assertThat(vs.hosts()).containsExactly("reviews.default.svc.cluster.local", "ratings.prod", "*.example.com");
    assertThat(vs.http().get(0).destinations().get(0).destination().host()).isEqualTo("ratings.default.svc.cluster.local");
  }

  @Test
  void weightDefaults() {
    VirtualService vs = only(vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
        - route:
          - destination: {host: reviews, subset: v1}
          - destination: {host: reviews, subset: v2}
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 100
          - destination: {host: reviews, subset: v2}
        """));
    assertThat(vs.http().get(0).destinations()).extracting(RouteDestination::weight).containsExactly(100);
    assertThat(vs.http().get(1).destinations()).extracting(RouteDestination::weight).containsExactly(1, 1);
    assertThat(vs.http().get(2).destinations()).extracting(RouteDestination::weight).containsExactly(100, 0);
  }

  @Test
  void weightsAddingUpToZeroAreAnErrorAndOtherSumsAWarning() {
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 0
        """))).containsExactly(P + "http[0].route: weights add up to 0 (expected: at least one weight > 0)");
    String relative = vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 30
          - destination: {host: reviews, subset: v2}
            weight: 30
        """);
    assertThat(errors(relative)).isEmpty();
    assertThat(warnings(relative)).containsExactly(P + "http[0].route: weights add up to 60; Meshlet treats them as relative");
  }

  @Test
  void matchesAreTranslated() {
    VirtualService vs = only(vs("""
        hosts: [reviews]
        http:
        - match:
          - name: m
            uri: {regex: "/reviews/[0-9]+"}
            scheme: {exact: https}
            method: {exact: GET}
            authority: {prefix: reviews}
            headers:
              X-Canary: {}
            withoutHeaders:
              X-Debug: {exact: "1"}
            queryParams:
              Mode: {exact: fast}
            port: 9080
            ignoreUriCase: true
            sourceLabels: {app: productpage}
            sourceNamespace: front
            gateways: [mesh]
            statPrefix: ignored
          route:
          - destination: {host: reviews}
        """));
    assertThat(vs.http().get(0).matches()).containsExactly(new HttpMatch("m", StringMatch.regex("/reviews/[0-9]+"),
        StringMatch.exact("https"), StringMatch.exact("GET"), StringMatch.prefix("reviews"),
        Map.of("x-canary", StringMatch.present()), Map.of("x-debug", StringMatch.exact("1")),
        Map.of("Mode", StringMatch.exact("fast")), 9080, true, Map.of("app", "productpage"), "front",
        java.util.List.of("mesh")));
  }

  @Test
  void snakeCaseSpellingsAreAccepted() {
    VirtualService vs = only(vs("""
        hosts: [reviews]
        export_to: ["."]
        http:
        - match:
          - without_headers:
              x-debug: {exact: "1"}
            ignore_uri_case: true
            query_params:
              q: {prefix: a}
          direct_response:
            status: 503
            body: {string: down}
        """));
    HttpMatch m = vs.http().get(0).matches().get(0);
    assertThat(m.withoutHeaders()).containsEntry("x-debug", StringMatch.exact("1"));
    assertThat(m.ignoreUriCase()).isTrue();
    assertThat(m.queryParams()).containsEntry("q", StringMatch.prefix("a"));
    assertThat(vs.exportTo()).containsExactly(".");
    assertThat(vs.http().get(0).directResponse()).isEqualTo(DirectResponse.of(503, "down"));
  }

  @Test
  void bothSpellingsOfOneFieldIsAnError() {
    assertThat(errors(vs("""
        hosts: [reviews]
        exportTo: ["."]
        export_to: ["*"]
        http:
        - route:
          - destination: {host: reviews}
        """))).containsExactly(P + "export_to: given twice (also as exportTo)");
  }

  @Test
  void stringMatchRules() {
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - match:
          - uri: {exact: /a, prefix: /b}
          - uri: {regex: "(unclosed"}
          - headers:
              x-a: {exakt: b}
          route:
          - destination: {host: reviews}
        """))).containsExactlyInAnyOrder(
            P + "http[0].match[0].uri: exact and prefix given (expected: one of exact, prefix, regex)",
            P + "http[0].match[1].uri.regex: '(unclosed' (expected: a valid RE2 regex; missing closing ))",
            P + "http[0].match[2].headers.x-a.exakt: unknown field (did you mean exact?)");
  }

  @Test
  void unknownFieldsAreReportedAtNestedPaths() {
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - match:
          - uri: {prefix: /}
            header: {}
          route:
          - destination:
              host: reviews
              port: {numbr: 80}
            wieght: 5
          headers:
            request: {sett: {a: b}}
        """))).containsExactlyInAnyOrder(
            P + "http[0].route[0].destination.port.number: missing (required)",
            P + "http[0].match[0].header: unknown field (did you mean headers?)",
            P + "http[0].route[0].destination.port.numbr: unknown field (did you mean number?)",
            P + "http[0].route[0].wieght: unknown field (did you mean weight?)",
            P + "http[0].headers.request.sett: unknown field (did you mean set?)");
  }

  @Test
  void exactlyOneActionPerRule() {
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - name: none
        - route:
          - destination: {host: reviews}
          redirect: {uri: /x}
        - redirect: {uri: /x}
          rewrite: {uri: /y}
        """))).containsExactly(
            P + "http[0]: no action (expected: one of route, redirect, directResponse)",
            P + "http[1]: route and redirect given (expected: exactly one of route, redirect, directResponse)",
            P + "http[2].rewrite: rewrite cannot be combined with redirect");
  }

  @Test
  void delegateRulesAreValidatedAsIstioDoesAndNameTheirDelegate() {
    IstioYaml.ParseResult r = parse(vs("""
        hosts: [reviews]
        http:
        - match: [{uri: {prefix: /a}}]
          delegate: {name: reviews-a}
        - delegate: {name: reviews-b}
          route: [{destination: {host: reviews}}]
        - delegate: {namespace: other}
        - delegate: {name: reviews-c, namespace: other}
        - route: [{destination: {host: reviews}}]
        """));
    assertThat(r.errors()).extracting(Object::toString).containsExactly(
        P + "http[1].route: route cannot be combined with delegate",
        P + "http[2].delegate.name: missing (expected: the name of the delegate VirtualService)");
    assertThat(r.warnings()).isEmpty();
    VirtualService vs = only(vs("""
        hosts: [reviews]
        http:
        - match: [{uri: {prefix: /a}}]
          delegate: {name: reviews-a}
        - delegate: {name: reviews-c, namespace: other}
        - route: [{destination: {host: reviews}}]
        """));
    // the delegate's namespace defaults to the root's; the rules are kept, merged when routes are built
    assertThat(vs.http()).extracting(HttpRoute::delegate).containsExactly(
        new ResourceId("VirtualService", "default", "reviews-a"), new ResourceId("VirtualService", "other", "reviews-c"),
        null);
  }

  @Test
  void delegateVirtualServiceWithoutHostsIsAccepted() {
    IstioYaml.ParseResult ok = parse(vs("""
        http:
        - match: [{headers: {end-user: {exact: jason}}}]
          route: [{destination: {host: reviews, subset: v2}}]
        """));
    assertThat(ok.errors()).isEmpty();
    assertThat(ok.warnings()).isEmpty();

    assertThat(errors(vs("""
        gateways: [ingress]
        http:
        - delegate: {name: deeper}
        tcp: []
        """))).containsExactly(
            P + "gateways: not allowed in a delegate VirtualService (one without hosts)",
            P + "tcp: not allowed in a delegate VirtualService (one without hosts): only http rules",
            P + "http[0].delegate: not allowed in a delegate VirtualService (delegation is one level only)");
  }

  @Test
  void redirectDirectResponseAndRewrite() {
    VirtualService vs = only(vs("""
        hosts: [reviews]
        http:
        - redirect: {uri: /v2, authority: new, derivePort: FROM_REQUEST_PORT, scheme: https}
        - redirect: {uri: /v3, port: 8443, redirectCode: 308}
        - directResponse: {status: 418, body: {bytes: "dGVhcG90"}}
        - rewrite: {authority: ratings, uriRegexRewrite: {match: "^/old/(.*)$", rewrite: "/new/\\\\1"}}
          route:
          - destination: {host: ratings}
        """));
    assertThat(vs.http()).extracting(HttpRoute::redirect).containsExactly(
        new HttpRedirect("/v2", "new", 0, HttpRedirect.DerivePort.FROM_REQUEST_PORT, "https", 301),
        new HttpRedirect("/v3", null, 8443, null, null, 308), null, null);
    assertThat(vs.http().get(2).directResponse()).isEqualTo(DirectResponse.of(418, "teapot"));
    assertThat(vs.http().get(3).rewrite()).isEqualTo(new HttpRewrite(null, "ratings", "^/old/(.*)$", "/new/\\1"));
  }

  @Test
  void redirectDirectResponseAndRewriteRanges() {
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - redirect: {redirectCode: 200, port: 0, derivePort: FROM_NOWHERE}
        - directResponse: {status: 600}
        - directResponse: {body: {bytes: "***"}}
        - rewrite: {uriRegexRewrite: {match: "[", rewrite: x}}
          route:
          - destination: {host: ratings}
        """))).containsExactly(
            P + "http[0].redirect.port: 0 (expected: 1..65535)",
            P + "http[0].redirect.derivePort: 'FROM_NOWHERE' (expected: one of FROM_PROTOCOL_DEFAULT, FROM_REQUEST_PORT)",
            P + "http[0].redirect: port and derivePort given (expected: at most one)",
            P + "http[0].redirect.redirectCode: 200 (expected: 300..399)",
            P + "http[1].directResponse.status: 600 (expected: 200..599)",
            P + "http[2].directResponse.status: missing (required)",
            P + "http[2].directResponse.body.bytes: '***' (expected: base64; Illegal base64 character 2a)",
            P + "http[3].rewrite.uriRegexRewrite.match: '[' (expected: a valid RE2 regex; missing closing ])");
  }

  @Test
  void notYetAppliedHttpFieldsAreListedAndWarned() {
    String yaml = vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
          timeout: 1.5s
          retries: {attempts: 3, perTryTimeout: 100ms, retryOn: "5xx,connect-failure", retryRemoteLocalities: true}
          fault:
            delay: {fixedDelay: 7s, percentage: {value: 10}}
            abort: {httpStatus: 500, percentage: {value: 0.5}}
          mirror: {host: shadow}
          mirrorPercentage: {value: 50}
          corsPolicy:
            allowOrigins: [{exact: "https://example.com"}]
            allowMethods: [GET]
            maxAge: 24h
            allowCredentials: true
        tcp:
        - route: [{destination: {host: db}}]
        """);
    VirtualService vs = only(yaml);
    // timeout, retries, fault, mirror and corsPolicy are applied: neither listed nor warned about.
    assertThat(vs.notYetApplied()).containsExactly("tcp");
    assertThat(warnings(yaml)).containsExactly(P + "tcp: not yet applied by Meshlet");
    assertThat(vs.http().get(0).mirrors()).containsExactly(
        new MirrorPolicy(new Destination("shadow.default.svc.cluster.local", null, 0), 500_000));
    assertThat(vs.http().get(0).cors()).isEqualTo(new CorsPolicy(List.of(StringMatch.exact("https://example.com")),
        List.of("GET"), List.of(), List.of(), java.time.Duration.ofHours(24), true, true));
  }

  @Test
  void httpRuleFieldsAreValidated() {
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
          timeout: 10 seconds
          retries: {attempts: -1, retry_on: 5xx, tries: 2}
          fault:
            abort: {httpStatus: 99, percentage: {value: 101}}
          mirror: {subset: v1}
        """))).containsExactlyInAnyOrder(
            P + "http[0].timeout: '10 seconds' (expected: a duration like 1.5s or 100ms)",
            P + "http[0].retries.attempts: -1 (expected: 0..2147483647)",
            P + "http[0].retries.tries: unknown field (expected one of: attempts, perTryTimeout, retryOn, retryRemoteLocalities, backoff, retryIgnorePreviousHosts)",
            P + "http[0].fault.abort.httpStatus: 99 (expected: 200..599)",
            P + "http[0].fault.abort.percentage.value: 101 (expected: 0..100)",
            P + "http[0].mirror.host: missing (required)");
  }

  @Test
  void mirrorsAreReadWithTheirOwnPercentagesAndTlsIsNotYetApplied() {
    String yaml = vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
          mirrors:
          - destination: {host: shadow, subset: v2}
            percentage: {value: 5}
          mirror_percent: 10
        tls:
        - match: [{sniHosts: [reviews]}]
          route: [{destination: {host: reviews}}]
        """);
    assertThat(only(yaml).notYetApplied()).containsExactly("tls");
    assertThat(only(yaml).http().get(0).mirrors()).containsExactly(
        new MirrorPolicy(new Destination("shadow.default.svc.cluster.local", "v2", 0), 50_000));
    assertThat(warnings(yaml)).contains(P + "http[0].mirror_percent: has no effect without mirror (each of mirrors has its own percentage)");
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
          mirrors:
          - percentage: {value: 5}
        tcp: [route]
        """))).containsExactly(
            P + "http[0].mirrors[0].destination: missing (required)",
            P + "tcp[0]: 'route' (expected: a mapping)");
  }

  @Test
  void mirrorPercentagesFollowIstiosPrecedenceAndZeroMirrorsNothing() {
    assertThat(only(vs("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          mirror: {host: shadow, port: {number: 9080}}
          mirrorPercentage: {value: 0.5}
          mirrorPercent: 20
        """)).http().get(0).mirrors()).extracting(MirrorPolicy::millionths).containsExactly(5_000);
    assertThat(only(vs("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          mirror: {host: shadow}
          mirrorPercent: 20
        """)).http().get(0).mirrors()).extracting(MirrorPolicy::millionths).containsExactly(200_000);
    assertThat(only(vs("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          mirror: {host: shadow}
        """)).http().get(0).mirrors()).extracting(MirrorPolicy::millionths).containsExactly(MirrorPolicy.ALL);
    assertThat(only(vs("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          mirrors:
          - destination: {host: a}
            percentage: {value: 0}
          - destination: {host: b}
        """)).http().get(0).mirrors()).extracting(m -> m.destination().host())
        .containsExactly("b.default.svc.cluster.local");
  }

  @Test
  void mirrorAndCorsErrorsCarryTheirPaths() {
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          mirror: {host: shadow}
          mirrors:
          - destination: {host: shadow}
            percentage: {value: 120}
          mirrorPercentage: {value: -1}
          corsPolicy:
            allowOrigins: [{exact: a, prefix: b}, {regex: "("}]
            allowMethods: ["GE T"]
            exposeHeaders: ["x y"]
            maxAge: forever
            allowCredentials: maybe
            unmatchedPreflights: DROP
        """))).containsExactlyInAnyOrder(
            P + "http[0]: mirror and mirrors given (expected: at most one of them)",
            P + "http[0].mirrors[0].percentage.value: 120 (expected: 0..100)",
            P + "http[0].mirrorPercentage.value: -1 (expected: 0..100)",
            P + "http[0].corsPolicy.allowOrigins[0]: exact and prefix given (expected: one of exact, prefix, regex)",
            P + "http[0].corsPolicy.allowOrigins[1].regex: '(' (expected: a valid RE2 regex; missing closing ))",
            P + "http[0].corsPolicy.allowMethods[0]: 'GE T' (expected: a method, RFC 7230 token characters only)",
            P + "http[0].corsPolicy.exposeHeaders[0]: 'x y' (expected: a header name, RFC 7230 token characters only)",
            P + "http[0].corsPolicy.maxAge: 'forever' (expected: a duration like 1.5s or 100ms)",
            P + "http[0].corsPolicy.allowCredentials: 'maybe' (expected: true or false)",
            P + "http[0].corsPolicy.unmatchedPreflights: 'DROP' (expected: one of UNSPECIFIED, FORWARD, IGNORE)");
  }

  @Test
  void aRegexRewriteMayOnlyReferToGroupsTheMatchHas() {
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - rewrite: {uriRegexRewrite: {match: "^/a/(.*)$", rewrite: "/b/\\\\2"}}
          route:
          - destination: {host: reviews}
        """))).containsExactly(P + "http[0].rewrite.uriRegexRewrite.rewrite: '/b/\\2' refers to group \\2 (expected: at most \\1, the groups of match)");
  }
}
