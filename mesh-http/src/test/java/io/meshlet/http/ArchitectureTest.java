package io.meshlet.http;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.RequestView;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.security.InboundRequest;
import java.util.random.RandomGenerator;

/** Adapters never depend on each other, nor on the core's internals, and never copy a step of the pipeline (DESIGN.md). */
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

  @ArchTest
  static final ArchRule telemetryComesFromThePipeline = noClasses().that().resideInAPackage("io.meshlet.http..")
      .should().dependOnClassesThat().resideInAnyPackage("io.meshlet.core.telemetry..", "io.micrometer..", "io.opentelemetry..")
      .because("metrics, spans and access logs are listeners on the pipeline's events; an adapter only reports what it saw");

  @ArchTest
  static final ArchRule thePipelineDecides = noClasses().that().resideInAPackage("io.meshlet.http..")
      .should().callMethod(RouteTable.class, "lookup", String.class)
      .orShould().callMethod(CompiledRoute.class, "pickDestination", RandomGenerator.class)
      .orShould().callMethod(Cluster.class, "pick", RequestView.class, RandomGenerator.class)
      .orShould().callMethod(Cluster.class, "pick", RequestView.class, RandomGenerator.class, Endpoint.class)
      .orShould().callMethod(InboundPolicies.class, "check", InboundRequest.class)
      .because("the order of the mesh's steps lives once, in mesh-core's MeshPipeline; an adapter only translates");
}
