package io.meshlet.spring;

import io.meshlet.core.Mesh;
import io.meshlet.core.snapshot.SourceStatus;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health contributor {@code mesh}: DOWN until every config source has delivered a valid config
 * ({@link Mesh#hasFirstConfig()}), UP after; a source that fails or is rejected later does not take
 * it down (the last good config keeps routing), but is listed under {@code failing}. Use it in the
 * readiness group ({@code management.endpoint.health.group.readiness.include=readinessState,mesh}).
 */
final class MeshHealthIndicator implements HealthIndicator {
  private final Mesh mesh;

  MeshHealthIndicator(Mesh mesh) {
    this.mesh = mesh;
  }

  @Override
  public Health health() {
    Health.Builder health = mesh.hasFirstConfig() ? Health.up() : Health.down();
    List<String> failing = new ArrayList<>();
    for (SourceStatus s : mesh.sources()) {
      if (s.state() == SourceStatus.State.FAILED || s.state() == SourceStatus.State.REJECTED) {
        failing.add(s.name() + ": " + s.state() + (s.message() == null ? "" : " (" + s.message() + ")"));
      }
    }
    health.withDetail("workload", mesh.workload().name() + "." + mesh.workload().namespace())
        .withDetail("version", mesh.snapshot().version())
        .withDetail("sources", MeshViews.sources(mesh));
    if (!failing.isEmpty()) {
      health.withDetail("failing", failing);
    }
    return health.build();
  }
}
