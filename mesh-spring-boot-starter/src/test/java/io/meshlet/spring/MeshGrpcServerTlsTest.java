package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.TlsServerCredentials.ClientAuth;
import io.meshlet.core.Mesh;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.SpiffeId;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** When the starter points Spring gRPC's server TLS at the bundle {@code mesh}, and when it leaves the application's settings alone. */
class MeshGrpcServerTlsTest {
  static final MeshCa CA = MeshCa.create("cluster.local");

  final ApplicationContextRunner withCertificate = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshGrpcAutoConfiguration.class))
      .withUserConfiguration(Certified.class);

  @Test
  void withAMeshCertificateAndNoSslSettingsTheServerServesTheMeshBundleWithOptionalClientCertificates() {
    withCertificate.run(c -> assertThat(ssl(c.getBean(GrpcServerProperties.class)))
        .isEqualTo(new Ssl("mesh", ClientAuth.OPTIONAL, null)));
  }

  @Test
  void theApplicationsClientAuthIsKept() {
    withCertificate.withPropertyValues("spring.grpc.server.ssl.client-auth=require")
        .run(c -> assertThat(ssl(c.getBean(GrpcServerProperties.class))).isEqualTo(new Ssl("mesh", ClientAuth.REQUIRE, null)));
  }

  @Test
  void theApplicationsOwnBundleOrPlaintextWins() {
    withCertificate.withPropertyValues("spring.grpc.server.ssl.bundle=own")
        .run(c -> assertThat(ssl(c.getBean(GrpcServerProperties.class))).isEqualTo(new Ssl("own", ClientAuth.NONE, null)));
    withCertificate.withPropertyValues("spring.grpc.server.ssl.enabled=false")
        .run(c -> assertThat(ssl(c.getBean(GrpcServerProperties.class))).isEqualTo(new Ssl(null, ClientAuth.NONE, false)));
  }

  @Test
  void offWhenSwitchedOffOrWithoutAMeshCertificate() {
    withCertificate.withPropertyValues("mesh.server.grpc-tls=false")
        .run(c -> assertThat(ssl(c.getBean(GrpcServerProperties.class))).isEqualTo(new Ssl(null, ClientAuth.NONE, null)));
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MeshGrpcAutoConfiguration.class))
        .withUserConfiguration(Uncertified.class)
        .run(c -> assertThat(ssl(c.getBean(GrpcServerProperties.class))).isEqualTo(new Ssl(null, ClientAuth.NONE, null)));
  }

  private static Ssl ssl(GrpcServerProperties properties) {
    GrpcServerProperties.Ssl ssl = properties.getSsl();
    return new Ssl(ssl.getBundle(), ssl.getClientAuth(), ssl.getEnabled());
  }

  record Ssl(String bundle, ClientAuth clientAuth, Boolean enabled) {}

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(GrpcServerProperties.class)
  static class Certified {
    @Bean(destroyMethod = "close")
    Mesh mesh() {
      return Mesh.builder().workload("reviews").certificates(
          CertificateProvider.of(CA.issue(new SpiffeId("cluster.local", "default", "reviews")))).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(GrpcServerProperties.class)
  static class Uncertified {
    @Bean(destroyMethod = "close")
    Mesh mesh() {
      return Mesh.builder().workload("reviews").build();
    }
  }
}
