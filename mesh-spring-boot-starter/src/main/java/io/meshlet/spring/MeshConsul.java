package io.meshlet.spring;

import io.meshlet.consul.ConsulSource;
import io.meshlet.consul.HostForm;
import io.meshlet.core.Mesh;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * {@code mesh.consul.*} to a {@link ConsulSource}. The only class of the starter that names
 * mesh-consul (an optional dependency), loaded only when that module is on the classpath, as an
 * {@code @ConditionalOnClass} configuration would be.
 */
final class MeshConsul {
  static final String SOURCE_CLASS = "io.meshlet.consul.ConsulSource";

  private MeshConsul() {}

  /** Adds the Consul source when {@code mesh.consul.services} lists any or {@code all-services} is set. */
  static void apply(MeshProperties.Consul c, @Nullable String meshNamespace, Mesh.Builder b) {
    if (c.getServices().isEmpty() && !c.isAllServices()) {
      return;
    }
    if (!ClassUtils.isPresent(SOURCE_CLASS, MeshConsul.class.getClassLoader())) {
      throw new IllegalStateException((c.isAllServices() ? "mesh.consul.all-services: true" : "mesh.consul.services: "
          + c.getServices()) + " (expected: io.meshlet:mesh-consul on the classpath to read them)");
    }
    Sources.add(c, meshNamespace, b);
  }

  /** Separate so that {@link MeshConsul} itself loads without mesh-consul. */
  private static final class Sources {
    static void add(MeshProperties.Consul c, @Nullable String meshNamespace, Mesh.Builder b) {
      ConsulSource.Builder s = ConsulSource.builder().address(c.getAddress()).services(c.getServices())
          .servicePort(c.getServicePort()).passingOnly(c.isPassingOnly()).configEntries(c.isConfigEntries())
          .blockingWait(c.getWait()).hostForms(hostForms(c.getHostForms()));
      if (c.isAllServices()) {
        s.allServices();
      }
      if (c.getToken() != null) {
        s.token(c.getToken());
      }
      if (c.getDatacenter() != null) {
        s.datacenter(c.getDatacenter());
      }
      if (c.getNamespace() != null) {
        s.namespace(c.getNamespace());
      }
      if (meshNamespace != null) {
        s.meshNamespace(meshNamespace);
      }
      b.configSource(s.build());
    }

    private static HostForm[] hostForms(List<String> names) {
      HostForm[] out = new HostForm[names.size()];
      for (int i = 0; i < names.size(); i++) {
        try {
          out[i] = HostForm.valueOf(names.get(i).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("mesh.consul.host-forms[" + i + "]: '" + names.get(i) + "' (expected: consul or kubernetes)");
        }
      }
      return out;
    }
  }
}
