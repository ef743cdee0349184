package io.meshlet.spring;

import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.meshlet.core.Mesh;
import io.meshlet.grpc.MeshGrpc;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.client.CompositeGrpcChannelFactory;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.grpc.client.InProcessGrpcChannelFactory;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.ServerBuilderCustomizer;

/**
 * With Spring gRPC and {@code mesh-grpc} on the classpath: {@link MeshGrpc#serverInterceptor} on
 * every service of the application's gRPC server, as a global interceptor of the highest
 * precedence, and {@link MeshGrpc#serverStreamTracer} on its builder; and Boot's gRPC channel factory
 * wrapped in a {@link MeshGrpcChannelFactory}, so that channels (and stubs) for mesh targets such as
 * {@code reviews:9080} are mesh channels. With Boot's gRPC server auto-configuration too, that server
 * serves mutual TLS with the mesh's certificate ({@link MeshGrpcServerTls}).
 */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnClass({MeshGrpc.class, GlobalServerInterceptor.class})
@ConditionalOnBean(Mesh.class)
public class MeshGrpcAutoConfiguration {
  @Bean
  @ConditionalOnBooleanProperty(name = "mesh.server.grpc-interceptor", matchIfMissing = true)
  @GlobalServerInterceptor
  @Order(Ordered.HIGHEST_PRECEDENCE)
  ServerInterceptor meshServerInterceptor(Mesh mesh) {
    return MeshGrpc.serverInterceptor(mesh);
  }

  /**
   * {@link MeshGrpc#serverStreamTracer} on the application's gRPC server, so that the interceptor
   * reports served calls' body bytes ({@code istio_request_bytes}, {@code istio_response_bytes} on
   * {@code reporter="destination"}); on and off with the interceptor.
   */
  @Bean
  @ConditionalOnBooleanProperty(name = "mesh.server.grpc-interceptor", matchIfMissing = true)
  @SuppressWarnings({"rawtypes", "unchecked"})
  ServerBuilderCustomizer meshServerStreamTracer(Mesh mesh) {
    ServerStreamTracer.Factory tracer = MeshGrpc.serverStreamTracer(mesh);
    return builder -> builder.addStreamTracerFactory(tracer);
  }

  /**
   * Wraps each of Boot's channel factories for real transports (not the in-process one, not the
   * composite of several) as it is created. Static, as a post-processor must be; the mesh and the
   * customizers are looked up when the first channel is made.
   */
  @Bean
  @ConditionalOnClass(GrpcChannelFactory.class)
  @ConditionalOnBooleanProperty(name = "mesh.client.grpc-channels", matchIfMissing = true)
  static BeanPostProcessor meshGrpcChannelFactories(ObjectProvider<Mesh> mesh, ApplicationContext context,
      ObjectProvider<GrpcChannelBuilderCustomizer<?>> customizers) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof GrpcChannelFactory f && !(bean instanceof MeshGrpcChannelFactory)
            && !(bean instanceof CompositeGrpcChannelFactory) && !(bean instanceof InProcessGrpcChannelFactory)) {
          return new MeshGrpcChannelFactory(f, mesh::getObject, context, () -> customizers.orderedStream().toList());
        }
        return bean;
      }
    };
  }

  /** Boot's gRPC server properties pointed at the SSL bundle {@code mesh} (see {@link MeshGrpcServerTls}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(GrpcServerProperties.class)
  @ConditionalOnBooleanProperty(name = "mesh.server.grpc-tls", matchIfMissing = true)
  static class ServerTls {
    @Bean
    static BeanPostProcessor meshGrpcServerTls(ObjectProvider<Mesh> mesh, Environment environment) {
      return new MeshGrpcServerTls(mesh::getIfAvailable, environment);
    }
  }
}
