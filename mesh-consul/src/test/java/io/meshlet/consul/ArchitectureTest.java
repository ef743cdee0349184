package io.meshlet.consul;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The module only adapts Consul to the model: no other adapter, no core internals, the client's types at one boundary. */
@AnalyzeClasses(packages = "io.meshlet.consul", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noOtherAdapter = noClasses().that().resideInAPackage("io.meshlet.consul..")
      .should().dependOnClassesThat().resideInAnyPackage("io.meshlet.http..", "io.meshlet.grpc..", "io.meshlet.xds..",
          "io.meshlet.spring..", "io.meshlet.controlplane..", "io.meshlet.core.internal..", "io.meshlet.core.config.istio..",
          "io.meshlet.core.routing..");

  @ArchTest
  static final ArchRule consulClientTypesStopAtTheirBoundary = noClasses().that().resideInAPackage("io.meshlet.consul..")
      .and().doNotHaveSimpleName("HealthQuery").and().doNotHaveSimpleName("CatalogQuery").and().doNotHaveSimpleName("ConsulSource")
      .and().areNotNestedClasses()
      .should().dependOnClassesThat().resideInAnyPackage("org.kiwiproject..", "com.fasterxml.jackson..", "retrofit2..")
      .because("consul-client's model is translated in HealthQuery (into ConsulInstance) and CatalogQuery (into names); ConsulSource only builds the client");
}
