package io.meshlet.http;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Adapters never depend on each other, nor on the core's internals (DESIGN.md). */
@AnalyzeClasses(packages = "io.meshlet.http", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noOtherAdapter = noClasses().that().resideInAPackage("io.meshlet.http..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.meshlet.grpc..", "io.meshlet.xds..", "io.meshlet.consul..", "io.meshlet.spring..",
          "io.meshlet.controlplane..", "io.grpc..", "org.springframework..");

  @ArchTest
  static final ArchRule noCoreInternals = noClasses().that().resideInAPackage("io.meshlet.http..")
      .should().dependOnClassesThat().resideInAnyPackage("io.meshlet.core.internal..", "io.meshlet.core.config.istio..")
      .because("an adapter reads the compiled tables through the core's public API");
}
