package io.meshlet.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.MeshTesting;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code redirect.prefixRewrite}: the matched uri prefix is replaced, as Envoy's {@code prefix_rewrite} does. */
class RedirectPrefixRewriteTest {
  @TempDir Path dir;
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void theMatchedPrefixIsReplacedAndTheQueryKept() {
    Path file = MeshTesting.write(dir.resolve("mesh.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          resolution: STATIC
          ports: [{number: 9080, name: http}]
          endpoints: [{address: 10.0.0.1}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /foo/}}]
            redirect: {authority: foo.example.com, prefixRewrite: /}
          - match: [{uri: {prefix: /old}}]
            redirect: {prefixRewrite: /new, redirectCode: 308}
          - match: [{headers: {x-move: {exact: "1"}}}]
            redirect: {prefixRewrite: /base/}
        """);
    mesh = MeshTesting.mesh(file).build();
    MeshPipeline p = mesh.pipeline();

    Redirect foo = (Redirect) p.outbound(MeshTesting.get("http://reviews:9080/foo/bar"), null);
    assertThat(foo.location(MeshTesting.get("http://reviews:9080/foo/bar"), "a=1")).isEqualTo("http://foo.example.com/bar?a=1");
    Redirect old = (Redirect) p.outbound(MeshTesting.get("http://reviews:9080/old/baz"), null);
    assertThat(old.location(MeshTesting.get("http://reviews:9080/old/baz"), null)).isEqualTo("http://reviews:9080/new/baz");
    assertThat(old.code()).isEqualTo(308);
    // No uri match: Istio's route matches the prefix "/", which is replaced.
    Redirect moved = (Redirect) p.outbound(MeshTesting.get("http://reviews:9080/x/y", "x-move", "1"), null);
    assertThat(moved.location(MeshTesting.get("http://reviews:9080/x/y", "x-move", "1"), null)).isEqualTo("http://reviews:9080/base/x/y");
  }
}
