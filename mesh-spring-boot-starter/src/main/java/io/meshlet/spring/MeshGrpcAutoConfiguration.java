package io.meshlet.spring;

import io.grpc.ServerInterceptor;
import io.meshlet.core.Mesh;
import io.meshlet.grpc.MeshGrpc;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;

/**
 * With Spring gRPC and {@code mesh-grpc} on the classpath: {@link MeshGrpc#serverInterceptor} on
 * every service of the application's gRPC server, as a global interceptor of the highest
 * precedence. Channels are not meshed here (see {@code docs/spring-boot.md}).
 */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnClass({MeshGrpc.class, GlobalServerInterceptor.class})
@ConditionalOnBean(Mesh.class)
@ConditionalOnBooleanProperty(name = "mesh.server.grpc-interceptor", matchIfMissing = true)
public class MeshGrpcAutoConfiguration {
  @Bean
  @GlobalServerInterceptor
  @Order(Ordered.HIGHEST_PRECEDENCE)
  ServerInterceptor meshServerInterceptor(Mesh mesh) {
    return MeshGrpc.serverInterceptor(mesh);
  }
}
