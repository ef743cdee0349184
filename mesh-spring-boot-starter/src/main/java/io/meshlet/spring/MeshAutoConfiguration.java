package io.meshlet.spring;

import io.meshlet.core.Mesh;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.meshlet.http.MeshInterceptor;
import io.meshlet.http.MeshServletFilter;
import jakarta.servlet.Filter;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * One {@link Mesh} from {@code mesh.*}, the HTTP clients on it, {@link MeshClient} interfaces, the
 * SSL bundle {@code mesh}, and {@link MeshServletFilter} first in a servlet application's chain.
 * Istio's metrics go to the application's {@link MeterRegistry} and its spans to its {@link
 * OpenTelemetry}, when it has one of each ({@code mesh.telemetry.*}).
 *
 * <p>The mesh is built while the context starts: by default that waits for the first valid config and
 * fails the start naming every wrong field ({@code mesh.startup.await-first-config}). It is closed
 * when the context closes, which Spring does after the web server stopped and drained (the server's
 * graceful shutdown is a lifecycle phase; beans are destroyed after every phase has stopped).
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "mesh.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MeshProperties.class)
@Import(MeshClientsRegistrar.AutoConfigured.class)
public class MeshAutoConfiguration {
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Mesh mesh(MeshProperties properties, Environment environment, ResourceLoader resourceLoader,
      ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<OpenTelemetry> openTelemetry,
      ListableBeanFactory beans) {
    Mesh.Builder b = MeshFactory.builder(properties, environment, resourceLoader, System::getenv,
        MeshMetricsUrl.prometheusExposed(beans, environment));
    MeshProperties.Telemetry telemetry = properties.getTelemetry();
    if (telemetry.isMetrics()) {
      meterRegistry.ifUnique(b::meterRegistry);
    }
    if (telemetry.isTracing()) {
      openTelemetry.ifUnique(b::openTelemetry);
    }
    return b.build();
  }

  @Bean
  @ConditionalOnMissingBean
  MeshInterceptor meshInterceptor(Mesh mesh) {
    return MeshInterceptor.of(mesh);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  MeshHttpClients meshHttpClients(MeshInterceptor interceptor) {
    return new MeshHttpClients(interceptor);
  }

  /** Boot's auto-configured {@code RestClient.Builder} sends through the mesh. */
  @Bean
  @ConditionalOnBooleanProperty(name = "mesh.client.rest-client-builder", matchIfMissing = true)
  RestClientCustomizer meshRestClientCustomizer(MeshHttpClients clients) {
    return clients::mesh;
  }

  /** The SSL bundle {@code mesh} (the workload certificate, rotating), when the mesh has certificates. */
  @Bean
  SslBundleRegistrar meshSslBundle(Mesh mesh) {
    return new MeshSslBundle(mesh);
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({Filter.class, FilterRegistrationBean.class})
  @ConditionalOnBooleanProperty(name = "mesh.server.filter", matchIfMissing = true)
  static class Servlet {
    /** First in the chain: a denied or rate-limited call never reaches another filter or the application. */
    @Bean
    FilterRegistrationBean<MeshServletFilter> meshServletFilter(Mesh mesh) {
      FilterRegistrationBean<MeshServletFilter> registration = new FilterRegistrationBean<>(MeshServletFilter.of(mesh));
      registration.setName("meshServletFilter");
      registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
      registration.addUrlPatterns("/*");
      return registration;
    }
  }
}
