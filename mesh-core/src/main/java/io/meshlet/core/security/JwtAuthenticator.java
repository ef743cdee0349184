package io.meshlet.core.security;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.meshlet.core.model.CompileFailure;
import io.meshlet.core.model.Headers;
import io.meshlet.core.model.RequestAuthentication;
import io.meshlet.core.model.RequestAuthentication.ClaimToHeader;
import io.meshlet.core.model.RequestAuthentication.JwtRule;
import io.meshlet.core.model.Workload;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The RequestAuthentications that apply to this workload, compiled once per snapshot: their
 * {@code jwtRules} as providers, and the distinct token locations they read. As Istio configures
 * Envoy ({@code requires_any} of every provider, or {@code allow_missing}), a call without a token
 * passes with no request principal; the first token found is checked by the provider of its
 * {@code iss} that reads that location (none: {@code Jwt issuer is not configured}) and a refused
 * token answers 401. Without a token nothing is allocated.
 */
public final class JwtAuthenticator {
  public static final JwtAuthenticator NONE = new JwtAuthenticator(List.of());

  private final JwtProvider[] providers;
  private final TokenLocation[] locations;
  /** {@code readers[i]}: the providers reading {@code locations[i]}, in order. */
  private final JwtProvider[][] readers;

  private JwtAuthenticator(List<JwtProvider> providers) {
    this.providers = providers.toArray(JwtProvider[]::new);
    LinkedHashSet<TokenLocation> all = new LinkedHashSet<>();
    for (JwtProvider p : providers) {
      all.addAll(p.locations);
    }
    this.locations = all.toArray(TokenLocation[]::new);
    this.readers = new JwtProvider[locations.length][];
    for (int i = 0; i < locations.length; i++) {
      TokenLocation l = locations[i];
      readers[i] = providers.stream().filter(p -> p.locations.contains(l)).toArray(JwtProvider[]::new);
    }
  }

  /** The RequestAuthentications of {@code ras} that apply to {@code workload}, in name order; one with targetRefs applies to none. */
  static JwtAuthenticator compile(List<RequestAuthentication> ras, Workload workload, String rootNamespace, JwtKeys keys) {
    List<JwtProvider> providers = new ArrayList<>();
    List<RequestAuthentication> sorted = ras.stream()
        .sorted(Comparator.comparing((RequestAuthentication r) -> r.id().namespace()).thenComparing(r -> r.id().name()))
        .toList();
    for (RequestAuthentication ra : sorted) {
      if (!ra.appliesTo(workload.namespace(), workload.labels(), rootNamespace) || !ra.targetRefs().isEmpty()) {
        continue;
      }
      for (JwtRule rule : ra.jwtRules()) {
        try {
          providers.add(new JwtProvider(ra, rule, keys));
        } catch (RuntimeException e) {
          throw new CompileFailure(ra, "request authentication", e);
        }
      }
    }
    return providers.isEmpty() ? NONE : new JwtAuthenticator(providers);
  }

  /**
   * Why {@code jwks} (a RequestAuthentication's inline key set) cannot be used, or null: the one
   * check the YAML translator and the xDS translator share, so the compiler never meets a bad set.
   */
  public static @Nullable String jwksProblem(String jwks) {
    return JwtProvider.jwksProblem(jwks);
  }

  /** True when no RequestAuthentication applies: every call passes without a request principal. */
  public boolean isEmpty() {
    return providers.length == 0;
  }

  /** The issuers accepted, for explain: {@code issuer (RequestAuthentication ns/name)}. */
  List<String> describe() {
    return Arrays.stream(providers).map(p -> "issuer " + p.rule.issuer() + " (" + p.source + ") from "
        + p.locations).toList();
  }

  /** Checks the call's token, if it has one. */
  public JwtResult authenticate(InboundRequest r) {
    for (int i = 0; i < locations.length; i++) {
      String token = locations[i].read(r);
      if (token != null) {
        return check(token, locations[i], readers[i]);
      }
    }
    return JwtResult.NO_TOKEN;
  }

  private static JwtResult check(String token, TokenLocation location, JwtProvider[] readers) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      JWT parsed = JWTParser.parse(token);
      if (!(parsed instanceof SignedJWT signed)) {
        return refused(JwtStatus.ALG_NOT_SUPPORTED, readers[0]); // alg: none, or an encrypted token
      }
      jwt = signed;
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return refused(JwtStatus.BAD_FORMAT, readers[0]);
    }
    String issuer = claims.getIssuer();
    JwtProvider provider = null;
    for (JwtProvider p : readers) {
      if (p.rule.issuer().equals(issuer)) {
        provider = p;
        break;
      }
    }
    if (provider == null) {
      return refused(JwtStatus.UNKNOWN_ISSUER, readers[0]);
    }
    JwtStatus status = provider.verify(jwt, claims);
    if (status != null) {
      return refused(status, provider);
    }
    Map<String, Object> payload = claims.toJSONObject();
    String subject = claims.getSubject();
    String presenter;
    try {
      presenter = claims.getStringClaim("azp");
    } catch (ParseException e) {
      presenter = null;
    }
    RequestAuth auth = new RequestAuth(issuer + "/" + (subject == null ? "" : subject),
        claims.getAudience() == null ? List.of() : claims.getAudience(), presenter, payload);
    return new JwtResult(auth, null, provider.source, headers(provider.rule, location, jwt, auth));
  }

  private static Headers headers(JwtRule rule, TokenLocation location, SignedJWT jwt, RequestAuth auth) {
    Map<String, String> set = new LinkedHashMap<>();
    List<String> remove = new ArrayList<>();
    if (!rule.forwardOriginalToken() && location.isHeader()) {
      remove.add(location.name());
    }
    if (rule.outputPayloadToHeader() != null) {
      set.put(rule.outputPayloadToHeader(), jwt.getParsedParts()[1].toString());
    }
    for (ClaimToHeader c : rule.outputClaimToHeaders()) {
      String value = claimText(auth.claim(List.of(c.claim().split("\\."))));
      if (value != null) {
        set.put(c.header(), value);
      }
    }
    return set.isEmpty() && remove.isEmpty() ? Headers.NONE : new Headers(set, Map.of(), remove);
  }

  /** A claim as Envoy's {@code claim_to_headers} writes it: strings, numbers and booleans as text, lists joined with commas. */
  private static @Nullable String claimText(@Nullable Object claim) {
    if (claim instanceof String || claim instanceof Number || claim instanceof Boolean) {
      return claim.toString();
    }
    if (claim instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      for (Object o : list) {
        String s = claimText(o);
        if (s != null) {
          parts.add(s);
        }
      }
      return parts.isEmpty() ? null : String.join(",", parts);
    }
    return null;
  }

  private static JwtResult refused(JwtStatus status, JwtProvider provider) {
    return new JwtResult(null, status.message, provider.source, Headers.NONE);
  }
}
