package io.meshlet.spring;

import io.meshlet.core.Mesh;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code mesh} actuator endpoint and health contributor, when the actuator is on the classpath. */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnBean(Mesh.class)
public class MeshActuatorAutoConfiguration {
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  @ConditionalOnAvailableEndpoint(MeshEndpoint.class)
  static class EndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshEndpoint meshEndpoint(Mesh mesh) {
      return new MeshEndpoint(mesh);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("mesh")
  static class HealthConfiguration {
    /** Named so the contributor is {@code mesh}. */
    @Bean
    @ConditionalOnMissingBean(name = "meshHealthIndicator")
    HealthIndicator meshHealthIndicator(Mesh mesh) {
      return new MeshHealthIndicator(mesh);
    }
  }
}
