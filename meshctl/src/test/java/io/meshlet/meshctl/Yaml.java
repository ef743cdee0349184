package io.meshlet.meshctl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reviews with three subsets and a header route: the config the tests analyze, explain and serve. */
final class Yaml {
  static final String REVIEWS = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        location: MESH_INTERNAL
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints:
        - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
        - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - name: jason-gets-v2
          match: [{headers: {end-user: {exact: jason}}}]
          route: [{destination: {host: reviews, subset: v2}}]
        - name: everyone-else
          route: [{destination: {host: reviews, subset: v1}}]
      """;

  private Yaml() {}

  static String reviews(int v1Port, int v2Port) {
    return REVIEWS.formatted(v1Port, v2Port);
  }

  static Path write(Path file, String yaml) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
