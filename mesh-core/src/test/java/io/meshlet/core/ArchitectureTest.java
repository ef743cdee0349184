package io.meshlet.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core knows no transport, framework, protobuf or service registry client (DESIGN.md). */
@AnalyzeClasses(packages = "io.meshlet.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule coreKnowsNoTransport = noClasses().that().resideInAPackage("io.meshlet.core..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "okhttp3..", "io.grpc..", "com.google.protobuf..", "org.springframework..", "io.netty..",
          "org.kiwiproject.consul..", "io.envoyproxy..", "jakarta.servlet..")
      .because("mesh-core is transport-neutral; adapters adapt");

  @ArchTest
  static final ArchRule coreKnowsNoAdapter = noClasses().that().resideInAPackage("io.meshlet.core..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.meshlet.http..", "io.meshlet.grpc..", "io.meshlet.xds..", "io.meshlet.consul..",
          "io.meshlet.spring..", "io.meshlet.controlplane..");

  @ArchTest
  static final ArchRule modelIsPure = noClasses().that().resideInAPackage("io.meshlet.core.model..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.meshlet.core.routing..", "io.meshlet.core.config..", "io.meshlet.core.internal..", "tools.jackson..")
      .because("the model is what every translator produces; it depends on nothing else of the mesh");

  @ArchTest
  static final ArchRule jacksonStaysInTheYamlTranslator = noClasses().that().resideOutsideOfPackage("io.meshlet.core.config.istio..")
      .should().dependOnClassesThat().resideInAPackage("tools.jackson..")
      .because("Istio YAML is translated at its boundary; no Jackson type travels further");

  @ArchTest
  static final ArchRule bouncyCastleStaysInIdentity = noClasses().that().resideOutsideOfPackage("io.meshlet.core.identity..")
      .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
      .because("certificates are read and issued in one place; the rest of the mesh sees JDK types");
}
