package io.meshlet.spring;

import io.meshlet.core.Mesh;
import io.meshlet.core.explain.ExplainRequest;
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
 * mesh's explanation of where that request would go. Read-only.
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
   * {@code routes}, {@code clusters}, {@code configdump} or {@code explain}. Over HTTP, {@code explain} takes the
   * request's headers from the {@code header.*} query parameters (an actuator operation can only
   * declare named parameters, so they are read from the servlet request).
   */
  @ReadOperation
  public @Nullable Map<String, Object> part(@Selector String part, @Nullable String url, @Nullable String method) {
    return switch (part) {
      case "routes" -> MeshViews.routes(mesh);
      case "clusters" -> MeshViews.clusters(mesh);
      case "configdump" -> MeshViews.configDump(mesh);
      case "explain" -> explain(url, method);
      default -> null;
    };
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
