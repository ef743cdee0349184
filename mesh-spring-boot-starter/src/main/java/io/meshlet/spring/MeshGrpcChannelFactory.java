package io.meshlet.spring;

import static java.util.Objects.requireNonNull;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.meshlet.core.Mesh;
import io.meshlet.grpc.MeshGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.grpc.client.ChannelBuilderOptions;
import org.springframework.grpc.client.ClientInterceptorsConfigurer;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * Spring gRPC's channel factory with the mesh in front: a channel for a mesh target (an authority,
 * {@code reviews:9080} or {@code reviews}, as {@link MeshGrpc#newChannelBuilder} takes it) is a mesh
 * channel, with Spring gRPC's global interceptors, the application's {@link
 * GrpcChannelBuilderCustomizer} beans and the call's own options applied as Boot's factory applies
 * them; every other target (one with a scheme such as {@code dns:///} or {@code in-process:}, or a
 * channel named under {@code spring.grpc.client.channels}) goes to Boot's factory unchanged. It
 * wraps Boot's factory rather than replacing it, because Boot backs off its own factory when
 * another {@link GrpcChannelFactory} bean exists.
 */
final class MeshGrpcChannelFactory implements GrpcChannelFactory, DisposableBean {
  private final GrpcChannelFactory boot;
  private final Supplier<Mesh> mesh;
  private final Interceptors interceptors;
  private final Supplier<List<GrpcChannelBuilderCustomizer<?>>> customizers;
  private final Environment environment;
  private final List<Owned> channels = new ArrayList<>();

  private record Owned(ManagedChannel channel, Duration gracePeriod) {}

  MeshGrpcChannelFactory(GrpcChannelFactory boot, Supplier<Mesh> mesh, ApplicationContext context,
      Supplier<List<GrpcChannelBuilderCustomizer<?>>> customizers) {
    this.boot = requireNonNull(boot, "boot");
    this.mesh = requireNonNull(mesh, "mesh");
    this.interceptors = new Interceptors(context);
    this.customizers = customizers;
    this.environment = context.getEnvironment();
  }

  /** Whether {@code target} is a mesh target: an authority without a scheme that no Boot channel is named. */
  boolean meshed(String target) {
    int colon = target.indexOf(':');
    boolean scheme = colon >= 0 && !target.substring(colon + 1).chars().allMatch(Character::isDigit);
    return !target.isEmpty() && !scheme && target.indexOf('/') < 0
        && !environment.containsProperty("spring.grpc.client.channels." + target + ".target");
  }

  @Override
  public boolean supports(String target) {
    return meshed(target) || boot.supports(target);
  }

  @Override
  public boolean supports(ClientInterceptor interceptor) {
    return boot.supports(interceptor);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public ManagedChannel createChannel(String target, ChannelBuilderOptions options) {
    if (!meshed(target)) {
      return boot.createChannel(target, options);
    }
    ManagedChannelBuilder builder = MeshGrpc.newChannelBuilder(mesh.get(), target);
    interceptors.configure(builder, options.interceptors(), options.mergeWithGlobalInterceptors(), this);
    for (GrpcChannelBuilderCustomizer c : customizers.get()) {
      c.customize(target, builder);
    }
    GrpcChannelBuilderCustomizer own = options.customizer();
    if (own != null) {
      own.customize(target, builder);
    }
    ManagedChannel channel = builder.build();
    synchronized (channels) {
      channels.add(new Owned(channel, options.shutdownGracePeriod()));
    }
    return channel;
  }

  /** Shuts the mesh channels down, each within its grace period, then Boot's factory. */
  @Override
  public void destroy() throws Exception {
    List<Owned> owned;
    synchronized (channels) {
      owned = List.copyOf(channels);
      channels.clear();
    }
    owned.forEach(o -> o.channel().shutdown());
    try {
      for (Owned o : owned) {
        if (!o.channel().awaitTermination(o.gracePeriod().toMillis(), TimeUnit.MILLISECONDS)) {
          o.channel().shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      owned.forEach(o -> o.channel().shutdownNow());
      Thread.currentThread().interrupt();
    } finally {
      if (boot instanceof DisposableBean d) {
        d.destroy();
      }
    }
  }

  /** Spring gRPC's own interceptor rule (global interceptors first, ordered, filtered by the factory), through its protected API. */
  private static final class Interceptors extends ClientInterceptorsConfigurer {
    Interceptors(ApplicationContext context) {
      super(context);
      afterPropertiesSet();
    }

    void configure(ManagedChannelBuilder<?> builder, List<ClientInterceptor> given, boolean merge, GrpcChannelFactory factory) {
      configureInterceptors(builder, given, merge, factory);
    }
  }
}
