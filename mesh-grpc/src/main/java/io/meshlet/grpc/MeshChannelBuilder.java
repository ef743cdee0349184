package io.meshlet.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.BinaryLog;
import io.grpc.ChannelConfigurator;
import io.grpc.ClientInterceptor;
import io.grpc.ClientTransportFilter;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolver;
import io.grpc.ProxyDetector;
import io.meshlet.core.Mesh;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The builder {@link MeshGrpc#newChannelBuilder} returns. The mesh builds a real grpc-java channel
 * per kind of transport a call may need (plaintext, each {@code DestinationRule tls} setting, the
 * caller's target directly); so transport settings given here (keep-alive, message sizes,
 * executors, user agent, ...) are recorded and applied to each of them. Interceptors wrap the mesh
 * channel: they run once per call, before the mesh routes it, not once per try.
 *
 * <p>Name resolution, load balancing and retries are the mesh's: {@code nameResolverFactory} and
 * {@code defaultLoadBalancingPolicy} are refused, gRPC's own retry settings and service config are
 * ignored (the VirtualService's {@code retries} apply).
 */
final class MeshChannelBuilder extends ManagedChannelBuilder<MeshChannelBuilder> {
  final Mesh mesh;
  final Target target;
  final List<Consumer<ManagedChannelBuilder<?>>> transport = new ArrayList<>();
  final List<ClientInterceptor> interceptors = new ArrayList<>();
  @Nullable Executor executor;
  boolean transportSecurity;
  @Nullable String overrideAuthority;

  MeshChannelBuilder(Mesh mesh, Target target) {
    this.mesh = mesh;
    this.target = target;
  }

  private MeshChannelBuilder record(Consumer<ManagedChannelBuilder<?>> setting) {
    transport.add(setting);
    return this;
  }

  @Override
  public MeshChannelBuilder directExecutor() {
    this.executor = Runnable::run;
    return record(ManagedChannelBuilder::directExecutor);
  }

  @Override
  public MeshChannelBuilder executor(Executor executor) {
    this.executor = requireNonNull(executor, "executor");
    return record(b -> b.executor(executor));
  }

  @Override
  public MeshChannelBuilder offloadExecutor(Executor executor) {
    return record(b -> b.offloadExecutor(executor));
  }

  @Override
  public MeshChannelBuilder intercept(List<ClientInterceptor> interceptors) {
    this.interceptors.addAll(interceptors);
    return this;
  }

  @Override
  public MeshChannelBuilder intercept(ClientInterceptor... interceptors) {
    return intercept(Arrays.asList(interceptors));
  }

  @Override
  public MeshChannelBuilder addTransportFilter(ClientTransportFilter filter) {
    return record(b -> b.addTransportFilter(filter));
  }

  @Override
  public MeshChannelBuilder userAgent(String userAgent) {
    return record(b -> b.userAgent(userAgent));
  }

  /** The authority calls carry (and routing sees) instead of the target's; {@code rewrite.authority} still wins. */
  @Override
  public MeshChannelBuilder overrideAuthority(String authority) {
    this.overrideAuthority = requireNonNull(authority, "authority");
    return this;
  }

  /** The default: the mesh decides TLS per destination ({@code DestinationRule tls}). */
  @Override
  public MeshChannelBuilder usePlaintext() {
    this.transportSecurity = false;
    return this;
  }

  /**
   * Calls the mesh does not secure itself (a host it does not know, or a destination without
   * {@code DestinationRule tls}) go over TLS trusting the JVM's roots, as a plain gRPC channel
   * with transport security would.
   */
  @Override
  public MeshChannelBuilder useTransportSecurity() {
    this.transportSecurity = true;
    return this;
  }

  @Override
  @SuppressWarnings("deprecation")
  public MeshChannelBuilder nameResolverFactory(NameResolver.Factory resolverFactory) {
    throw new UnsupportedOperationException("nameResolverFactory: the mesh resolves " + target.authority()
        + " (its ServiceEntry, xDS or Consul endpoints)");
  }

  @Override
  public MeshChannelBuilder defaultLoadBalancingPolicy(String policy) {
    throw new UnsupportedOperationException("defaultLoadBalancingPolicy: " + policy
        + " (the mesh balances calls: DestinationRule trafficPolicy.loadBalancer)");
  }

  @Override
  public MeshChannelBuilder decompressorRegistry(DecompressorRegistry registry) {
    return record(b -> b.decompressorRegistry(registry));
  }

  @Override
  public MeshChannelBuilder compressorRegistry(CompressorRegistry registry) {
    return record(b -> b.compressorRegistry(registry));
  }

  @Override
  public MeshChannelBuilder idleTimeout(long value, TimeUnit unit) {
    return record(b -> b.idleTimeout(value, unit));
  }

  @Override
  public MeshChannelBuilder maxInboundMessageSize(int bytes) {
    return record(b -> b.maxInboundMessageSize(bytes));
  }

  @Override
  public MeshChannelBuilder maxInboundMetadataSize(int bytes) {
    return record(b -> b.maxInboundMetadataSize(bytes));
  }

  @Override
  public MeshChannelBuilder keepAliveTime(long keepAliveTime, TimeUnit timeUnit) {
    return record(b -> b.keepAliveTime(keepAliveTime, timeUnit));
  }

  @Override
  public MeshChannelBuilder keepAliveTimeout(long keepAliveTimeout, TimeUnit timeUnit) {
    return record(b -> b.keepAliveTimeout(keepAliveTimeout, timeUnit));
  }

  @Override
  public MeshChannelBuilder keepAliveWithoutCalls(boolean enable) {
    return record(b -> b.keepAliveWithoutCalls(enable));
  }

  /** Ignored: the mesh retries ({@code VirtualService retries}). */
  @Override
  public MeshChannelBuilder maxRetryAttempts(int maxRetryAttempts) {
    return this;
  }

  /** Ignored: the mesh does not hedge. */
  @Override
  public MeshChannelBuilder maxHedgedAttempts(int maxHedgedAttempts) {
    return this;
  }

  @Override
  public MeshChannelBuilder retryBufferSize(long bytes) {
    return this;
  }

  @Override
  public MeshChannelBuilder perRpcBufferLimit(long bytes) {
    return this;
  }

  @Override
  public MeshChannelBuilder disableRetry() {
    return this;
  }

  /** Ignored: the mesh retries; gRPC's own retries stay off so a call is not retried twice over. */
  @Override
  public MeshChannelBuilder enableRetry() {
    return this;
  }

  @Override
  public MeshChannelBuilder setBinaryLog(BinaryLog binaryLog) {
    return record(b -> b.setBinaryLog(binaryLog));
  }

  @Override
  public MeshChannelBuilder maxTraceEvents(int maxTraceEvents) {
    return record(b -> b.maxTraceEvents(maxTraceEvents));
  }

  @Override
  public MeshChannelBuilder proxyDetector(ProxyDetector proxyDetector) {
    return record(b -> b.proxyDetector(proxyDetector));
  }

  /** Ignored: load balancing and retries come from the mesh's config, not a gRPC service config. */
  @Override
  public MeshChannelBuilder defaultServiceConfig(@Nullable Map<String, ?> serviceConfig) {
    return this;
  }

  @Override
  public MeshChannelBuilder disableServiceConfigLookUp() {
    return this;
  }

  @Override
  public <X> MeshChannelBuilder setNameResolverArg(NameResolver.Args.Key<X> key, X value) {
    return record(b -> b.setNameResolverArg(key, value));
  }

  @Override
  public MeshChannelBuilder childChannelConfigurator(ChannelConfigurator configurator) {
    return record(b -> b.childChannelConfigurator(configurator));
  }

  @Override
  public ManagedChannel build() {
    return new MeshChannel(this);
  }
}
