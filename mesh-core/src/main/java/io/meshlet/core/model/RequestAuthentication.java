package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code RequestAuthentication} ({@code security.istio.io}): which JSON Web Tokens a
 * workload accepts. Scope as for {@link AuthorizationPolicy}. A request carrying a token that fails
 * every rule is refused (401); a request without a token passes, with no request principal (an
 * AuthorizationPolicy decides whether that is enough).
 *
 * @param targetRefs {@code targetRef}/{@code targetRefs} as {@code Kind namespace/name}: such a policy
 *     applies to no workload here (not yet applied)
 */
public record RequestAuthentication(
    ResourceId id,
    ResourceOrigin origin,
    Map<String, String> selector,
    List<String> targetRefs,
    List<JwtRule> jwtRules,
    List<String> notYetApplied)
    implements MeshResource {

  public RequestAuthentication {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    selector = Map.copyOf(selector);
    targetRefs = List.copyOf(targetRefs);
    jwtRules = List.copyOf(jwtRules);
    notYetApplied = List.copyOf(notYetApplied);
  }

  @Override
  public List<String> exportTo() {
    return List.of();
  }

  /** As {@link AuthorizationPolicy#appliesTo}: its namespace or the root one, and a matching selector. */
  public boolean appliesTo(String namespace, Map<String, String> labels, String rootNamespace) {
    String ns = id.namespace();
    return (ns.equals(namespace) || ns.equals(rootNamespace)) && Labels.matches(selector, labels);
  }

  /**
   * One {@code jwtRules[]} entry: the issuer whose tokens are accepted and how to find and check
   * them. With no location given a token is read from {@code Authorization: Bearer <token>} and the
   * {@code access_token} query parameter, as Istio does.
   *
   * @param audiences accepted {@code aud} values; empty accepts any
   * @param jwksUri where the keys are fetched from; null with inline {@code jwks}
   * @param jwks the key set inline (JSON); null with {@code jwksUri}
   * @param forwardOriginalToken keep the token's header for the application (default: removed)
   * @param outputPayloadToHeader a header to carry the token's payload (base64url) to the application
   * @param timeout how long fetching {@code jwksUri} may take
   */
  public record JwtRule(
      String issuer,
      List<String> audiences,
      @Nullable String jwksUri,
      @Nullable String jwks,
      List<TokenHeader> fromHeaders,
      List<String> fromParams,
      List<String> fromCookies,
      boolean forwardOriginalToken,
      @Nullable String outputPayloadToHeader,
      List<ClaimToHeader> outputClaimToHeaders,
      Duration timeout) {
    /** Istio's default for fetching {@code jwksUri}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Where a token is looked for when no location is given. */
    public static final TokenHeader DEFAULT_HEADER = new TokenHeader("Authorization", "Bearer ");
    public static final String DEFAULT_PARAM = "access_token";

    public JwtRule {
      requireNonNull(issuer, "issuer");
      audiences = List.copyOf(audiences);
      fromHeaders = List.copyOf(fromHeaders);
      fromParams = List.copyOf(fromParams);
      fromCookies = List.copyOf(fromCookies);
      outputClaimToHeaders = List.copyOf(outputClaimToHeaders);
      requireNonNull(timeout, "timeout");
    }

    /** True when no location is given: the defaults apply. */
    public boolean defaultLocations() {
      return fromHeaders.isEmpty() && fromParams.isEmpty() && fromCookies.isEmpty();
    }
  }

  /** {@code fromHeaders[]}: a header and the prefix before the token ({@code "Bearer "}; may be empty). */
  public record TokenHeader(String name, String prefix) {
    public TokenHeader {
      requireNonNull(name, "name");
      requireNonNull(prefix, "prefix");
    }
  }

  /** {@code outputClaimToHeaders[]}: a header to set from a claim of the validated token. */
  public record ClaimToHeader(String header, String claim) {
    public ClaimToHeader {
      requireNonNull(header, "header");
      requireNonNull(claim, "claim");
    }
  }
}
