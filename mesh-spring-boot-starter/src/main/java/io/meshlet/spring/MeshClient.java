package io.meshlet.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An interface of Spring HTTP interface methods ({@code @GetExchange}, {@code @PostExchange}, ...)
 * that calls a mesh service. The starter makes it a bean backed by a {@code RestClient} over the
 * mesh's OkHttp client: every call is routed, balanced, retried and timed out by the mesh, and its
 * bodies are converted by Spring Boot's message converters (Jackson 3 for JSON).
 *
 * <pre>{@code
 * @MeshClient(service = "reviews")
 * interface Reviews {
 *   @GetExchange("/reviews/{id}") ReviewList get(@PathVariable int id);
 * }
 * }</pre>
 *
 * <p>Interfaces are found in the application's packages (those of its {@code @SpringBootApplication}),
 * or in those {@link EnableMeshClients} names.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MeshClient {
  /** The service's host as the mesh knows it: {@code reviews}, {@code reviews.default.svc.cluster.local}, {@code api.example.com}. */
  String service();

  /**
   * The service's port; {@code 0} (the default) when the service has a single port, which then takes
   * the call whatever port the URL names.
   */
  int port() default 0;

  /** {@code http} (the default), or {@code https} for a service outside the mesh that terminates TLS itself. */
  String scheme() default "http";
}
