package io.meshlet.xds;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The xDS client uses gRPC only as its transport and depends on no adapter (DESIGN.md). */
@AnalyzeClasses(packages = "io.meshlet.xds", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noAdapter = noClasses().that().resideInAPackage("io.meshlet.xds..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.meshlet.http..", "io.meshlet.grpc..", "io.meshlet.consul..", "io.meshlet.spring..",
          "io.meshlet.controlplane..", "okhttp3..", "org.springframework..", "io.meshlet.core.internal..");

  @ArchTest
  static final ArchRule bootstrapKnowsNoProtobuf = noClasses().that().resideInAPackage("io.meshlet.xds.bootstrap..")
      .should().dependOnClassesThat().resideInAnyPackage("io.envoyproxy..", "io.grpc..");
}
