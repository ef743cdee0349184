package io.meshlet.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwksAsyncFetch;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtClaimToHeader;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtHeader;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirementOrList;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RemoteJwks;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RequirementRule;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.meshlet.core.config.ClusterName;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.RequestAuthentication;
import io.meshlet.core.model.RequestAuthentication.ClaimToHeader;
import io.meshlet.core.model.RequestAuthentication.JwtRule;
import io.meshlet.core.model.RequestAuthentication.TokenHeader;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code envoy.filters.http.jwt_authn} filter of a node's inbound listener for the
 * RequestAuthentications that apply to it, shaped as istiod's {@code authn} policy applier writes
 * it: one provider {@code origins-<i>} per {@code jwtRules} entry (sorted by namespace and name),
 * {@code payload_in_metadata} the issuer, and one rule for prefix {@code /} requiring any provider
 * or {@code allow_missing}. Inline {@code jwks} is {@code local_jwks}; {@code jwksUri} is {@code
 * remote_jwks} with an async fetch (istiod inlines keys it fetched itself; this control plane does
 * not fetch, so the client does).
 */
final class JwtAuthnBuilder {
  static final String NAME = "envoy.filters.http.jwt_authn";

  private JwtAuthnBuilder() {}

  /** The filter, or null when no RequestAuthentication applies to the node (then none is served). */
  static @Nullable HttpFilter build(MeshConfig config, NodeKey node, String root) {
    List<RequestAuthentication> applied = config.requestAuthentications().stream()
        .filter(ra -> ra.appliesTo(node.namespace(), node.labels(), root) && ra.targetRefs().isEmpty())
        .sorted(Comparator.comparing((RequestAuthentication r) -> r.id().namespace()).thenComparing(r -> r.id().name()))
        .toList();
    JwtAuthentication.Builder f = JwtAuthentication.newBuilder();
    JwtRequirementOrList.Builder any = JwtRequirementOrList.newBuilder();
    int i = 0;
    for (RequestAuthentication ra : applied) {
      for (JwtRule rule : ra.jwtRules()) {
        String name = "origins-" + i++;
        f.putProviders(name, provider(rule));
        any.addRequirements(JwtRequirement.newBuilder().setProviderName(name));
      }
    }
    if (i == 0) {
      return null;
    }
    any.addRequirements(JwtRequirement.newBuilder().setAllowMissing(Empty.getDefaultInstance()));
    f.addRules(RequirementRule.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRequires(JwtRequirement.newBuilder().setRequiresAny(any)));
    f.setBypassCorsPreflight(true);
    return HttpFilter.newBuilder().setName(NAME).setTypedConfig(Any.pack(f.build())).build();
  }

  private static JwtProvider provider(JwtRule rule) {
    JwtProvider.Builder p = JwtProvider.newBuilder().setIssuer(rule.issuer()).addAllAudiences(rule.audiences())
        .setForward(rule.forwardOriginalToken()).setPayloadInMetadata(rule.issuer());
    if (rule.jwks() != null) {
      p.setLocalJwks(DataSource.newBuilder().setInlineString(rule.jwks()));
    } else if (rule.jwksUri() != null) {
      URI uri = URI.create(rule.jwksUri());
      int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      p.setRemoteJwks(RemoteJwks.newBuilder()
          .setHttpUri(HttpUri.newBuilder().setUri(rule.jwksUri()).setCluster(ClusterName.format(uri.getHost(), port, null))
              .setTimeout(Protos.duration(rule.timeout())))
          .setAsyncFetch(JwksAsyncFetch.getDefaultInstance()));
    }
    for (TokenHeader h : rule.fromHeaders()) {
      p.addFromHeaders(JwtHeader.newBuilder().setName(h.name()).setValuePrefix(h.prefix()));
    }
    p.addAllFromParams(rule.fromParams()).addAllFromCookies(rule.fromCookies());
    if (rule.outputPayloadToHeader() != null) {
      p.setForwardPayloadHeader(rule.outputPayloadToHeader());
    }
    for (ClaimToHeader c : rule.outputClaimToHeaders()) {
      p.addClaimToHeaders(JwtClaimToHeader.newBuilder().setHeaderName(c.header()).setClaimName(c.claim()));
    }
    return p.build();
  }
}
