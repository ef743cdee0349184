package io.meshlet.core.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.meshlet.core.model.RequestAuthentication;
import io.meshlet.core.model.RequestAuthentication.JwtRule;
import io.meshlet.core.model.ResourceId;
import java.net.URI;
import java.security.Key;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One {@code jwtRules[]} entry, compiled: checks a token as Envoy's {@code jwt_authn} provider does,
 * in its order — issuer, time ({@code exp}, {@code nbf}, with Envoy's 60 s clock skew), audiences,
 * then the signature with a key of the set (by {@code kid} when the token names one). Signatures
 * are verified by nimbus-jose-jwt; {@code alg: none} and algorithms without a verifier are refused.
 */
final class JwtProvider {
  /** Envoy's default {@code clock_skew_seconds}. */
  static final long CLOCK_SKEW_SECONDS = 60;
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.copyOf(union(JWSAlgorithm.Family.RSA,
      JWSAlgorithm.Family.EC, JWSAlgorithm.Family.HMAC_SHA));
  private static final DefaultJWSVerifierFactory VERIFIERS = new DefaultJWSVerifierFactory();

  final ResourceId source;
  final JwtRule rule;
  final List<TokenLocation> locations;
  private final @Nullable JWKSet inline;
  private final JwtKeys.@Nullable Remote remote;
  private final JwtKeys keys;

  JwtProvider(RequestAuthentication ra, JwtRule rule, JwtKeys keys) {
    this.source = ra.id();
    this.rule = rule;
    this.locations = TokenLocation.of(rule);
    this.keys = keys;
    JWKSet set = null;
    if (rule.jwks() != null) {
      try {
        set = JWKSet.parse(rule.jwks());
      } catch (ParseException e) {
        throw new IllegalArgumentException("jwks: " + e.getMessage(), e);
      }
    }
    this.inline = set;
    this.remote = set == null && rule.jwksUri() != null ? keys.remote(URI.create(rule.jwksUri()), rule.timeout()) : null;
  }

  /** Why {@code jwks} is not a JSON Web Key Set nimbus can read, or null if it is one. */
  static @Nullable String jwksProblem(String jwks) {
    try {
      JWKSet set = JWKSet.parse(jwks);
      return set.getKeys().isEmpty() ? "no keys (expected: a JSON Web Key Set with at least one key)" : null;
    } catch (ParseException e) {
      return "not a JSON Web Key Set (" + e.getMessage() + ")";
    }
  }

  /** The token's failure, or null when it is valid for this provider (its issuer already matched). */
  @Nullable JwtStatus verify(SignedJWT jwt, JWTClaimsSet claims) {
    Instant now = keys.clock().instant();
    Date exp = claims.getExpirationTime();
    if (exp != null && now.getEpochSecond() > exp.toInstant().getEpochSecond() + CLOCK_SKEW_SECONDS) {
      return JwtStatus.EXPIRED;
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.getEpochSecond() + CLOCK_SKEW_SECONDS < nbf.toInstant().getEpochSecond()) {
      return JwtStatus.NOT_YET_VALID;
    }
    if (!rule.audiences().isEmpty() && !audienceAllowed(claims.getAudience())) {
      return JwtStatus.AUDIENCE_NOT_ALLOWED;
    }
    JWSHeader header = jwt.getHeader();
    if (!ALGORITHMS.contains(header.getAlgorithm())) {
      return JwtStatus.ALG_NOT_SUPPORTED;
    }
    JWKSet set = inline != null ? inline : remote != null ? remote.keys() : null;
    if (set == null) {
      return JwtStatus.JWKS_FETCH_FAILED;
    }
    boolean anyKey = false;
    for (JWK jwk : set.getKeys()) {
      if (header.getKeyID() != null && !header.getKeyID().equals(jwk.getKeyID())) {
        continue;
      }
      if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(header.getAlgorithm())) {
        continue;
      }
      Key key = key(jwk, header.getAlgorithm());
      if (key == null) {
        continue;
      }
      anyKey = true;
      try {
        JWSVerifier verifier = VERIFIERS.createJWSVerifier(header, key);
        if (jwt.verify(verifier)) {
          return null;
        }
      } catch (JOSEException | RuntimeException e) {
        // a key that cannot verify this token: try the next one
      }
    }
    if (!anyKey) {
      if (remote != null) {
        remote.keyMissing();
      }
      return JwtStatus.KID_ALG_MISMATCH;
    }
    return JwtStatus.VERIFICATION_FAILS;
  }

  private boolean audienceAllowed(@Nullable List<String> audiences) {
    if (audiences == null) {
      return false;
    }
    for (String a : audiences) {
      if (rule.audiences().contains(a)) {
        return true;
      }
    }
    return false;
  }

  /** The verification key of {@code jwk} for {@code alg}, or null when the key's type does not fit. */
  private static @Nullable Key key(JWK jwk, JWSAlgorithm alg) {
    try {
      if (jwk instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
        return rsa.toRSAPublicKey();
      }
      if (jwk instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
        return ec.toECPublicKey();
      }
      if (jwk instanceof OctetSequenceKey oct && JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
        return oct.toSecretKey();
      }
    } catch (JOSEException e) {
      return null;
    }
    return null;
  }

  @SafeVarargs
  private static <T> java.util.Set<T> union(java.util.Set<T>... sets) {
    java.util.Set<T> out = new java.util.HashSet<>();
    for (java.util.Set<T> s : sets) {
      out.addAll(s);
    }
    return out;
  }
}
