package io.meshlet.core;

import io.meshlet.core.explain.ExplainRequest;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.pipeline.OutboundCall;
import io.meshlet.core.pipeline.Routed;
import io.meshlet.core.routing.RequestView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/** Small helpers for core tests: write YAML, build a mesh on it, route a request the way an adapter does. */
public final class MeshTesting {
  private MeshTesting() {}

  public static Path write(Path file, String yaml) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, yaml);
      return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Mesh.Builder mesh(Path config) {
    return Mesh.builder()
        .workload("productpage")
        .namespace("default")
        .labels(Map.of("app", "productpage", "version", "v1"))
        .configFile(config)
        .sourceAddress("10.0.0.7")
        .random(new Random(42));
  }

  /** The endpoint an adapter would send {@code req} to (the pipeline's first try), or null if routing stops before one. */
  public static @Nullable Endpoint route(Mesh mesh, RequestView req) {
    Routed routed = mesh.pipeline().outbound(req, null);
    if (!(routed instanceof OutboundCall)) {
      return null;
    }
    OutboundCall call = (OutboundCall) routed;
    try {
      return call.startTry() == null ? call.endpoint() : null;
    } finally {
      call.end();
    }
  }

  public static ExplainRequest get(String url, String... headerPairs) {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.put(headerPairs[i], headerPairs[i + 1]);
    }
    return ExplainRequest.of("GET", url, headers);
  }
}
