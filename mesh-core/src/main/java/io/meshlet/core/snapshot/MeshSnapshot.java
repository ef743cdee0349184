package io.meshlet.core.snapshot;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The validated config in force: a version that grows by one with every accepted update, the merged
 * resources of every source (each knowing where it came from), the sources' states and the warnings
 * (fields not applied yet, destinations without a ServiceEntry, ...). Immutable.
 */
public record MeshSnapshot(long version, Instant createdAt, MeshConfig config, List<SourceStatus> sources, List<ConfigProblem> warnings) {
  public MeshSnapshot {
    requireNonNull(createdAt, "createdAt");
    requireNonNull(config, "config");
    sources = List.copyOf(sources);
    warnings = List.copyOf(warnings);
  }

  public Optional<ResourceOrigin> origin(ResourceId id) {
    return find(id).map(MeshResource::origin);
  }

  public Optional<MeshResource> find(ResourceId id) {
    for (MeshResource r : config.all()) {
      if (r.id().equals(id)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** Every {@code kind ns/name: field} that is configured but not applied yet. */
  public List<String> notYetApplied() {
    List<String> out = new ArrayList<>();
    for (MeshResource r : config.all()) {
      for (String path : r.notYetApplied()) {
        out.add(r.id() + ": " + path);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "MeshSnapshot[version=" + version + ", resources=" + config.size() + ", sources=" + sources.size()
        + ", warnings=" + warnings.size() + "]";
  }
}
