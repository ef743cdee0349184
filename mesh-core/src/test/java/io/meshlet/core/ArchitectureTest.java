package io.meshlet.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The core knows no transport, framework, protobuf or service registry client (DESIGN.md), and its
 * packages depend on each other in one direction only.
 */
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
  static final ArchRule telemetryLibrariesStayInTelemetry = noClasses()
      .that().resideOutsideOfPackages("io.meshlet.core.telemetry..", "io.meshlet.core")
      .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.opentelemetry..")
      .because("Micrometer and OpenTelemetry are used by the telemetry listeners only (and named by Mesh.Builder)");

  @ArchTest
  static final ArchRule bouncyCastleStaysInIdentity = noClasses().that().resideOutsideOfPackage("io.meshlet.core.identity..")
      .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
      .because("certificates are read and issued in one place; the rest of the mesh sees JDK types");

  /**
   * mesh-core's slices: the root package {@code io.meshlet.core} ({@code Mesh} and its public
   * companions) is one, and each direct subpackage together with its own subpackages is one
   * ({@code model}, {@code config} with {@code config.istio}, {@code routing}, {@code lb},
   * {@code resilience}, {@code security}, {@code identity}, {@code snapshot}, {@code explain},
   * {@code internal}, and any added later). {@code config.istio} counts with {@code config}: it is
   * the YAML implementation of config's source SPI, one layer with it.
   */
  static final SliceAssignment CORE_PACKAGES = new SliceAssignment() {
    private static final String ROOT = "io.meshlet.core";

    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String pkg = c.getPackageName();
      if (pkg.equals(ROOT)) {
        return SliceIdentifier.of(ROOT);
      }
      if (!pkg.startsWith(ROOT + ".")) {
        return SliceIdentifier.ignore();
      }
      int dot = pkg.indexOf('.', ROOT.length() + 1);
      return SliceIdentifier.of(dot < 0 ? pkg : pkg.substring(0, dot));
    }

    @Override
    public String getDescription() {
      return "io.meshlet.core and each of its direct subpackages (with their subpackages)";
    }
  };

  @ArchTest
  static final ArchRule packagesAreFreeOfCycles = slices().assignedFrom(CORE_PACKAGES).should().beFreeOfCycles()
      .because("each package can be understood, and changed, above the ones it uses");
}
