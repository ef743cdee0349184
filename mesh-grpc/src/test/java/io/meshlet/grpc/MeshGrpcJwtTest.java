package io.meshlet.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.meshlet.core.Mesh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RequestAuthentication and JWT-based AuthorizationPolicy on a real grpc-java server through the
 * mesh's interceptor: the same core pipeline as the servlet filter, the adapter only supplying the
 * metadata. A refused token closes the call UNAUTHENTICATED with Envoy's text.
 */
class MeshGrpcJwtTest {
  static final String ISSUER = "https://issuer.example.com";
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> SUB = Metadata.Key.of("x-jwt-sub", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;
  RSAKey rsa;
  ECKey ec;
  Mesh mesh;
  GrpcBackend reviews;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    String jwks = new JWKSet(List.of(rsa, ec)).toPublicJWKSet().toString();
    Path config = Files.writeString(dir.resolve("mesh.yaml"), """
        apiVersion: security.istio.io/v1beta1
        kind: RequestAuthentication
        metadata: {name: issuer, namespace: default}
        spec:
          jwtRules:
          - issuer: "%s"
            jwks: '%s'
            outputClaimToHeaders: [{header: x-jwt-sub, claim: sub}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: admins, namespace: default}
        spec:
          rules:
          - when: [{key: "request.auth.claims[roles]", values: [admin]}]
        """.formatted(ISSUER, jwks));
    mesh = Mesh.builder().workload("reviews").configFile(config).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    reviews = new GrpcBackend("reviews", InsecureServerCredentials.create(), MeshGrpc.serverInterceptor(mesh));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", reviews.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    reviews.close();
    mesh.close();
  }

  static String token(JWK key, Consumer<JWTClaimsSet.Builder> edit) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice")
        .expirationTime(Date.from(NOW.plusSeconds(3600)));
    edit.accept(claims);
    SignedJWT jwt;
    if (key instanceof RSAKey r) {
      jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(r.getKeyID()).build(), claims.build());
      jwt.sign(new RSASSASigner(r));
    } else {
      jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims.build());
      jwt.sign(new ECDSASigner((ECKey) key));
    }
    return jwt.serialize();
  }

  private String who(String token) {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(AUTHORIZATION, "Bearer " + token);
    }
    io.grpc.Channel intercepted = io.grpc.ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(headers));
    return ClientCalls.blockingUnaryCall(intercepted, Echo.WHO, io.grpc.CallOptions.DEFAULT, "hi");
  }

  @Test
  void aValidTokenWithTheClaimIsServedWithoutItsHeader() throws Exception {
    assertThat(who(token(ec, c -> c.claim("roles", List.of("admin"))))).contains("reviews");
    assertThat(reviews.lastHeaders().get(AUTHORIZATION)).as("the token is not forwarded").isNull();
    assertThat(reviews.lastHeaders().get(SUB)).isEqualTo("alice");
    assertThat(who(token(rsa, c -> c.claim("roles", "admin")))).contains("reviews");
  }

  @Test
  void refusedTokensAndMissingClaimsCloseTheCall() throws Exception {
    assertThatThrownBy(() -> who(token(rsa, c -> c.expirationTime(Date.from(NOW.minusSeconds(3600))))))
        .isInstanceOf(StatusRuntimeException.class).hasMessage("UNAUTHENTICATED: Jwt is expired");
    assertThatThrownBy(() -> who(token(new RSAKeyGenerator(2048).keyID("rsa-1").generate(), c -> {})))
        .hasMessage("UNAUTHENTICATED: Jwt verification fails");
    assertThatThrownBy(() -> who(token(rsa, c -> c.claim("roles", List.of("dev")))))
        .hasMessage("PERMISSION_DENIED: RBAC: access denied");
    assertThatThrownBy(() -> who(null)).as("no token: no claims, so the ALLOW policy does not match")
        .hasMessage("PERMISSION_DENIED: RBAC: access denied");
  }
}
