package io.meshlet.samples.bookinfo;

import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * What istio-agent would write for each workload, and what Kubernetes would know about the
 * services: a certificate from the fleet's {@link MeshCa}, gRPC's xDS bootstrap file pointing at
 * the control plane, and {@code services.yaml}, the ServiceEntries of the six services on loopback.
 */
final class FleetFiles {
  static final String NAMESPACE = "default";
  static final String TRUST_DOMAIN = "cluster.local";
  /** The port every service is called on (as in Istio's Bookinfo), and ratings' gRPC port. */
  static final int SERVICE_PORT = 9080;
  static final int RATINGS_GRPC_PORT = 9090;

  private FleetFiles() {}

  /** Writes the workload's certificate files and bootstrap under {@code dir}; returns the bootstrap. */
  static Path bootstrap(Path dir, MeshCa ca, Workload w, int xdsPort, String metricsUrl) throws IOException {
    Path d = Files.createDirectories(dir.resolve(w.name()));
    Pem.write(ca.issue(new SpiffeId(TRUST_DOMAIN, NAMESPACE, w.serviceAccount())), d.resolve("cert-chain.pem"),
        d.resolve("key.pem"), d.resolve("root-cert.pem"));
    String nodeId = nodeId(w);
    return Files.writeString(d.resolve("grpc-bootstrap.json"), """
        {
          "xds_servers": [{"server_uri": "127.0.0.1:%1$d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
          "node": {"id": "%2$s",
                   "metadata": {"NAMESPACE": "%3$s", "LABELS": {"app": "%4$s", "version": "%5$s"}, "WORKLOAD_NAME": "%6$s",
                                "SERVICE_ACCOUNT": "%7$s", "GENERATOR": "grpc", "MESHLET_METRICS_URL": "%8$s"}},
          "certificate_providers": {"default": {"plugin_name": "file_watcher", "config": {
            "certificate_file": "%9$s/cert-chain.pem", "private_key_file": "%9$s/key.pem",
            "ca_certificate_file": "%9$s/root-cert.pem", "refresh_interval": "900s"}}},
          "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%%s"
        }
        """.formatted(xdsPort, nodeId, NAMESPACE, w.app(), w.version(), w.name(), w.serviceAccount(), metricsUrl,
        d.toAbsolutePath().toString().replace("\\", "/")));
  }

  /** The node id istio-agent gives a pod: {@code sidecar~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local}. */
  static String nodeId(Workload w) {
    return "sidecar~127.0.0.1~" + w.name() + "-bookinfo." + NAMESPACE + "~" + NAMESPACE + ".svc.cluster.local";
  }

  /**
   * {@code services.yaml}: one ServiceEntry per service, its endpoints the workloads' loopback ports
   * with their service accounts (the identities {@code ISTIO_MUTUAL} callers expect, as istiod's).
   */
  static void services(Path configDir, Map<String, Integer> ports, int ratingsGrpcPort) throws IOException {
    StringBuilder y = new StringBuilder("""
        # Written by the Bookinfo launcher at every start (the ports change): the six workloads as
        # ServiceEntries, which is what Kubernetes Services and pods would give istiod. Do not edit.
        """);
    for (String app : new String[] {"productpage", "details", "reviews", "ratings"}) {
      y.append("""
          ---
          apiVersion: networking.istio.io/v1
          kind: ServiceEntry
          metadata: {name: %1$s, namespace: %2$s}
          spec:
            hosts: [%1$s.%2$s.svc.cluster.local]
            location: MESH_INTERNAL
            resolution: STATIC
            ports:
            - {number: %3$d, name: http, protocol: HTTP}
          """.formatted(app, NAMESPACE, SERVICE_PORT));
      if (app.equals("ratings")) {
        y.append("  - {number: %d, name: grpc, protocol: GRPC}\n".formatted(RATINGS_GRPC_PORT));
      }
      y.append("  endpoints:\n");
      for (Workload w : Workload.ALL) {
        if (w.app().equals(app)) {
          y.append("  - address: 127.0.0.1\n    ports: {http: ").append(ports.get(w.name()));
          if (w.grpc()) {
            y.append(", grpc: ").append(ratingsGrpcPort);
          }
          y.append("}\n    labels: {app: ").append(w.app()).append(", version: ").append(w.version())
              .append(", service.istio.io/workload-name: ").append(w.name()).append("}\n")
              // As a pod's service account: ISTIO_MUTUAL callers then expect exactly this identity.
              .append("    serviceAccount: ").append(w.serviceAccount()).append("\n");
        }
      }
    }
    write(configDir.resolve("services.yaml"), y.toString());
  }

  /** Replaces a file atomically, as the control plane's file watcher wants it. */
  static void write(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".bookinfo", ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
