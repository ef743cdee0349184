package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.meshlet.spring.app.ProductPage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Spring gRPC's server with the mesh's interceptor on its services and its stream tracer on the
 * builder: an AuthorizationPolicy on a method name refuses that method; served calls report their bytes.
 */
@SpringBootTest(classes = {ProductPage.class, MeshGrpcServerTest.EchoService.class},
    webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "spring.application.name=productpage",
        "mesh.labels.app=productpage",
        "spring.grpc.server.port=0"})
class MeshGrpcServerTest {
  static final MethodDescriptor<String, String> WHO = method("Who");
  static final MethodDescriptor<String, String> ADMIN = method("Admin");

  @Autowired EchoService service;
  @Autowired io.micrometer.core.instrument.MeterRegistry meters;

  @DynamicPropertySource
  static void meshConfig(DynamicPropertyRegistry registry) throws IOException {
    registry.add("mesh.config.files", () -> Bookinfo.write(tempDir().resolve("mesh.yaml"), """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: no-admin}
        spec:
          selector: {matchLabels: {app: productpage}}
          action: DENY
          rules: [{to: [{operation: {paths: [/test.Echo/Admin]}}]}]
        """).toString());
  }

  @Test
  void aMethodTheAuthorizationPolicyDeniesIsRefusedAndOthersServed() throws InterruptedException {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", service.port, InsecureChannelCredentials.create()).build();
    try {
      assertThat(ClientCalls.blockingUnaryCall(channel, WHO, CallOptions.DEFAULT, "hi")).isEqualTo("productpage");
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, ADMIN, CallOptions.DEFAULT, "hi"))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).isEqualTo("RBAC: access denied");
          });
      assertThat(service.adminCalls).as("the denied call never reached the service").isZero();
      // The mesh's stream tracer is on Boot's server builder: the served call's body bytes, as Envoy counts them.
      org.awaitility.Awaitility.await().untilAsserted(() -> {
        io.micrometer.core.instrument.DistributionSummary in = meters.find("istio.request")
            .tags("reporter", "destination", "grpc_response_status", "0").summary();
        assertThat(in).isNotNull();
        assertThat(in.totalAmount()).isEqualTo("hi".length() + 5);
        assertThat(meters.find("istio.response").tags("reporter", "destination", "grpc_response_status", "0").summary()
            .totalAmount()).isEqualTo("productpage".length() + 5);
      });
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static java.nio.file.Path tempDir() {
    try {
      return Files.createTempDirectory("grpc");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A hand-written service (no codegen): Who answers the workload's name; Admin counts its calls. */
  @TestConfiguration
  static class EchoService {
    volatile int port;
    volatile int adminCalls;

    @Bean
    BindableService echo() {
      return () -> ServerServiceDefinition.builder("test.Echo")
          .addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
            response.onNext("productpage");
            response.onCompleted();
          }))
          .addMethod(ADMIN, ServerCalls.asyncUnaryCall((request, response) -> {
            adminCalls++;
            response.onNext("admin");
            response.onCompleted();
          }))
          .build();
    }

    @EventListener
    void started(GrpcServerStartedEvent event) {
      port = event.getPort();
    }
  }

  static MethodDescriptor<String, String> method(String name) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", name))
        .setRequestMarshaller(Utf8.INSTANCE)
        .setResponseMarshaller(Utf8.INSTANCE)
        .build();
  }

  enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
