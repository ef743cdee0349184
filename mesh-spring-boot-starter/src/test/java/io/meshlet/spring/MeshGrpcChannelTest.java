package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.meshlet.spring.app.ProductPage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.GlobalClientInterceptor;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Spring gRPC's channel factory in a Boot app makes mesh channels for mesh targets: a header route
 * of the VirtualService picks the backend (two real gRPC servers on loopback), the app's global
 * client interceptor still runs, and a target with a scheme goes to Boot's own factory untouched.
 */
@SpringBootTest(classes = {ProductPage.class, MeshGrpcChannelTest.Interceptor.class},
    webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "spring.application.name=productpage",
        "mesh.labels.app=productpage",
        "spring.grpc.server.enabled=false"})
class MeshGrpcChannelTest {
  static final MethodDescriptor<String, String> WHO = MeshGrpcServerTest.method("Who");
  static final Server V1 = server("v1");
  static final Server V2 = server("v2");
  static final Metadata.Key<String> END_USER = Metadata.Key.of("end-user", Metadata.ASCII_STRING_MARSHALLER);

  @Autowired GrpcChannelFactory channels;
  @Autowired Interceptor interceptor;

  @DynamicPropertySource
  static void meshConfig(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("grpc-channels");
    registry.add("mesh.config.files", () -> Bookinfo.write(dir.resolve("mesh.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: echo}
        spec:
          hosts: [echo]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9090, name: grpc, protocol: GRPC}]
          endpoints:
          - {address: 127.0.0.1, ports: {grpc: %d}, labels: {version: v1}}
          - {address: 127.0.0.1, ports: {grpc: %d}, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: echo}
        spec:
          host: echo
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: echo}
        spec:
          hosts: [echo]
          http:
          - match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: echo, subset: v2}}]
          - route: [{destination: {host: echo, subset: v1}}]
        """.formatted(V1.getPort(), V2.getPort())).toString());
  }

  @AfterAll
  static void stopServers() throws InterruptedException {
    V1.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    V2.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aMeshTargetIsRoutedByTheVirtualServiceWithTheGlobalInterceptor() {
    ManagedChannel channel = channels.createChannel("echo:9090");
    int before = interceptor.calls.get();
    Metadata jason = new Metadata();
    jason.put(END_USER, "jason");
    for (int i = 0; i < 5; i++) {
      assertThat(ClientCalls.blockingUnaryCall(channel, WHO, CallOptions.DEFAULT, "hi")).isEqualTo("v1");
      assertThat(ClientCalls.blockingUnaryCall(
          io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(jason)),
          WHO, CallOptions.DEFAULT, "hi")).isEqualTo("v2");
    }
    assertThat(interceptor.calls.get() - before).as("the global client interceptor ran on each call").isEqualTo(10);
  }

  @Test
  void aTargetWithASchemeGoesToBootsFactory() {
    ManagedChannel channel = channels.createChannel("dns:///127.0.0.1:" + V2.getPort());
    // Not routed by the mesh (which would send a call without end-user to v1): straight to the address.
    assertThat(ClientCalls.blockingUnaryCall(channel, WHO, CallOptions.DEFAULT, "hi")).isEqualTo("v2");
  }

  @TestConfiguration
  static class Interceptor {
    final AtomicInteger calls = new AtomicInteger();

    @Bean
    @GlobalClientInterceptor
    ClientInterceptor counting() {
      return new ClientInterceptor() {
        @Override
        public <Q, S> ClientCall<Q, S> interceptCall(MethodDescriptor<Q, S> method, CallOptions options, Channel next) {
          calls.incrementAndGet();
          return next.newCall(method, options);
        }
      };
    }
  }

  private static Server server(String name) {
    try {
      return Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
          .addService(ServerServiceDefinition.builder("test.Echo")
              .addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
                response.onNext(name);
                response.onCompleted();
              }))
              .build())
          .build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
