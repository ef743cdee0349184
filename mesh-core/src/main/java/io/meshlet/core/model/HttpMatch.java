package io.meshlet.core.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code http[].match[]}: every condition set here must hold (AND). Header names are
 * lower case. {@code port} 0 means any port. {@code sourceLabels}, {@code sourceNamespace} and
 * {@code gateways} select the calling workload and are decided once per config, for a workload,
 * by {@link #inactiveReason}.
 */
public record HttpMatch(
    @Nullable String name,
    @Nullable StringMatch uri,
    @Nullable StringMatch scheme,
    @Nullable StringMatch method,
    @Nullable StringMatch authority,
    Map<String, StringMatch> headers,
    Map<String, StringMatch> withoutHeaders,
    Map<String, StringMatch> queryParams,
    int port,
    boolean ignoreUriCase,
    Map<String, String> sourceLabels,
    @Nullable String sourceNamespace,
    List<String> gateways) {

  public HttpMatch {
    headers = Map.copyOf(headers);
    withoutHeaders = Map.copyOf(withoutHeaders);
    queryParams = Map.copyOf(queryParams);
    sourceLabels = Map.copyOf(sourceLabels);
    gateways = List.copyOf(gateways);
  }

  /**
   * Why this block can never match a call made by a workload in {@code namespace} with {@code
   * labels}: its {@code gateways} do not include {@code mesh}, its {@code sourceLabels} do not select
   * the workload, its {@code sourceNamespace} is another, or it matches a JWT claim ({@link
   * #isJwtClaim}); null when it can match. The one rule
   * for both the route table compiler (which shows the reason in explain) and the control plane
   * (which serves a node only the blocks that can apply to it).
   */
  public @Nullable String inactiveReason(String namespace, Map<String, String> labels) {
    if (!gateways.isEmpty() && !gateways.contains("mesh")) {
      return "match gateways " + gateways + " do not include mesh";
    }
    if (!Labels.matches(sourceLabels, labels)) {
      return "sourceLabels " + sourceLabels + " do not select this workload (labels " + labels + ")";
    }
    if (sourceNamespace != null && !sourceNamespace.equals(namespace)) {
      return "sourceNamespace " + sourceNamespace + " is not this workload's namespace " + namespace;
    }
    for (String header : headers.keySet()) {
      if (isJwtClaim(header)) {
        return "headers " + header + " is a JWT claim, and an outbound call carries no validated token";
      }
    }
    return null;
  }

  /**
   * True for Istio's JWT claim keys of {@code headers} ({@code jwt.ToRoutingClaim}): {@code
   * @request.auth.claims.a.b} or {@code @request.auth.claims[a][b]}, the prefix in any case. Istio
   * matches them where it validated the token (a gateway); an outbound call has no such token, so a
   * block that needs one never matches (and the translator leaves such keys out of {@code withoutHeaders}).
   */
  public static boolean isJwtClaim(String name) {
    String prefix = "@request.auth.claims";
    if (!name.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return false;
    }
    String rest = name.substring(prefix.length());
    return rest.startsWith(".") && rest.length() > 1 || rest.startsWith("[") && rest.endsWith("]") && rest.length() > 2;
  }

  /** True if this block can match calls of a workload in {@code namespace} with {@code labels}: {@link #inactiveReason} is null. */
  public boolean activeFor(String namespace, Map<String, String> labels) {
    return inactiveReason(namespace, labels) == null;
  }

  /** A match with no condition: matches every request. */
  public static HttpMatch any() {
    return new HttpMatch(null, null, null, null, null, Map.of(), Map.of(), Map.of(), 0, false, Map.of(), null, List.of());
  }
}
