package io.meshlet.perf;

/** Generates the Istio YAML the benchmarks run on. */
final class MeshYaml {
  static final int PORT = 9080;
  static final String HEADER = "x-user";

  private MeshYaml() {}

  /** The short host name of service {@code h}: {@code svc-7}. */
  static String host(int h) {
    return "svc-" + h;
  }

  /** The uri prefix of rule {@code r}: {@code /api/v7/}. */
  static String prefix(int r) {
    return "/api/v" + r + "/";
  }

  /** The {@value #HEADER} value of rule {@code r}: {@code user-7}. */
  static String user(int r) {
    return "user-" + r;
  }

  /**
   * {@code hosts} services, each a STATIC ServiceEntry on port {@value #PORT} with six endpoints (three
   * labelled {@code version: v1}, three {@code v2}), a DestinationRule with subsets v1 and v2 and no
   * load balancer setting (so Istio's default, LEAST_REQUEST), and a VirtualService with {@code rulesPerHost}
   * rules. Rule {@code r} matches {@code uri.prefix /api/v<r>/} and header {@code x-user: exact user-<r>}
   * and splits 80/20 over v1/v2.
   */
  static String routing(int hosts, int rulesPerHost) {
    return routing(hosts, rulesPerHost, 6);
  }

  /** {@link #routing(int, int)} with {@code endpointsPerHost} endpoints per service, the first half {@code version: v1}. */
  static String routing(int hosts, int rulesPerHost, int endpointsPerHost) {
    StringBuilder y = new StringBuilder(hosts * (1200 + rulesPerHost * 330));
    for (int h = 0; h < hosts; h++) {
      String host = host(h);
      y.append("apiVersion: networking.istio.io/v1\n")
          .append("kind: ServiceEntry\n")
          .append("metadata:\n  name: ").append(host).append('\n')
          .append("spec:\n")
          .append("  hosts: [").append(host).append("]\n")
          .append("  location: MESH_INTERNAL\n")
          .append("  resolution: STATIC\n")
          .append("  ports:\n  - number: ").append(PORT).append("\n    name: http\n    protocol: HTTP\n")
          .append("  endpoints:\n");
      for (int e = 1; e <= endpointsPerHost; e++) {
        y.append("  - address: 10.").append(h / 250).append('.').append(h % 250).append('.').append(e).append('\n')
            .append("    labels: {version: ").append(e <= endpointsPerHost / 2 ? "v1" : "v2").append("}\n");
      }
      y.append("---\n")
          .append("apiVersion: networking.istio.io/v1\n")
          .append("kind: DestinationRule\n")
          .append("metadata:\n  name: ").append(host).append('\n')
          .append("spec:\n")
          .append("  host: ").append(host).append('\n')
          .append("  subsets:\n")
          .append("  - name: v1\n    labels: {version: v1}\n")
          .append("  - name: v2\n    labels: {version: v2}\n")
          .append("---\n")
          .append("apiVersion: networking.istio.io/v1\n")
          .append("kind: VirtualService\n")
          .append("metadata:\n  name: ").append(host).append('\n')
          .append("spec:\n")
          .append("  hosts: [").append(host).append("]\n")
          .append("  http:\n");
      for (int r = 0; r < rulesPerHost; r++) {
        y.append("  - name: rule-").append(r).append('\n')
            .append("    match:\n")
            .append("    - uri: {prefix: ").append(prefix(r)).append("}\n")
            .append("      headers:\n        ").append(HEADER).append(": {exact: ").append(user(r)).append("}\n")
            .append("    route:\n")
            .append("    - destination: {host: ").append(host).append(", subset: v1}\n      weight: 80\n")
            .append("    - destination: {host: ").append(host).append(", subset: v2}\n      weight: 20\n");
      }
      y.append("---\n");
    }
    return y.toString();
  }

  /** A namespace-default Sidecar in {@code default} whose egress hosts are services 0 .. {@code services - 1}. */
  static String sidecar(int services) {
    StringBuilder y = new StringBuilder("apiVersion: networking.istio.io/v1\nkind: Sidecar\n"
        + "metadata: {name: default, namespace: default}\nspec:\n  egress:\n  - hosts:\n");
    for (int h = 0; h < services; h++) {
      y.append("    - ./").append(host(h)).append('\n');
    }
    return y.append("---\n").toString();
  }

  /**
   * {@code reviews} as a STATIC ServiceEntry on port {@value #PORT} whose one endpoint is
   * {@code 127.0.0.1:serverPort}, and a VirtualService sending {@code /reviews} there.
   */
  static String loopback(int serverPort) {
    return "apiVersion: networking.istio.io/v1\n"
        + "kind: ServiceEntry\n"
        + "metadata:\n  name: reviews\n"
        + "spec:\n"
        + "  hosts: [reviews]\n"
        + "  location: MESH_INTERNAL\n"
        + "  resolution: STATIC\n"
        + "  ports:\n  - number: " + PORT + "\n    name: http\n    protocol: HTTP\n"
        + "  endpoints:\n"
        + "  - address: 127.0.0.1\n    ports: {http: " + serverPort + "}\n"
        + "---\n"
        + "apiVersion: networking.istio.io/v1\n"
        + "kind: VirtualService\n"
        + "metadata:\n  name: reviews\n"
        + "spec:\n"
        + "  hosts: [reviews]\n"
        + "  http:\n"
        + "  - match:\n    - uri: {prefix: /reviews}\n"
        + "    route:\n    - destination: {host: reviews}\n";
  }

  /**
   * The gRPC benchmarks' config: {@code reviews} in namespace {@code default} as a STATIC ServiceEntry
   * (port {@value #PORT}, protocol GRPC) whose one endpoint is {@code 127.0.0.1:serverPort}, and a
   * VirtualService with one route to it; no DestinationRule, no policies (so Istio's default retries).
   * The same text feeds the mesh (as a file) and the control plane grpc-xds reads from.
   */
  static String grpcLoopback(int serverPort) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: %1$d, name: grpc, protocol: GRPC}]
          endpoints:
          - {address: 127.0.0.1, ports: {grpc: %2$d}, labels: {app: reviews, version: v1}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - name: reviews
            route:
            - destination: {host: reviews}
        """.formatted(PORT, serverPort);
  }
}
