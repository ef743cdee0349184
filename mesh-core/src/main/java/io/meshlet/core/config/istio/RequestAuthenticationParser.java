package io.meshlet.core.config.istio;

import io.meshlet.core.model.RequestAuthentication;
import io.meshlet.core.model.RequestAuthentication.ClaimToHeader;
import io.meshlet.core.model.RequestAuthentication.JwtRule;
import io.meshlet.core.model.RequestAuthentication.TokenHeader;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.security.JwtAuthenticator;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code RequestAuthentication.spec} of {@code security.istio.io/v1} (or {@code v1beta1}), checked as
 * Istio checks it: {@code selector} or {@code targetRef(s)} (as AuthorizationPolicy: targets are
 * not applied), {@code jwtRules[]} with a non-empty {@code issuer} (unique within the resource), an
 * http(s) {@code jwksUri} or inline {@code jwks} that parses as a JSON Web Key Set, header names
 * that are RFC 7230 tokens, a positive {@code timeout}. A rule with neither {@code jwksUri} nor
 * {@code jwks} (Istio then discovers the keys through the issuer's OpenID configuration) is reported
 * as not applied: its tokens fail with {@code Jwks remote fetch is failed}.
 */
final class RequestAuthenticationParser {
  private static final List<String> PRESENCE = List.of("OPTIONAL", "REQUIRED");

  private RequestAuthenticationParser() {}

  static RequestAuthentication parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    Problems problems = spec.problems();
    Map<String, String> selector = PeerAuthenticationParser.selector(spec);
    List<String> targets = AuthorizationPolicyParser.targets(spec, id);
    if (!targets.isEmpty() && spec.has("selector")) {
      problems.error(spec.path("selector"), "given with " + (spec.has("targetRef") ? "targetRef" : "targetRefs")
          + " (expected: one of selector, targetRef or targetRefs)");
    }
    List<JwtRule> rules = new ArrayList<>();
    Set<String> issuers = new HashSet<>();
    for (YamlObject r : spec.objects("jwtRules")) {
      JwtRule rule = rule(r);
      if (rule != null && !issuers.add(rule.issuer())) {
        problems.error(r.path("issuer"), "'" + rule.issuer() + "' is the issuer of an earlier rule (expected: one rule per issuer)");
      } else if (rule != null) {
        rules.add(rule);
      }
    }
    return new RequestAuthentication(id, origin, selector, targets, rules, problems.notYetAppliedPaths());
  }

  private static @Nullable JwtRule rule(YamlObject r) {
    Problems problems = r.problems();
    String issuer = r.requiredString("issuer");
    if (issuer != null && issuer.isEmpty()) {
      problems.error(r.path("issuer"), "'' (expected: the issuer of the tokens, non-empty)");
    }
    List<String> audiences = r.strings("audiences", v -> v.isEmpty() ? "'' (expected: a non-empty audience)" : null);
    String jwksUri = r.string("jwksUri");
    if (jwksUri != null) {
      String problem = uriProblem(jwksUri);
      if (problem != null) {
        problems.error(r.path("jwksUri"), problem);
        jwksUri = null;
      }
    }
    String jwks = r.string("jwks");
    if (jwks != null) {
      String problem = JwtAuthenticator.jwksProblem(jwks);
      if (problem != null) {
        problems.error(r.path("jwks"), problem);
        jwks = null;
      }
    }
    if (r.has("jwksUri") && r.has("jwks")) {
      problems.error(r.path("jwks"), "given with jwksUri (expected: one of jwksUri or jwks)");
    } else if (!r.has("jwksUri") && !r.has("jwks")) {
      problems.notYetApplied(r.path("jwksUri"), "missing: Istio would discover the keys from the issuer's OpenID "
          + "configuration, which Meshlet does not; tokens of this issuer fail with 'Jwks remote fetch is failed' "
          + "(give jwksUri or jwks)");
    }
    List<TokenHeader> fromHeaders = new ArrayList<>();
    for (YamlObject h : r.objects("fromHeaders")) {
      String name = h.headerName("name");
      if (name == null && !h.has("name")) {
        problems.error(h.path("name"), "missing (required)");
      }
      String prefix = h.string("prefix");
      if (name != null) {
        fromHeaders.add(new TokenHeader(name, prefix == null ? "" : prefix));
      }
    }
    List<String> fromParams = r.strings("fromParams", v -> v.isEmpty() ? "'' (expected: a query parameter name)" : null);
    List<String> fromCookies = r.strings("fromCookies", v -> v.isEmpty() ? "'' (expected: a cookie name)" : null);
    Boolean forward = r.bool("forwardOriginalToken");
    String payloadHeader = r.headerName("outputPayloadToHeader");
    List<ClaimToHeader> claimHeaders = new ArrayList<>();
    for (YamlObject c : r.objects("outputClaimToHeaders")) {
      String header = c.headerName("header");
      String claim = c.requiredString("claim");
      if (header == null && !c.has("header")) {
        problems.error(c.path("header"), "missing (required)");
      }
      if (claim != null && claim.isEmpty()) {
        problems.error(c.path("claim"), "'' (expected: a claim name)");
      }
      if (header != null && claim != null && !claim.isEmpty()) {
        claimHeaders.add(new ClaimToHeader(header, claim));
      }
    }
    Duration timeout = r.positiveDuration("timeout");
    if (r.has("spaceDelimitedClaims")) {
      r.strings("spaceDelimitedClaims");
      problems.notYetApplied(r.path("spaceDelimitedClaims"));
    }
    if (r.enumValue("presence", PRESENCE) != null) {
      // In Istio's CRD schema (OPTIONAL, REQUIRED) ahead of istiod, which does not read it yet either.
      problems.notYetApplied(r.path("presence"), "not yet applied by Meshlet: a request without a token is "
          + "not refused by this field (an AuthorizationPolicy with requestPrincipals: [\"*\"] refuses it)");
    }
    if (issuer == null || issuer.isEmpty()) {
      return null;
    }
    return new JwtRule(issuer, audiences, jwksUri, jwks, fromHeaders, fromParams, fromCookies,
        Boolean.TRUE.equals(forward), payloadHeader, claimHeaders, timeout == null ? JwtRule.DEFAULT_TIMEOUT : timeout);
  }

  /** Why {@code uri} cannot be fetched as a JWKS (Istio: an http or https URL with a host), or null. */
  private static @Nullable String uriProblem(String uri) {
    try {
      URI u = new URI(uri);
      String scheme = u.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || u.getHost() == null) {
        return "'" + uri + "' (expected: an http or https URL with a host)";
      }
      return null;
    } catch (URISyntaxException e) {
      return "'" + uri + "' (expected: an http or https URL; " + e.getReason() + ")";
    }
  }
}
