package io.meshlet.core.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code http[].match[]}: every condition set here must hold (AND). Header names are
 * lower case. {@code port} 0 means any port. {@code sourceLabels}, {@code sourceNamespace} and
 * {@code gateways} select the calling workload and are decided when the route table is compiled.
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

  /** A match with no condition: matches every request. */
  public static HttpMatch any() {
    return new HttpMatch(null, null, null, null, null, Map.of(), Map.of(), Map.of(), 0, false, Map.of(), null, List.of());
  }
}
