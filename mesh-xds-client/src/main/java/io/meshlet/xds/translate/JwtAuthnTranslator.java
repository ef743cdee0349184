package io.meshlet.xds.translate;

import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtClaimToHeader;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtHeader;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RequirementRule;
import io.meshlet.core.model.RequestAuthentication;
import io.meshlet.core.model.RequestAuthentication.ClaimToHeader;
import io.meshlet.core.model.RequestAuthentication.JwtRule;
import io.meshlet.core.model.RequestAuthentication.TokenHeader;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.security.JwtAuthenticator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@code envoy.filters.http.jwt_authn} filter of an inbound listener
 * ({@code envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication}) as istiod writes it for
 * RequestAuthentication into one RequestAuthentication named after the filter: each provider
 * ({@code origins-<i>}) a {@code jwtRules} entry (issuer, audiences, {@code local_jwks} inline or
 * {@code remote_jwks} uri and timeout, from_headers, from_params, from_cookies, forward,
 * forward_payload_header, claim_to_headers). The requirement must be istiod's: one rule for prefix
 * {@code /} requiring any provider or {@code allow_missing} (a call without a token passes);
 * another shape is an error, since the engine applies istiod's.
 */
final class JwtAuthnTranslator {
  static final String TYPE_URL = "type.googleapis.com/" + JwtAuthentication.getDescriptor().getFullName();
  static final String FILTER = "envoy.filters.http.jwt_authn";

  private JwtAuthnTranslator() {}

  static @Nullable RequestAuthentication translate(JwtAuthentication filter, String namespace, ResourceOrigin origin,
      String path, Problems problems) {
    int before = problems.errorCount();
    if (filter.getRequirementMapCount() > 0) {
      problems.error(path + ".requirement_map", "set (expected: empty; istiod writes rules)");
    }
    if (filter.hasFilterStateRules()) {
      problems.error(path + ".filter_state_rules", "set (expected: unset, as istiod writes it)");
    }
    requirement(filter, path, problems);
    List<JwtRule> rules = new ArrayList<>();
    for (Map.Entry<String, JwtProvider> e : new TreeMap<>(filter.getProvidersMap()).entrySet()) {
      JwtRule rule = rule(e.getValue(), path + ".providers[" + e.getKey() + "]", problems);
      if (rule != null) {
        rules.add(rule);
      }
    }
    if (problems.errorCount() > before) {
      return null;
    }
    return new RequestAuthentication(new ResourceId("RequestAuthentication", namespace, FILTER), origin, Map.of(), List.of(),
        rules, List.of());
  }

  /** istiod's requirement: rules [{match: {prefix: /}, requires: {requires_any: [providers..., allow_missing]}}]. */
  private static void requirement(JwtAuthentication filter, String path, Problems problems) {
    if (filter.getRulesCount() != 1) {
      problems.error(path + ".rules", filter.getRulesCount() + " rules (expected: one, for prefix /, as istiod writes it)");
      return;
    }
    RequirementRule r = filter.getRules(0);
    String rp = path + ".rules[0]";
    if (!r.getMatch().getPrefix().equals("/")) {
      problems.error(rp + ".match", "not prefix / (expected: every path, as istiod writes it)");
    }
    JwtRequirement req = r.getRequires();
    List<JwtRequirement> any = req.hasRequiresAny() ? req.getRequiresAny().getRequirementsList() : List.of(req);
    boolean allowMissing = false;
    for (JwtRequirement one : any) {
      if (one.hasAllowMissing()) {
        allowMissing = true;
      } else if (one.getProviderName().isEmpty() || !filter.containsProviders(one.getProviderName())) {
        problems.error(rp + ".requires", "a requirement other than a provider or allow_missing (expected: requires_any "
            + "of the providers and allow_missing, as istiod writes it)");
        return;
      }
    }
    if (!allowMissing) {
      problems.error(rp + ".requires", "no allow_missing (expected: a call without a token passes, as istiod writes it)");
    }
  }

  private static @Nullable JwtRule rule(JwtProvider p, String path, Problems problems) {
    if (p.getIssuer().isEmpty()) {
      problems.error(path + ".issuer", "'' (expected: the issuer)");
      return null;
    }
    String jwksUri = null;
    String jwks = null;
    Duration timeout = JwtRule.DEFAULT_TIMEOUT;
    if (p.hasLocalJwks()) {
      jwks = p.getLocalJwks().getInlineString();
      String problem = jwks.isEmpty() ? "empty (expected: inline_string with a JSON Web Key Set)"
          : JwtAuthenticator.jwksProblem(jwks);
      if (problem != null) {
        problems.error(path + ".local_jwks.inline_string", problem);
        return null;
      }
    } else if (p.hasRemoteJwks()) {
      jwksUri = p.getRemoteJwks().getHttpUri().getUri();
      if (!jwksUri.startsWith("http://") && !jwksUri.startsWith("https://")) {
        problems.error(path + ".remote_jwks.http_uri.uri", "'" + jwksUri + "' (expected: an http or https URL)");
        return null;
      }
      if (p.getRemoteJwks().getHttpUri().hasTimeout()) {
        Duration t = Protos.duration(p.getRemoteJwks().getHttpUri().getTimeout(), path + ".remote_jwks.http_uri.timeout",
            problems);
        timeout = t == null || t.isZero() ? timeout : t;
      }
    } else {
      problems.error(path, "no local_jwks or remote_jwks (expected: one of them)");
      return null;
    }
    List<TokenHeader> headers = new ArrayList<>();
    for (JwtHeader h : p.getFromHeadersList()) {
      headers.add(new TokenHeader(h.getName(), h.getValuePrefix()));
    }
    List<ClaimToHeader> claims = new ArrayList<>();
    for (JwtClaimToHeader c : p.getClaimToHeadersList()) {
      claims.add(new ClaimToHeader(c.getHeaderName(), c.getClaimName()));
    }
    return new JwtRule(p.getIssuer(), p.getAudiencesList(), jwksUri, jwks, headers, p.getFromParamsList(),
        p.getFromCookiesList(), p.getForward(), p.getForwardPayloadHeader().isEmpty() ? null : p.getForwardPayloadHeader(),
        claims, timeout);
  }
}
