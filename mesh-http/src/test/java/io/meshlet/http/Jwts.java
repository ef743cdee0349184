package io.meshlet.http;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

/** Keys and tokens made in the test with nimbus-jose-jwt: RS256 and ES256, for issuer {@link #ISSUER}. */
final class Jwts {
  static final String ISSUER = "https://issuer.example.com";

  private Jwts() {}

  static RSAKey rsa(String kid) throws Exception {
    return new RSAKeyGenerator(2048).keyID(kid).generate();
  }

  static ECKey ec(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  static String jwks(JWK... keys) {
    return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
  }

  /** A token for subject alice, audience reviews, valid for an hour from {@code now}, edited by {@code edit}. */
  static String token(JWK key, Instant now, Consumer<JWTClaimsSet.Builder> edit) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience("reviews")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    edit.accept(claims);
    SignedJWT jwt;
    if (key instanceof RSAKey rsa) {
      jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims.build());
      jwt.sign(new RSASSASigner(rsa));
    } else {
      ECKey ec = (ECKey) key;
      jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims.build());
      jwt.sign(new ECDSASigner(ec));
    }
    return jwt.serialize();
  }
}
