package io.meshlet.spring;

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

/** The starter adapts Spring to the mesh's public API: no core internals, no transport of its own, no step of the pipeline. */
@AnalyzeClasses(packages = "io.meshlet.spring", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noCoreInternals = noClasses().that().resideInAPackage("io.meshlet.spring..")
      .should().dependOnClassesThat().resideInAnyPackage("io.meshlet.core.internal..", "io.meshlet.core.config.istio..",
          "io.meshlet.xds..")
      .because("the starter reads the mesh through Mesh and the core's public read-only accessors; xDS is reached through Mesh.Builder");

  @ArchTest
  static final ArchRule thePipelineDecides = noClasses().that().resideInAPackage("io.meshlet.spring..")
      .should().callMethod(RouteTable.class, "lookup", String.class)
      .orShould().callMethod(CompiledRoute.class, "pickDestination", RandomGenerator.class)
      .orShould().callMethod(Cluster.class, "pick", RequestView.class, RandomGenerator.class)
      .orShould().callMethod(Cluster.class, "pick", RequestView.class, RandomGenerator.class, Endpoint.class)
      .orShould().callMethod(InboundPolicies.class, "check", InboundRequest.class)
      .because("routing and authorization happen in mesh-core's pipeline, reached through MeshInterceptor and MeshServletFilter");
}
