package io.meshlet.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Scans other packages for {@link MeshClient} interfaces than the application's own (which are
 * scanned without this annotation).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(MeshClientsRegistrar.class)
public @interface EnableMeshClients {
  /** Packages to scan; the annotated class's package when empty. */
  String[] basePackages() default {};

  /** Classes whose packages are scanned. */
  Class<?>[] basePackageClasses() default {};
}
