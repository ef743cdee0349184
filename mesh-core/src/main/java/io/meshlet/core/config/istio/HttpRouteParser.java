package io.meshlet.core.config.istio;

import io.meshlet.core.config.Regexes;
import io.meshlet.core.model.CorsPolicy;
import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRedirect;
import io.meshlet.core.model.HttpRewrite;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.MirrorPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.RetryPolicy;
import io.meshlet.core.model.RouteDestination;
import io.meshlet.core.model.StringMatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** One {@code http[]} rule of a VirtualService: its matches, its one action, rewrite, headers, timeout, retries and fault. */
final class HttpRouteParser {
  /** {@code \1} in an Envoy/RE2 substitution (ASCII digits only). */
  private static final Pattern GROUP_REFERENCE = Pattern.compile("\\\\([0-9])");

  private static final List<String> DERIVE_PORT = List.of("FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT");

  private HttpRouteParser() {}

  /**
   * @param inDelegate true when the rule belongs to a delegate VirtualService (one without hosts), where
   *     Istio allows no further delegation
   * @return the rule; one that hands its requests to a delegate has {@link HttpRoute#delegate()} set and no action,
   *     or is null when its delegate is not well formed (reported as errors)
   */
  static @Nullable HttpRoute parse(YamlObject rule, String namespace, boolean inDelegate) {
    Problems problems = rule.problems();
    String name = rule.string("name");
    List<HttpMatch> matches = new ArrayList<>();
    for (YamlObject m : rule.objects("match")) {
      matches.add(HttpMatchParser.parse(m));
    }
    List<RouteDestination> destinations = RouteDestinationParser.parse(rule, namespace);
    HttpRedirect redirect = redirect(rule.object("redirect"), matches);
    DirectResponse directResponse = directResponse(rule.object("directResponse"));
    HttpRewrite rewrite = rewrite(rule.object("rewrite"));
    HeaderOperations headers = HeadersParser.parse(rule.object("headers"));
    boolean delegates = rule.has("delegate");
    ResourceId delegate = delegates ? DelegateRules.check(rule, namespace, inDelegate) : null;
    Duration timeout = rule.duration("timeout");
    RetryPolicy retries = RetryParser.parse(rule.object("retries"));
    FaultInjection fault = FaultParser.parse(rule.object("fault"));
    List<MirrorPolicy> mirrors = HttpRuleExtras.mirrors(rule, namespace);
    CorsPolicy cors = HttpRuleExtras.cors(rule.object("corsPolicy"));
    if (rule.node("websocketUpgrade") != null) {
      // Reserved in Istio's HTTPRoute since 1.0 (Kubernetes prunes it with a warning): old YAML still has it.
      problems.warning(rule.path("websocketUpgrade"),
          "removed from Istio's API (WebSocket upgrades need no setting since Istio 1.0); ignored");
    }

    List<String> actions = new ArrayList<>();
    for (String a : List.of("route", "redirect", "directResponse")) {
      if (rule.has(a)) {
        actions.add(a);
      }
    }
    if (actions.isEmpty() && !rule.has("delegate")) {
      problems.error(rule.path(), "no action (expected: one of route, redirect, directResponse)");
    } else if (actions.size() > 1) {
      problems.error(rule.path(), String.join(" and ", actions) + " given (expected: exactly one of route, redirect, directResponse)");
    }
    if (rule.has("rewrite") && rule.has("redirect")) {
      problems.error(rule.path("rewrite"), "rewrite cannot be combined with redirect");
    }
    if (delegates && delegate == null) {
      return null;
    }
    // 0 is Istio's "no timeout", as is an absent one; it is kept as ZERO, since a delegate rule's explicit 0s
    // is not overridden by its root rule's timeout (HttpRoute.effectiveTimeout() reads both as none).
    return new HttpRoute(name, matches, destinations, redirect, directResponse, rewrite, headers,
        timeout, retries, fault, mirrors, cors, delegate, null);
  }

  private static @Nullable HttpRedirect redirect(@Nullable YamlObject o, List<HttpMatch> matches) {
    if (o == null) {
      return null;
    }
    String uri = o.string("uri");
    String prefixRewrite = o.string("prefixRewrite");
    if (prefixRewrite != null && !prefixRewrite.isEmpty()) {
      // Istio's validateHTTPRedirect, for HTTPRedirect.prefix_rewrite (istio/api field 7).
      if (uri != null && !uri.isEmpty()) {
        o.problems().error(o.path("prefixRewrite"), "given with uri (expected: one of uri or prefixRewrite)");
      } else if (matches.stream().anyMatch(m -> m.uri() != null && m.uri().type() != StringMatch.Type.PREFIX)) {
        o.problems().error(o.path("prefixRewrite"), "'" + prefixRewrite + "' with a uri match that is not a prefix"
            + " (expected: every uri match of the rule a prefix match, as Istio requires)");
      }
    } else {
      prefixRewrite = null;
    }
    String authority = o.string("authority");
    Integer port = o.port("port");
    String derive = o.enumValue("derivePort", DERIVE_PORT);
    if (o.has("port") && o.has("derivePort")) {
      o.problems().error(o.path(), "port and derivePort given (expected: at most one)");
    }
    String scheme = o.string("scheme");
    Long code = o.integer("redirectCode", 300, 399);
    return new HttpRedirect(
        uri,
        authority,
        port == null ? 0 : port,
        derive == null ? null : HttpRedirect.DerivePort.valueOf(derive),
        scheme,
        code == null ? HttpRedirect.DEFAULT_REDIRECT_CODE : code.intValue(),
        prefixRewrite);
  }

  private static @Nullable DirectResponse directResponse(@Nullable YamlObject o) {
    if (o == null) {
      return null;
    }
    Long status = o.integer("status", 200, 599);
    if (!o.has("status")) {
      o.problems().error(o.path("status"), "missing (required)");
    }
    byte[] body = new byte[0];
    YamlObject b = o.object("body");
    if (b != null) {
      String string = b.string("string");
      String bytes = b.string("bytes");
      if (b.has("string") && b.has("bytes")) {
        b.problems().error(b.path(), "string and bytes given (expected: one of them)");
      } else if (string != null) {
        body = string.getBytes(StandardCharsets.UTF_8);
      } else if (bytes != null) {
        try {
          body = Base64.getDecoder().decode(bytes.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
          b.problems().error(b.path("bytes"), "'" + bytes + "' (expected: base64; " + e.getMessage() + ")");
        }
      }
    }
    return status == null ? null : new DirectResponse(status.intValue(), body);
  }

  private static @Nullable HttpRewrite rewrite(@Nullable YamlObject o) {
    if (o == null) {
      return null;
    }
    String uri = o.string("uri");
    String authority = o.string("authority");
    String regexMatch = null;
    String regexRewrite = null;
    YamlObject r = o.object("uriRegexRewrite");
    if (r != null) {
      regexMatch = HttpMatchParser.regex(r, "match");
      regexRewrite = r.string("rewrite");
      if (regexMatch != null && regexRewrite != null) {
        int groups = Regexes.compile(regexMatch, false).groupCount();
        Matcher ref = GROUP_REFERENCE.matcher(regexRewrite);
        while (ref.find()) {
          if (Integer.parseInt(ref.group(1)) > groups) {
            r.problems().error(r.path("rewrite"), "'" + regexRewrite + "' refers to group \\" + ref.group(1)
                + " (expected: at most \\" + groups + ", the groups of match)");
            break;
          }
        }
      }
      if (!r.has("match")) {
        r.problems().error(r.path("match"), "missing (required)");
      }
      if (!r.has("rewrite")) {
        r.problems().error(r.path("rewrite"), "missing (required)");
      }
    }
    if (o.has("uri") && o.has("uriRegexRewrite")) {
      o.problems().error(o.path(), "uri and uriRegexRewrite given (expected: at most one)");
    }
    return new HttpRewrite(uri, authority, regexMatch, regexRewrite);
  }
}
