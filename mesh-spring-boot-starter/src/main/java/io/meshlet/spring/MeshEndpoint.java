package io.meshlet.spring;

import io.meshlet.core.Mesh;
import io.meshlet.core.explain.ExplainRequest;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.security.DescribedInboundRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * {@code /actuator/mesh}: the workload, the snapshot in force, each source's state and the last
 * rejection with its errors; {@code /actuator/mesh/routes}, {@code /actuator/mesh/clusters},
 * {@code /actuator/mesh/configdump} (every resource in force and each source's own dump); and
 * {@code /actuator/mesh/explain?url=http://reviews:9080/r&method=GET&header.end-user=jason}, the
 * mesh's explanation of where that request would go; {@code
 * /actuator/mesh/explain-inbound?path=/admin&principal=cluster.local/ns/default/sa/reviews}, whether
 * a call to this workload would be allowed and why. Read-only.
 */
@Endpoint(id = "mesh", defaultAccess = Access.READ_ONLY)
public class MeshEndpoint {
  /** The query parameter prefix of request headers for {@code explain}: {@code header.end-user=jason}. */
  public static final String HEADER_PARAMETER_PREFIX = "header.";

  private final Mesh mesh;

  public MeshEndpoint(Mesh mesh) {
    this.mesh = mesh;
  }

  @ReadOperation
  public Map<String, Object> mesh() {
    return MeshViews.overview(mesh);
  }

  /**
   * {@code routes}, {@code clusters}, {@code configdump}, {@code explain} or {@code explain-inbound}.
   * Over HTTP, both explains take the request's headers from the {@code header.*} query parameters
   * (an actuator operation can only declare named parameters, so they are read from the servlet
   * request).
   */
  @ReadOperation
  public @Nullable Map<String, Object> part(@Selector String part, @Nullable String url, @Nullable String method,
      @Nullable String path, @Nullable String principal, @Nullable String source, @Nullable Integer port,
      @Nullable String host) {
    return switch (part) {
      case "routes" -> MeshViews.routes(mesh);
      case "clusters" -> MeshViews.clusters(mesh);
      case "configdump" -> MeshViews.configDump(mesh);
      case "explain" -> explain(url, method);
      case "explain-inbound" -> explainInbound(path, method, principal, source, port, host);
      default -> null;
    };
  }

  /**
   * Both explains as plain text, for a terminal ({@code curl -H 'Accept: text/plain' ...}): the
   * same explanation as the JSON's {@code text} field. Other parts have no text form.
   */
  @ReadOperation(produces = "text/plain")
  public @Nullable String partText(@Selector String part, @Nullable String url, @Nullable String method,
      @Nullable String path, @Nullable String principal, @Nullable String source, @Nullable Integer port,
      @Nullable String host) {
    return switch (part) {
      case "explain" -> (String) explain(url, method).get("text");
      case "explain-inbound" -> (String) explainInbound(path, method, principal, source, port, host).get("text");
      default -> null;
    };
  }

  /**
   * Whether a call to this workload would be allowed: {@code path} (required), {@code method}
   * ({@code GET}), {@code principal} (the caller's SPIFFE identity, {@code
   * cluster.local/ns/default/sa/reviews}; none: a plaintext call), {@code source} (its address,
   * {@code 127.0.0.1}), {@code port} (the port it arrives on, 0: none in particular), {@code host}
   * (the workload's name) and {@code header.*}.
   */
  private Map<String, Object> explainInbound(@Nullable String path, @Nullable String method, @Nullable String principal,
      @Nullable String source, @Nullable Integer port, @Nullable String host) {
    if (path == null || path.isBlank()) {
      String message = "path: missing (expected: ?path=/reviews/1&method=GET&principal=cluster.local/ns/default/sa/productpage)";
      throw new InvalidEndpointRequestException(message, message);
    }
    SpiffeId peer = null;
    if (principal != null && !principal.isBlank()) {
      peer = SpiffeId.parse(principal.startsWith("spiffe://") ? principal : "spiffe://" + principal);
      if (peer == null) {
        String message = "principal: " + principal + " (expected: trust-domain/ns/NAMESPACE/sa/ACCOUNT)";
        throw new InvalidEndpointRequestException(message, message);
      }
    }
    DescribedInboundRequest request;
    try {
      request = new DescribedInboundRequest(peer, peer != null, source == null ? "127.0.0.1" : source,
          port == null ? 0 : port, host == null ? mesh.workload().name() : host, method == null ? "GET" : method, path,
          requestHeaders());
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
    }
    return MeshViews.inboundExplanation(mesh.explainInbound(request));
  }

  private Map<String, Object> explain(@Nullable String url, @Nullable String method) {
    if (url == null || url.isBlank()) {
      String message = "url: missing (expected: ?url=http://reviews:9080/path&method=GET&header.end-user=jason)";
      throw new InvalidEndpointRequestException(message, message);
    }
    ExplainRequest request;
    try {
      request = ExplainRequest.of(method == null ? "GET" : method, url, requestHeaders());
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
    }
    return MeshViews.explanation(mesh.explain(request));
  }

  private static Map<String, String> requestHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (attributes instanceof ServletRequestAttributes servlet) {
      servlet.getRequest().getParameterMap().forEach((name, values) -> {
        if (name.startsWith(HEADER_PARAMETER_PREFIX) && values.length > 0) {
          headers.put(name.substring(HEADER_PARAMETER_PREFIX.length()), values[0]);
        }
      });
    }
    return headers;
  }
}
